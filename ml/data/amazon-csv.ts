import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseBenchmarkCsvHeader, parseBenchmarkCsvRow, type BenchmarkCsvHeader } from "./amazon/benchmark-csv";
import { readLines } from "./amazon/read-lines.node.js";
import type { ParseError } from "./amazon/result";
import { DatasetFormatError } from "./errors.js";
import { IdMap, SequenceBuilder, type HeldOutCase, type InteractionLog } from "./interactions.js";

/** "bad timestamp: timestamp \"x\" is not …": the parser's machine reason in words, then its detail. */
const describe = (e: ParseError) => `${e.reason.replace(/_/g, " ")}: ${e.detail}`;

interface BenchmarkRow {
  user: string;
  item: string;
  timestamp: number;
  history: string[] | undefined;
}

/**
 * Benchmark CSV rows through the ingest's own header and row parsers (ml/data/amazon/benchmark-csv.ts):
 * one parser for the database and the models. A bad row stops the load with its file and line, since a
 * silently shortened evaluation set would change every metric.
 */
async function* readBenchmarkRows(path: string): AsyncGenerator<BenchmarkRow> {
  let header: BenchmarkCsvHeader | undefined;
  for await (const { line, lineNumber } of readLines(path)) {
    if (header === undefined) {
      const parsed = parseBenchmarkCsvHeader(line);
      if (!parsed.ok) throw new DatasetFormatError(path, lineNumber, describe(parsed));
      header = parsed.value;
      continue;
    }
    if (line.trim() === "") continue;
    const row = parseBenchmarkCsvRow(line, header);
    if (!row.ok) throw new DatasetFormatError(path, lineNumber, describe(row));
    const r = row.value;
    yield { user: r.userId, item: r.parentAsin, timestamp: r.timestamp, history: r.history };
  }
  if (header === undefined) throw new DatasetFormatError(path, 1, "file is empty (no header)");
}

/** Reads a rating_only (or any benchmark) CSV as a log of every interaction, each user's sorted by time. */
export async function loadAmazonRatings(path: string): Promise<InteractionLog> {
  const users = new IdMap();
  const items = new IdMap();
  const builder = new SequenceBuilder();
  for await (const row of readBenchmarkRows(path)) builder.add(users.get(row.user), items.get(row.item), row.timestamp);
  return { source: path, userIds: users.ids, itemIds: items.ids, sequences: builder.build(users.size), hasTimestamps: true };
}

/** The official benchmark split as given: training log from the train file, valid/test cases with history. */
export interface OfficialSplit {
  train: InteractionLog;
  valid: HeldOutCase[];
  test: HeldOutCase[];
  files: { train: string; valid: string; test: string };
}

/** Finds `<name>.train.csv`, `.valid.csv`, `.test.csv` from either the train file or their directory. */
export function findSplitFiles(pathOrDir: string): { train: string; valid: string; test: string } {
  let dir = pathOrDir;
  let stem: string | undefined;
  if (existsSync(pathOrDir) && statSync(pathOrDir).isFile()) {
    dir = dirname(pathOrDir);
    const m = /^(.*)\.train\.csv$/.exec(basename(pathOrDir));
    if (m === null) throw new Error(`${pathOrDir}: expected a <name>.train.csv file or a directory`);
    stem = m[1];
  } else if (!existsSync(pathOrDir)) {
    throw new Error(`${pathOrDir}: no such file or directory`);
  } else {
    const trains = readdirSync(dir).filter((f) => f.endsWith(".train.csv"));
    if (trains.length !== 1) throw new Error(`${dir}: expected exactly one *.train.csv, found ${trains.length}`);
    stem = trains[0].slice(0, -".train.csv".length);
  }
  const files = {
    train: join(dir, `${stem}.train.csv`),
    valid: join(dir, `${stem}.valid.csv`),
    test: join(dir, `${stem}.test.csv`),
  };
  for (const f of Object.values(files)) if (!existsSync(f)) throw new Error(`${f}: split file not found`);
  return files;
}

/**
 * Loads an official split (last_out or timestamp, with or without history). With a `history` column the
 * held-out case's history is taken from it, as the benchmark defines; without it, from the user's earlier
 * rows across the files read so far.
 */
export async function loadAmazonOfficialSplit(pathOrDir: string): Promise<OfficialSplit> {
  const files = findSplitFiles(pathOrDir);
  const users = new IdMap();
  const items = new IdMap();
  const builder = new SequenceBuilder();
  // Every (user, item) time seen so far, to attach timestamps to history items.
  const seenTimes = new Map<string, number>();
  const seenByUser = new Map<number, { item: number; t: number }[]>();
  const remember = (u: number, i: number, t: number): void => {
    seenTimes.set(`${u}\u0000${i}`, t);
    let list = seenByUser.get(u);
    if (list === undefined) seenByUser.set(u, (list = []));
    list.push({ item: i, t });
  };
  for await (const row of readBenchmarkRows(files.train)) {
    const u = users.get(row.user);
    const i = items.get(row.item);
    builder.add(u, i, row.timestamp);
    remember(u, i, row.timestamp);
  }
  const readCases = async (path: string): Promise<HeldOutCase[]> => {
    const cases: HeldOutCase[] = [];
    const pending: { u: number; i: number; t: number }[] = [];
    for await (const row of readBenchmarkRows(path)) {
      const u = users.get(row.user);
      const target = items.get(row.item);
      let history: number[];
      if (row.history !== undefined) {
        history = row.history.map((asin) => items.get(asin));
      } else {
        history = (seenByUser.get(u) ?? []).filter((e) => e.t <= row.timestamp).sort((a, b) => a.t - b.t).map((e) => e.item);
      }
      const times = history.map((i) => seenTimes.get(`${u}\u0000${i}`) ?? 0);
      cases.push({
        user: u,
        history: Int32Array.from(history),
        historyTimestamps: Float64Array.from(times),
        target,
        timestamp: row.timestamp,
      });
      pending.push({ u, i: target, t: row.timestamp });
    }
    // Remember after the file, so one file's cases never see each other.
    for (const p of pending) remember(p.u, p.i, p.t);
    return cases;
  };
  const valid = await readCases(files.valid);
  const test = await readCases(files.test);
  const train: InteractionLog = {
    source: files.train,
    userIds: users.ids,
    itemIds: items.ids,
    sequences: builder.build(users.size),
    hasTimestamps: true,
  };
  return { train, valid, test, files };
}
