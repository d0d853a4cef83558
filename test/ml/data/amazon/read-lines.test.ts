import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { readFirstLine, readLines } from "../../../../ml/data/amazon/read-lines.node.js";

const dir = mkdtempSync(join(tmpdir(), "read-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(path: string, highWaterMark?: number) {
  const out: { line: string; lineNumber: number }[] = [];
  for await (const l of readLines(path, { highWaterMark })) out.push(l);
  return out;
}

describe("readLines", () => {
  const text = "first\r\nsecond\n\nfourth é ünïcode\nlast-without-newline";
  const expected = ["first", "second", "", "fourth é ünïcode", "last-without-newline"].map((line, i) => ({ line, lineNumber: i + 1 }));

  it("numbers lines of a plain file, across tiny chunks (multi-byte chars split)", async () => {
    const p = join(dir, "plain.txt");
    writeFileSync(p, text);
    expect(await collect(p)).toEqual(expected);
    expect(await collect(p, 3)).toEqual(expected);
  });
  it("reads .gz files the same way", async () => {
    const p = join(dir, "plain.txt.gz");
    writeFileSync(p, gzipSync(text));
    expect(await collect(p)).toEqual(expected);
    expect(await readFirstLine(p)).toBe("first");
  });
});
