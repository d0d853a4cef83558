/**
 * Reads a data set's interactions for the replay through the ingest's own format detection and parsers, so
 * the replay accepts exactly what `npm run ingest` accepts: raw review JSONL, benchmark CSVs (rating_only and
 * `*_w_his`) and the SASRec `user item` text (per-user position clock). Metadata files are items, not events.
 */
import { createRecordParser, detectAmazonFormat, formatHasHeader, type AmazonFormat } from "../../../src/data/amazon";
import { readFirstLine, readLineBatches } from "../../../src/data/amazon/read-lines.node.js";
import { mulberry32 } from "../simulate/rng";

/** One interaction: who, which item, when (Unix ms, or the position clock for data without timestamps). */
export interface ReplayEvent {
  user: string;
  item: string;
  ts: number;
  /** Order of reading (files in the order given, lines in file order): breaks ties in time. */
  seq: number;
  /** Index of the `--dataset` file it came from (the `files` split uses it). */
  file: number;
}

export interface DatasetFile {
  path: string;
  format: AmazonFormat;
  events: number;
  skipped: number;
}

export interface Dataset {
  files: DatasetFile[];
  events: ReplayEvent[];
  /** False for the SASRec text: `ts` is each user's sequence position. */
  hasTimestamps: boolean;
}

export class DatasetError extends Error {
  override readonly name = "DatasetError";
}

const EVENT_FORMATS: ReadonlySet<AmazonFormat> = new Set([
  "review_jsonl",
  "benchmark_rating_only",
  "benchmark_with_history",
  "sasrec_txt",
]);

/**
 * Reads every file's interactions. Rows repeated across files (the same user, item and time, e.g. overlapping
 * benchmark splits) are kept once. A metadata file or an unreadable format is a DatasetError naming the file.
 */
export async function readDataset(paths: readonly string[]): Promise<Dataset> {
  const files: DatasetFile[] = [];
  const events: ReplayEvent[] = [];
  const seen = new Set<string>();
  let hasTimestamps = true;
  for (let fileIndex = 0; fileIndex < paths.length; fileIndex++) {
    const path = paths[fileIndex];
    const header = await readFirstLine(path);
    const format = detectAmazonFormat(path, header);
    if (!format.ok) throw new DatasetError(`${path}: ${format.detail}`);
    if (!EVENT_FORMATS.has(format.value)) {
      throw new DatasetError(`${path}: ${format.value} holds items, not interactions (pass it with --items)`);
    }
    if (format.value === "sasrec_txt") hasTimestamps = false;
    const parser = createRecordParser(format.value, header);
    if (!parser.ok) throw new DatasetError(`${path}: ${parser.detail}`);
    const skipHeader = formatHasHeader(format.value);
    const file: DatasetFile = { path, format: format.value, events: 0, skipped: 0 };
    for await (const batch of readLineBatches(path)) {
      for (let i = 0; i < batch.lines.length; i++) {
        if (skipHeader && batch.firstLineNumber + i === 1) continue;
        const line = batch.lines[i];
        if (line.length === 0) continue;
        const r = parser.value(line);
        if (!r.ok || r.value.kind === "meta") {
          file.skipped++;
          continue;
        }
        const { userId: user, parentAsin: item, timestamp: ts } = r.value.value;
        const key = `${user}\u0000${item}\u0000${ts}`;
        if (seen.has(key)) continue;
        seen.add(key);
        events.push({ user, item, ts, seq: events.length, file: fileIndex });
        file.events++;
      }
    }
    files.push(file);
  }
  if (events.length === 0) throw new DatasetError(`no interactions in ${paths.join(", ")}`);
  return { files, events, hasTimestamps };
}

/**
 * The `--users N` subsample: N users drawn uniformly without replacement (seeded Fisher-Yates over the users
 * in order of first appearance), with all their events. Same seed, same users: both modes replay one sample.
 */
export function subsampleUsers(events: readonly ReplayEvent[], n: number, seed: number): ReplayEvent[] {
  const users = [...new Set(events.map((e) => e.user))];
  if (n >= users.length) return [...events];
  const random = mulberry32(seed);
  for (let i = users.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [users[i], users[j]] = [users[j], users[i]];
  }
  const keep = new Set(users.slice(0, n));
  return events.filter((e) => keep.has(e.user));
}
