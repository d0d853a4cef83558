/**
 * Parse outcome shared by every Amazon format parser: a typed record, or a typed error whose `reason`
 * is a short machine code (used to group skipped lines in ingest reports) plus a human detail.
 * Errors are values, not exceptions: a bad line is routine in multi-GB files and must stay cheap.
 */
export type ParseErrorReason =
  | "empty_line"
  | "invalid_json"
  | "not_an_object"
  | "missing_field"
  | "invalid_field"
  | "bad_rating"
  | "bad_timestamp"
  | "wrong_column_count"
  | "unterminated_quote"
  | "bad_header";

export interface ParseError {
  ok: false;
  reason: ParseErrorReason;
  detail: string;
}

export interface ParseOk<T> {
  ok: true;
  value: T;
}

export type ParseResult<T> = ParseOk<T> | ParseError;

export function parseOk<T>(value: T): ParseOk<T> {
  return { ok: true, value };
}

export function parseError(reason: ParseErrorReason, detail: string): ParseError {
  return { ok: false, reason, detail };
}
