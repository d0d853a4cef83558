import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { DatasetFormatError } from "./errors.js";

// SHARE: replace with src/data/amazon parser — src/data/amazon/ did not exist when this loader was written;
// the lead will reconcile the two so that the ingest and ml/ share one streaming CSV row parser.

/** One parsed CSV record and the 1-based line on which it starts. */
export interface CsvRow {
  fields: string[];
  line: number;
}

/**
 * Streams RFC 4180 CSV records (quoted fields may hold commas, doubled quotes and newlines) without loading
 * the whole file, so the multi-GB official files work too (plain or .gz).
 */
export async function* readCsvRows(path: string): AsyncGenerator<CsvRow> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = (path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw).setEncoding("utf8");
  let field = "";
  let fields: string[] = [];
  let inQuotes = false;
  let quotePending = false; // saw a quote inside a quoted field: either an escaped quote or the closing one
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;
  for await (const chunk of stream as AsyncIterable<string>) {
    const out: CsvRow[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          inQuotes = false; // the pending quote closed the field; fall through to handle c normally
        } else if (c === '"') {
          quotePending = true;
          continue;
        } else {
          if (c === "\n") line++;
          field += c;
          continue;
        }
      }
      if (c === ",") {
        fields.push(field);
        field = "";
        rowHasContent = true;
      } else if (c === "\r") {
        continue; // CRLF files: the \n that follows ends the record
      } else if (c === "\n") {
        if (rowHasContent || field.length > 0) {
          fields.push(field);
          out.push({ fields, line: rowLine });
        }
        fields = [];
        field = "";
        rowHasContent = false;
        line++;
        rowLine = line;
      } else if (c === '"') {
        if (field.length > 0) throw new DatasetFormatError(path, line, "unexpected quote inside an unquoted field");
        inQuotes = true;
        rowHasContent = true;
      } else {
        field += c;
        rowHasContent = true;
      }
    }
    for (const row of out) yield row;
  }
  if (inQuotes && !quotePending) throw new DatasetFormatError(path, rowLine, "unterminated quoted field at end of file");
  if (rowHasContent || field.length > 0) {
    fields.push(field);
    yield { fields, line: rowLine };
  }
}
