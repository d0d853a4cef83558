import type { AmazonFormat, ParseErrorReason } from "../../ml/data/amazon";

/** Why a line was skipped: a parser reason, or a row the database refused. */
export type SkipReason = ParseErrorReason | "db_error" | "unsupported_format";

export interface SkippedLine {
  lineNumber: number;
  reason: SkipReason;
  detail: string;
}

/** Per-table counts of one file's writes. */
export interface TableCounts {
  inserted: number;
  updated: number;
}

export interface FileReport {
  file: string;
  format: AmazonFormat | "unknown";
  /** Data lines read (header excluded). */
  read: number;
  /** Records of the file's main table (reviews or products) newly inserted / changed / already identical. */
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  skippedByReason: Partial<Record<SkipReason, number>>;
  /** The first few skipped lines with their numbers, for the operator to look at. */
  skippedSamples: SkippedLine[];
  tables: Record<string, TableCounts>;
  durationMs: number;
  rowsPerSecond: number;
}

export interface IngestRunReport {
  runId: string;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  files: FileReport[];
  totals: { read: number; inserted: number; updated: number; unchanged: number; skipped: number };
  categories: { paths: number; materialised: boolean };
  /** Products whose rating count and average were filled from the stored reviews (ratings-from-reviews.ts). */
  ratings: { derivedFromReviews: number };
}

export const MAX_SKIPPED_SAMPLES = 50;

export function emptyFileReport(file: string): FileReport {
  return {
    file,
    format: "unknown",
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    skippedByReason: {},
    skippedSamples: [],
    tables: {},
    durationMs: 0,
    rowsPerSecond: 0,
  };
}

export function recordSkip(report: FileReport, skip: SkippedLine): void {
  report.skipped++;
  report.skippedByReason[skip.reason] = (report.skippedByReason[skip.reason] ?? 0) + 1;
  if (report.skippedSamples.length < MAX_SKIPPED_SAMPLES) report.skippedSamples.push(skip);
}

export function addTableCounts(report: FileReport, table: string, counts: TableCounts): void {
  const t = (report.tables[table] ??= { inserted: 0, updated: 0 });
  t.inserted += counts.inserted;
  t.updated += counts.updated;
}

/** Human summary, one line per file plus a total. */
export function formatRunReport(r: IngestRunReport): string {
  const lines = r.files.map((f) => {
    const reasons = Object.entries(f.skippedByReason)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    const extra = Object.entries(f.tables)
      .map(([t, c]) => `${t} +${c.inserted}/~${c.updated}`)
      .join(", ");
    return (
      `${f.file} [${f.format}]: read ${f.read}, inserted ${f.inserted}, updated ${f.updated}, unchanged ${f.unchanged}, ` +
      `skipped ${f.skipped}${reasons ? ` (${reasons})` : ""}; ${extra}; ${(f.durationMs / 1000).toFixed(2)} s, ${Math.round(f.rowsPerSecond)} rows/s`
    );
  });
  const t = r.totals;
  lines.push(
    `total: read ${t.read}, inserted ${t.inserted}, updated ${t.updated}, unchanged ${t.unchanged}, skipped ${t.skipped}; ` +
      `categories ${r.categories.paths}; ${(r.durationMs / 1000).toFixed(2)} s (run ${r.runId})`,
  );
  return lines.join("\n");
}

/** Process CPU seconds where the runtime exposes them (Node), else 0: for log lines. */
export function cpuSeconds(): number {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  const u = p?.cpuUsage?.();
  return u ? (u.user + u.system) / 1e6 : 0;
}
