import type { BenchmarkRating } from "./benchmark-csv";
import { parseError, parseOk, type ParseResult } from "./result";

/**
 * The SASRec `user item` text format (e.g. the paper's Games set, `Video.txt`): one pair a line, integer ids,
 * no header, each user's lines in time order and no timestamps. The clock is each user's sequence position
 * (1, 2, 3, ...), so time-ordered code (training, splits, replay) keeps the original order; the rating is 5
 * (implicit feedback). Lines of one user must be contiguous, as in the published files: a user seen again
 * after others continues their count rather than restarting it.
 */
const PAIR = /^\s*(\d+)\s+(\d+)\s*$/;

/** Whether a first line looks like a SASRec pair (detection; integer ids only). */
export function isSasrecTxtLine(line: string): boolean {
  return PAIR.test(line.replace(/^\uFEFF/, ""));
}

/** A stateful row parser (the position clock needs the user's previous lines). */
export function createSasrecTxtParser(): (line: string) => ParseResult<BenchmarkRating> {
  const positions = new Map<string, number>();
  return (line) => {
    const record = line.replace(/^\uFEFF/, "");
    if (record.trim().length === 0) return parseError("empty_line", "empty line");
    const m = PAIR.exec(record);
    if (!m) return parseError("wrong_column_count", `expected "user item" (2 integers), got "${record.slice(0, 80)}"`);
    const userId = m[1];
    const position = (positions.get(userId) ?? 0) + 1;
    positions.set(userId, position);
    return parseOk({ userId, parentAsin: m[2], rating: 5, timestamp: position });
  };
}
