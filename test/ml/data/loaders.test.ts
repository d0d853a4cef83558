import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { findSplitFiles, loadAmazonOfficialSplit, loadAmazonRatings } from "../../../ml/data/amazon-csv.js";
import { readCsvRows } from "../../../ml/data/csv.js";
import { loadItemText } from "../../../ml/data/item-text.js";
import { loadSasrecTxt } from "../../../ml/data/sasrec-txt.js";

const dir = mkdtempSync(join(tmpdir(), "ml-loaders-"));
function file(name: string, text: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("SASRec txt loader", () => {
  it("keeps each user's line order and maps ids densely", async () => {
    const log = await loadSasrecTxt(file("ok.txt", "1 10\n1 11\n2 10\n1 12\n\n"));
    expect(log.userIds).toEqual(["1", "2"]);
    expect(log.itemIds).toEqual(["10", "11", "12"]);
    expect(Array.from(log.sequences[0].items)).toEqual([0, 1, 2]);
    expect(Array.from(log.sequences[1].items)).toEqual([0]);
    expect(log.hasTimestamps).toBe(false);
  });

  it("names the file and line of a bad row", async () => {
    const p = file("bad.txt", "1 10\n1 11\n1 x\n");
    await expect(loadSasrecTxt(p)).rejects.toThrow(`${p}:3: not an integer id`);
    const q = file("bad2.txt", "1 10\n1 11 12\n");
    await expect(loadSasrecTxt(q)).rejects.toThrow(`${q}:2:`);
  });
});

describe("CSV reader", () => {
  it("handles quotes, escaped quotes, embedded newlines, CRLF and reports start lines", async () => {
    const p = file("q.csv", 'a,b\r\n"x, y","he said ""hi"""\r\n"multi\nline",z\r\nlast,1');
    const rows = [];
    for await (const r of readCsvRows(p)) rows.push(r);
    expect(rows.map((r) => r.fields)).toEqual([["a", "b"], ["x, y", 'he said "hi"'], ["multi\nline", "z"], ["last", "1"]]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it("reads gzip files", async () => {
    const p = file("g.csv.gz", gzipSync("a,b\n1,2\n"));
    const rows = [];
    for await (const r of readCsvRows(p)) rows.push(r.fields);
    expect(rows).toEqual([["a", "b"], ["1", "2"]]);
  });
});

describe("Amazon 2023 benchmark loaders", () => {
  it("sorts a rating_only file per user by timestamp", async () => {
    const p = file("r.csv", "user_id,parent_asin,rating,timestamp\nU1,B2,5.0,200\nU1,B1,4.0,100\nU2,B2,3.0,50\n");
    const log = await loadAmazonRatings(p);
    expect(log.hasTimestamps).toBe(true);
    expect(Array.from(log.sequences[0].items).map((i) => log.itemIds[i])).toEqual(["B1", "B2"]);
  });

  it("names file and line for a bad timestamp, a missing column or a short row", async () => {
    const p = file("bt.csv", "user_id,parent_asin,rating,timestamp\nU1,B1,5.0,100\nU1,B2,5.0,soon\n");
    await expect(loadAmazonRatings(p)).rejects.toThrow(`${p}:3: bad timestamp`);
    const q = file("mc.csv", "user_id,asin,rating,timestamp\nU1,B1,5.0,100\n");
    await expect(loadAmazonRatings(q)).rejects.toThrow(`${q}:1: bad header`);
    const s = file("sr.csv", "user_id,parent_asin,rating,timestamp\nU1,B1\n");
    await expect(loadAmazonRatings(s)).rejects.toThrow(`${s}:2: wrong column count`);
  });

  it("loads a last_out_w_his split: history column becomes the held-out history", async () => {
    const h = "user_id,parent_asin,rating,timestamp,history\n";
    file("X.train.csv", `${h}U1,A,5.0,1,\nU1,B,5.0,2,A\nU2,C,4.0,1,\nU2,A,4.0,2,C\n`);
    file("X.valid.csv", `${h}U1,C,5.0,3,A B\nU2,B,4.0,3,C A\n`);
    const train = file("X.test.csv", `${h}U1,D,5.0,4,A B C\nU2,D,4.0,4,C A B\n`).replace(".test.", ".train.");
    expect(findSplitFiles(dir).train).toBe(train);
    const split = await loadAmazonOfficialSplit(train);
    const name = (i: number): string => split.train.itemIds[i];
    expect(split.train.sequences.map((s) => Array.from(s.items).map(name))).toEqual([["A", "B"], ["C", "A"]]);
    expect(split.test.map((c) => [Array.from(c.history).map(name).join(" "), name(c.target)])).toEqual([["A B C", "D"], ["C A B", "D"]]);
    expect(split.valid[0].historyTimestamps[1]).toBe(2);
  });
});

describe("item text loader", () => {
  it("aligns text to item ids by parent_asin", async () => {
    const p = file("meta.csv", ',index,title,description,price,details,parent_asin\n0,1,"Red, shiny",[],,{},B2\n1,2,Blue,"long text",3.0,{},B9\n');
    const text = await loadItemText(p, ["B1", "B2"]);
    expect(text).toEqual([undefined, "Red, shiny"]);
  });
});
