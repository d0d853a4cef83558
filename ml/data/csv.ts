import { csvRecordIsComplete, splitCsvRecord } from "./amazon/csv";
import { readLines } from "./amazon/read-lines.node.js";
import { DatasetFormatError } from "./errors.js";

/** One parsed CSV record and the 1-based line on which it starts. */
export interface CsvRow {
  fields: string[];
  line: number;
}

/**
 * Streams CSV records (quoted fields may hold commas, doubled quotes and newlines) with bounded memory,
 * plain or .gz. A thin adapter over the ingest's reader and tokenizer (ml/data/amazon), so the database
 * ingest and the ML loaders share one parser.
 */
export async function* readCsvRows(path: string): AsyncGenerator<CsvRow> {
  let pending = "";
  let startLine = 0;
  for await (const { line, lineNumber } of readLines(path)) {
    if (pending === "") {
      if (line.length === 0) continue;
      pending = line;
      startLine = lineNumber;
    } else {
      pending += "\n" + line;
    }
    if (!csvRecordIsComplete(pending)) continue;
    const split = splitCsvRecord(pending);
    if (!split.ok) throw new DatasetFormatError(path, startLine, split.detail);
    yield { fields: split.value, line: startLine };
    pending = "";
  }
  if (pending !== "") throw new DatasetFormatError(path, startLine, "unterminated quoted field at end of file");
}
