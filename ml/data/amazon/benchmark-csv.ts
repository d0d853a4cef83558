import { splitCsvRecord } from "./csv";
import { parseError, parseOk, type ParseResult } from "./result";

/**
 * The official Amazon Reviews 2023 benchmark CSVs:
 * - `rating_only`: `user_id,parent_asin,rating,timestamp`
 * - `*_w_his` (last_out and timestamp splits): `user_id,parent_asin,rating,timestamp,history`, where history is
 *   the user's earlier parent_asins, space-separated, oldest first.
 */
export type BenchmarkCsvKind = "rating_only" | "with_history";

export interface BenchmarkCsvHeader {
  kind: BenchmarkCsvKind;
  columnCount: 4 | 5;
}

/** One benchmark CSV row. `history` is present (possibly empty) only for `with_history` files. */
export interface BenchmarkRating {
  userId: string;
  parentAsin: string;
  /** 1..5 as in the source (the files write "5.0"). */
  rating: number;
  /** Unix milliseconds. */
  timestamp: number;
  history?: string[];
}

const RATING_ONLY_HEADER = "user_id,parent_asin,rating,timestamp";
const WITH_HISTORY_HEADER = "user_id,parent_asin,rating,timestamp,history";

/**
 * Recognises a benchmark CSV header line (tolerates a UTF-8 BOM, CR and surrounding spaces).
 * Returns an error for any other header, so callers can tell a benchmark file from other CSVs.
 */
export function parseBenchmarkCsvHeader(line: string): ParseResult<BenchmarkCsvHeader> {
  const normalised = line.replace(/^\uFEFF/, "").trim().replace(/\s*,\s*/g, ",");
  if (normalised === RATING_ONLY_HEADER) return parseOk({ kind: "rating_only", columnCount: 4 });
  if (normalised === WITH_HISTORY_HEADER) return parseOk({ kind: "with_history", columnCount: 5 });
  return parseError("bad_header", `expected "${RATING_ONLY_HEADER}" or "${WITH_HISTORY_HEADER}", got "${line.slice(0, 80)}"`);
}

/**
 * Parses one data row of a benchmark CSV (not the header) into a typed rating.
 * This is the shared row parser: the ingest and the ML loaders (`ml/data/`) both call it.
 *
 * @param line one CSV record without its line terminator (a trailing "\r" is tolerated)
 * @param header the file's header from `parseBenchmarkCsvHeader` (decides whether `history` is expected)
 */
export function parseBenchmarkCsvRow(line: string, header: BenchmarkCsvHeader): ParseResult<BenchmarkRating> {
  const record = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  if (record.length === 0) return parseError("empty_line", "empty line");
  const split = splitCsvRecord(record);
  if (!split.ok) return split;
  const f = split.value;
  if (f.length !== header.columnCount) {
    return parseError("wrong_column_count", `expected ${header.columnCount} columns, got ${f.length}`);
  }
  const userId = f[0];
  const parentAsin = f[1];
  if (userId.length === 0) return parseError("missing_field", "user_id is empty");
  if (parentAsin.length === 0) return parseError("missing_field", "parent_asin is empty");
  const rating = Number(f[2]);
  if (f[2].length === 0 || !(rating >= 1 && rating <= 5)) return parseError("bad_rating", `rating "${f[2]}" is not in 1..5`);
  const timestamp = Number(f[3]);
  if (f[3].length === 0 || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    return parseError("bad_timestamp", `timestamp "${f[3]}" is not a non-negative integer (ms)`);
  }
  if (header.columnCount === 4) return parseOk({ userId, parentAsin, rating, timestamp });
  const h = f[4].trim();
  return parseOk({ userId, parentAsin, rating, timestamp, history: h.length === 0 ? [] : h.split(/\s+/) });
}
