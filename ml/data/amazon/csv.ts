import { parseError, parseOk, type ParseResult } from "./result";

/**
 * RFC 4180 field splitting for one CSV record. Hand-written rather than a library because the ingest and
 * the ML loaders need a per-record, synchronous, Web-standard function (no streams), and the common case
 * (no quote in the line) must be a plain `split(",")` to keep the hot path well above 100k rows/s.
 *
 * A record may span several physical lines when a quoted field holds a newline: `csvRecordIsComplete`
 * tells the caller to append the next line (joined with "\n") before splitting.
 */
export function splitCsvRecord(record: string): ParseResult<string[]> {
  if (record.indexOf('"') === -1) return parseOk(record.split(","));
  const fields: string[] = [];
  let field = "";
  let i = 0;
  const n = record.length;
  while (i <= n) {
    if (record.charCodeAt(i) === 34 /* " */) {
      // Quoted field: runs to the closing quote; "" is an escaped quote.
      i++;
      let closed = false;
      while (i < n) {
        const q = record.indexOf('"', i);
        if (q === -1) break;
        field += record.slice(i, q);
        if (record.charCodeAt(q + 1) === 34) {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          closed = true;
          break;
        }
      }
      if (!closed) return parseError("unterminated_quote", "quoted field is not closed");
      // Text after the closing quote up to the next comma is kept (lenient, like Python's csv module).
      const comma = record.indexOf(",", i);
      const end = comma === -1 ? n : comma;
      field += record.slice(i, end);
      fields.push(field);
      field = "";
      i = end + 1;
      if (comma === -1) break;
    } else {
      const comma = record.indexOf(",", i);
      if (comma === -1) {
        fields.push(record.slice(i));
        break;
      }
      fields.push(record.slice(i, comma));
      i = comma + 1;
      if (i === n) {
        fields.push("");
        break;
      }
    }
  }
  return parseOk(fields);
}

/**
 * True when `record` has no quoted field left open (an even number of quote characters: escaped
 * quotes come in pairs). False means a quoted field continues on the next physical line.
 */
export function csvRecordIsComplete(record: string): boolean {
  let count = 0;
  let i = record.indexOf('"');
  while (i !== -1) {
    count++;
    i = record.indexOf('"', i + 1);
  }
  return count % 2 === 0;
}
