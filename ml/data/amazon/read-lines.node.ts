import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

/** A run of consecutive lines from a file; `firstLineNumber` is 1-based. */
export interface LineBatch {
  lines: string[];
  firstLineNumber: number;
}

export interface ReadLinesOptions {
  /** Read size; bounds memory together with the longest line. */
  highWaterMark?: number;
  /** Called with compressed/plain bytes read so far, for progress. */
  onBytes?: (bytesRead: number) => void;
}

/** Opens a file as a UTF-8 text stream, gunzipping when the name ends in `.gz` or the magic bytes say so. */
function openText(path: string, highWaterMark: number, onBytes?: (n: number) => void): Readable {
  const raw = createReadStream(path, { highWaterMark });
  if (onBytes) {
    let n = 0;
    raw.on("data", (chunk: Buffer | string) => {
      n += chunk.length;
      onBytes(n);
    });
  }
  const stream = path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  if (stream !== raw) raw.on("error", (e) => stream.destroy(e));
  stream.setEncoding("utf8");
  return stream;
}

/**
 * Streams a text file (plain or `.gz`) as batches of lines (one batch per read chunk: far fewer awaits than a
 * line-at-a-time generator). Memory stays bounded by the chunk size plus the longest line, whatever the file
 * size. Lines lose their "\n" and a trailing "\r"; a final line without newline is still yielded.
 */
export async function* readLineBatches(path: string, options: ReadLinesOptions = {}): AsyncGenerator<LineBatch> {
  const stream = openText(path, options.highWaterMark ?? 1 << 20, options.onBytes);
  let carry = "";
  let lineNumber = 1;
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = carry.length > 0 ? carry + chunk : chunk;
    const lines = text.split("\n");
    carry = lines.pop() ?? "";
    if (lines.length === 0) continue;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
    }
    yield { lines, firstLineNumber: lineNumber };
    lineNumber += lines.length;
  }
  if (carry.length > 0) {
    yield { lines: [carry.charCodeAt(carry.length - 1) === 13 ? carry.slice(0, -1) : carry], firstLineNumber: lineNumber };
  }
}

/** Line-at-a-time view of `readLineBatches`: `{ line, lineNumber }` with 1-based numbers. */
export async function* readLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<{ line: string; lineNumber: number }> {
  for await (const batch of readLineBatches(path, options)) {
    for (let i = 0; i < batch.lines.length; i++) yield { line: batch.lines[i], lineNumber: batch.firstLineNumber + i };
  }
}

/** First line of a file (plain or gzip) without reading the rest; "" for an empty file. */
export async function readFirstLine(path: string): Promise<string> {
  for await (const batch of readLineBatches(path, { highWaterMark: 64 * 1024 })) {
    return batch.lines[0] ?? "";
  }
  return "";
}
