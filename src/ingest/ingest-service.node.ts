import type { Database } from "../db/database";
import { materialiseCategories } from "./categories-materialiser";
import { ingestFile } from "./ingest-file.node.js";
import { deriveRatingsFromReviews } from "./ratings-from-reviews";
import type { FileReport, IngestRunReport } from "./report";
import { thisProcess } from "../ops/abandoned-runs.node.js";

export interface IngestOptions {
  /** Records per write transaction (default 20,000). */
  batchSize?: number;
  log?: (message: string) => void;
  progressIntervalMs?: number;
  /** Rebuild the categories table at the end (default true). */
  materialiseCategories?: boolean;
  /** SQLite page cache for the run, in MiB (default 64): enough for index inserts, small for RSS. */
  cacheSizeMiB?: number;
  /** Fill missing product ratings from the stored reviews at the end (default true; see ratings-from-reviews.ts). */
  deriveRatings?: boolean;
  /** Load metadata into an empty products table by staging it and building indexes and FTS once (default true). */
  bulkLoad?: boolean;
}

/**
 * Ingests Amazon Reviews 2023 files (any mix of raw reviews, raw meta, benchmark CSVs, items_meta CSV; plain or
 * .gz) into the database. Idempotent: natural-key upserts, so a second run inserts nothing. Each file's report is
 * recorded in `ingest_runs`; the category tree is re-materialised once at the end.
 */
export async function ingestFiles(
  db: Database,
  files: readonly string[],
  options: IngestOptions = {},
): Promise<IngestRunReport> {
  const client = db.$client;
  const runId = crypto.randomUUID();
  const startedAt = Date.now();
  const batchSize = options.batchSize ?? 20_000;
  // raw SQL: connection PRAGMAs and the ingest_runs report around the stages, bench:ingest
  await client.execute(`PRAGMA cache_size = -${(options.cacheSizeMiB ?? 64) * 1024}`);
  // libSQL is built with SQLITE_TEMP_STORE=2: temp tables and sorter spills default to RAM, which made the
  // interaction stage and the merge's sorts grow RSS with the input (888 MB at 5M rows). On disk, RSS stays flat.
  await client.execute("PRAGMA temp_store = FILE");
  const reports: FileReport[] = [];
  for (const [i, file] of files.entries()) {
    const id = `${runId}:${i}`;
    const fileStarted = Date.now();
    // The owner lets the next start tell a run still going from one whose process died (src/ops/abandoned-runs).
    await client.execute({
      sql: "INSERT INTO ingest_runs (id, source, format, started_at, report) VALUES (?, ?, ?, ?, ?)",
      args: [id, file, "pending", fileStarted, JSON.stringify({ status: "running", owner: thisProcess() })],
    });
    const report = await ingestFile(client, file, {
      batchSize,
      log: options.log,
      progressIntervalMs: options.progressIntervalMs,
      now: fileStarted,
      bulkLoad: options.bulkLoad,
    });
    reports.push(report);
    // raw SQL: connection PRAGMAs and the ingest_runs report around the stages, bench:ingest
    await client.execute({
      sql: "UPDATE ingest_runs SET format = ?, finished_at = ?, report = ? WHERE id = ?",
      args: [report.format, Date.now(), JSON.stringify({ runId, ...report }), id],
    });
  }
  const ratingsDerived = (options.deriveRatings ?? true) ? await deriveRatingsFromReviews(client) : 0;
  let paths = 0;
  const materialise = options.materialiseCategories ?? true;
  if (materialise) paths = await materialiseCategories(client);
  const finishedAt = Date.now();
  const sum = (k: "read" | "inserted" | "updated" | "unchanged" | "skipped") => reports.reduce((s, r) => s + r[k], 0);
  return {
    runId,
    startedAt,
    finishedAt,
    durationMs: finishedAt - startedAt,
    files: reports,
    totals: {
      read: sum("read"),
      inserted: sum("inserted"),
      updated: sum("updated"),
      unchanged: sum("unchanged"),
      skipped: sum("skipped"),
    },
    categories: { paths, materialised: materialise },
    ratings: { derivedFromReviews: ratingsDerived },
  };
}
