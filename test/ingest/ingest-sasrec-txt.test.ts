import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRecordParser, detectAmazonFormat, formatHasHeader } from "../../src/data/amazon";
import { ingestFiles } from "../../src/ingest/ingest-service.node.js";
import { openTempDb, type TempDb } from "./helpers";

let t: TempDb | null = null;
afterEach(() => {
  t?.close();
  t = null;
});

describe("SASRec user-item text (Games Video.txt)", () => {
  it("is detected from a *.txt name with an integer pair first line, and has no header", () => {
    expect(detectAmazonFormat("sasrec-games/Video.txt", "1 6393")).toEqual({ ok: true, value: "sasrec_txt" });
    expect(detectAmazonFormat("Video.txt", "1\t6393\r")).toEqual({ ok: true, value: "sasrec_txt" });
    expect(detectAmazonFormat("notes.txt", "1 B00X")).toMatchObject({ ok: false, reason: "bad_header" });
    expect(detectAmazonFormat("pairs.csv", "1 6393")).toMatchObject({ ok: false });
    expect(formatHasHeader("sasrec_txt")).toBe(false);
  });

  it("uses each user's sequence position as the clock", () => {
    const parser = createRecordParser("sasrec_txt", "1 10");
    if (!parser.ok) throw new Error("no parser");
    const rows = ["1 10", "1 11", "2 10", "2 12", "2 13"].map(parser.value);
    expect(
      rows.map((r) => (r.ok && r.value.kind === "rating" ? [r.value.value.userId, r.value.value.timestamp] : r)),
    ).toEqual([
      ["1", 1],
      ["1", 2],
      ["2", 1],
      ["2", 2],
      ["2", 3],
    ]);
    expect(parser.value("1 x")).toMatchObject({ ok: false, reason: "wrong_column_count" });
    expect(parser.value("1 2 3")).toMatchObject({ ok: false, reason: "wrong_column_count" });
  });

  it("ingests pairs as ratings in order, counting bad lines", async () => {
    t = await openTempDb();
    const p = join(t.dir, "Video.txt");
    writeFileSync(p, ["1 100", "1 101", "1 oops", "2 101", "2 102", ""].join("\n"));
    const report = await ingestFiles(t.db, [p], { batchSize: 2 });
    expect(report.files[0]).toMatchObject({ format: "sasrec_txt", read: 5, skipped: 1 });
    const rows = await t.db.$client.execute(
      "SELECT user_id, parent_asin, timestamp FROM reviews ORDER BY user_id, timestamp",
    );
    expect(rows.rows.map((r) => [r.user_id, r.parent_asin, Number(r.timestamp)])).toEqual([
      ["1", "100", 1],
      ["1", "101", 2],
      ["2", "101", 1],
      ["2", "102", 2],
    ]);
  });
});
