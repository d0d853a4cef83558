import { parseBenchmarkCsvHeader, parseBenchmarkCsvRow, type BenchmarkCsvKind, type BenchmarkRating } from "./benchmark-csv";
import { parseItemsMetaCsvHeader, parseItemsMetaCsvRow } from "./items-meta-csv";
import { parseMetaJsonLine, type RawMeta } from "./meta-jsonl";
import { parseError, parseOk, type ParseResult } from "./result";
import { parseReviewJsonLine, type RawReview } from "./review-jsonl";
import { createSasrecTxtParser, isSasrecTxtLine } from "./sasrec-txt";

/** Every file format the ingest reads. */
export type AmazonFormat =
  | "review_jsonl"
  | "meta_jsonl"
  | "benchmark_rating_only"
  | "benchmark_with_history"
  | "items_meta_csv"
  | "sasrec_txt";

/** A parsed line of any format, tagged so the ingest routes it to the right writer. */
export type AmazonRecord =
  | { kind: "rating"; value: BenchmarkRating }
  | { kind: "review"; value: RawReview }
  | { kind: "meta"; value: RawMeta };

/** Base name without directories and without a trailing `.gz`. */
function baseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.endsWith(".gz") ? base.slice(0, -3) : base;
}

/**
 * Detects a file's format from its name and first line. The header line decides where it is conclusive
 * (CSV headers; JSON keys `user_id` for reviews, `main_category`/`categories` without `user_id` for meta), the
 * name (`meta_*.jsonl`, `items_meta*.csv`, `*.jsonl`, `*.csv`) otherwise. A `*.txt` whose first line is two integers
 * is the SASRec `user item` format (ratings on a per-user position clock, `sasrec-txt.ts`).
 */
export function detectAmazonFormat(fileName: string, headerLine: string): ParseResult<AmazonFormat> {
  const name = baseName(fileName);
  const first = headerLine.replace(/^\uFEFF/, "").trimEnd();
  if (first.startsWith("{")) {
    let keys: string[] | null = null;
    try {
      const o: unknown = JSON.parse(first);
      if (typeof o === "object" && o !== null) keys = Object.keys(o);
    } catch {
      keys = null; // a malformed first line is reported by the parser; fall back to the name
    }
    if (keys?.includes("user_id")) return parseOk("review_jsonl");
    if (keys && (keys.includes("main_category") || keys.includes("categories") || keys.includes("bought_together"))) return parseOk("meta_jsonl");
    if (/^meta_.*\.jsonl?$/i.test(name)) return parseOk("meta_jsonl");
    if (/\.jsonl?$/i.test(name)) return parseOk("review_jsonl");
    return parseError("bad_header", `${name}: JSON lines that are neither reviews nor metadata`);
  }
  const bench = parseBenchmarkCsvHeader(first);
  if (bench.ok) return parseOk(bench.value.kind === "rating_only" ? "benchmark_rating_only" : "benchmark_with_history");
  if (parseItemsMetaCsvHeader(first).ok && /\.csv$/i.test(name)) return parseOk("items_meta_csv");
  if (isSasrecTxtLine(first) && /\.txt$/i.test(name)) return parseOk("sasrec_txt");
  return parseError("bad_header", `${name}: unrecognised format (first line "${first.slice(0, 80)}")`);
}

/** Whether the format's first line is a header (CSV) rather than data (JSONL). */
export function formatHasHeader(format: AmazonFormat): boolean {
  return format !== "review_jsonl" && format !== "meta_jsonl" && format !== "sasrec_txt";
}

/** Whether records may span lines (quoted CSV fields with newlines) and need `csvRecordIsComplete`. */
export function formatHasMultilineRecords(format: AmazonFormat): boolean {
  return format === "items_meta_csv";
}

export type RecordParser = (line: string) => ParseResult<AmazonRecord>;

/** Builds the per-line parser of a format; CSV formats take their header line. */
export function createRecordParser(format: AmazonFormat, headerLine: string): ParseResult<RecordParser> {
  switch (format) {
    case "review_jsonl":
      return parseOk((line) => {
        const r = parseReviewJsonLine(line);
        return r.ok ? parseOk({ kind: "review", value: r.value }) : r;
      });
    case "meta_jsonl":
      return parseOk((line) => {
        const r = parseMetaJsonLine(line);
        return r.ok ? parseOk({ kind: "meta", value: r.value }) : r;
      });
    case "benchmark_rating_only":
    case "benchmark_with_history": {
      const header = parseBenchmarkCsvHeader(headerLine);
      if (!header.ok) return header;
      return parseOk((line) => {
        const r = parseBenchmarkCsvRow(line, header.value);
        return r.ok ? parseOk({ kind: "rating", value: r.value }) : r;
      });
    }
    case "sasrec_txt": {
      const parse = createSasrecTxtParser();
      return parseOk((line) => {
        const r = parse(line);
        return r.ok ? parseOk({ kind: "rating", value: r.value }) : r;
      });
    }
    case "items_meta_csv": {
      const header = parseItemsMetaCsvHeader(headerLine);
      if (!header.ok) return header;
      return parseOk((line) => {
        const r = parseItemsMetaCsvRow(line, header.value);
        return r.ok ? parseOk({ kind: "meta", value: r.value }) : r;
      });
    }
  }
}

export type { BenchmarkCsvKind };
