import { statSync } from "node:fs";
import type { Client } from "@libsql/client";
import {
  createRecordParser,
  csvRecordIsComplete,
  detectAmazonFormat,
  formatHasHeader,
  formatHasMultilineRecords,
} from "../../ml/data/amazon";
import { readFirstLine, readLineBatches } from "../../ml/data/amazon/read-lines.node.js";
import { IngestBatchWriter } from "./batch-writer";
import { loadSchemaObjects } from "./schema-objects.node.js";
import { createProgressReporter } from "./progress";
import { categoryFromFileName } from "./file-category";
import { emptyFileReport, recordSkip, type FileReport } from "./report";

export interface IngestFileOptions {
  /** Records per write transaction. */
  batchSize: number;
  /** Progress and notices (the CLI passes a stderr writer); silent when absent. */
  log?: (message: string) => void;
  progressIntervalMs?: number;
  /** Timestamp stored as created_at/updated_at (ms). */
  now: number;
  /** Take the metadata bulk path when products is empty (default true); false forces the incremental upserts. */
  bulkLoad?: boolean;
}

/**
 * Streams one Amazon file (plain or .gz, format detected from its name and first line) into the database.
 * Lines are parsed one by one; malformed ones are counted with their line number and reason, and the rest land.
 */
export async function ingestFile(client: Client, path: string, options: IngestFileOptions): Promise<FileReport> {
  const started = performance.now();
  const report = emptyFileReport(path);
  const header = await readFirstLine(path);
  const format = detectAmazonFormat(path, header);
  if (!format.ok) {
    recordSkip(report, { lineNumber: 1, reason: "unsupported_format", detail: format.detail });
    return report;
  }
  report.format = format.value;
  const parser = createRecordParser(format.value, header);
  if (!parser.ok) {
    recordSkip(report, { lineNumber: 1, reason: parser.reason, detail: parser.detail });
    return report;
  }
  const parse = parser.value;
  const skipHeader = formatHasHeader(format.value);
  const multiline = formatHasMultilineRecords(format.value);
  const writer = new IngestBatchWriter(
    client,
    report,
    options.batchSize,
    options.now,
    options.log,
    loadSchemaObjects(),
    options.bulkLoad ?? true,
  );
  const progress = createProgressReporter(path, options.log, {
    intervalMs: options.progressIntervalMs,
    totalBytes: statSync(path).size,
  });
  let bytesRead = 0;
  let pending = ""; // a CSV record whose quoted field continues on the next line
  let pendingLine = 0;

  const fileCategory = categoryFromFileName(path);
  const handle = async (record: string, lineNumber: number) => {
    report.read++;
    const r = parse(record);
    // Metadata without a category of its own (items_meta CSV) is filed under the data set's category.
    if (r.ok && r.value.kind === "meta" && fileCategory && r.value.value.categories.length === 0)
      r.value.value.mainCategory ??= fileCategory;
    if (r.ok) await writer.add(r.value, lineNumber);
    else recordSkip(report, { lineNumber, reason: r.reason, detail: r.detail });
  };

  for await (const batch of readLineBatches(path, { onBytes: (n) => (bytesRead = n) })) {
    for (let i = 0; i < batch.lines.length; i++) {
      const lineNumber = batch.firstLineNumber + i;
      if (skipHeader && lineNumber === 1) continue;
      const line = batch.lines[i];
      if (multiline) {
        if (pendingLine > 0) {
          pending += `\n${line}`;
          if (!csvRecordIsComplete(pending)) continue;
          const start = pendingLine;
          const record = pending;
          pending = "";
          pendingLine = 0;
          await handle(record, start);
          continue;
        }
        if (!csvRecordIsComplete(line)) {
          pending = line;
          pendingLine = lineNumber;
          continue;
        }
      }
      if (line.length === 0) continue; // blank lines (e.g. a trailing one) are not data
      await handle(line, lineNumber);
    }
    progress.update(report.read, bytesRead);
  }
  if (pendingLine > 0) {
    report.read++;
    recordSkip(report, {
      lineNumber: pendingLine,
      reason: "unterminated_quote",
      detail: "quoted field runs to the end of the file",
    });
  }
  await writer.finish();
  progress.done(report.read);
  report.durationMs = performance.now() - started;
  report.rowsPerSecond = report.read / Math.max(report.durationMs / 1000, 1e-3);
  return report;
}
