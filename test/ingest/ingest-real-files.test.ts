import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { ingestFiles } from "../../src/ingest/ingest-service.node.js";
import { ALL_BEAUTY, count, openTempDb, type TempDb } from "./helpers";

const RATING_ONLY = join(ALL_BEAUTY, "5core/rating_only/All_Beauty.csv");
const split = (part: string) => join(ALL_BEAUTY, `5core/last_out_w_his/All_Beauty.${part}.csv`);
const ITEMS_META = join(ALL_BEAUTY, "items_meta.processed.csv");

let t: TempDb | null = null;
afterEach(() => {
  t?.close();
  t = null;
});

describe("ingest of the official All_Beauty files", () => {
  it("loads rating_only with one row per line, and a second run inserts nothing", async () => {
    t = await openTempDb();
    const first = await ingestFiles(t.db, [RATING_ONLY]);
    expect(first.files[0]).toMatchObject({ format: "benchmark_rating_only", read: 2535, inserted: 2535, skipped: 0 });
    expect(await count(t.db, "SELECT count(*) FROM reviews")).toBe(2535);
    expect(await count(t.db, "SELECT count(DISTINCT user_id) FROM reviews")).toBe(
      await count(t.db, "SELECT count(*) FROM reviewers"),
    );

    const second = await ingestFiles(t.db, [RATING_ONLY]);
    expect(second.files[0]).toMatchObject({ read: 2535, inserted: 0, updated: 0, unchanged: 2535 });
    expect(await count(t.db, "SELECT count(*) FROM reviews")).toBe(2535);
    const runs = await t.db.$client.execute("SELECT format, finished_at, report FROM ingest_runs ORDER BY started_at");
    expect(runs.rows).toHaveLength(2);
    expect(JSON.parse(String(runs.rows[1].report))).toMatchObject({ inserted: 0, read: 2535 });
  });

  it("reads each last_out_w_his split with its row count; they are the same interactions as rating_only", async () => {
    t = await openTempDb();
    const r = await ingestFiles(t.db, [split("train"), split("valid"), split("test")]);
    expect(r.files.map((f) => [f.format, f.read, f.skipped])).toEqual([
      ["benchmark_with_history", 2029, 0],
      ["benchmark_with_history", 253, 0],
      ["benchmark_with_history", 253, 0],
    ]);
    expect(await count(t.db, "SELECT count(*) FROM reviews")).toBe(2535);
    const again = await ingestFiles(t.db, [RATING_ONLY]);
    expect(again.totals.inserted).toBe(0);
  });

  it("reads a gzipped copy exactly like the plain file", async () => {
    t = await openTempDb();
    const gz = join(t.dir, "All_Beauty.csv.gz");
    writeFileSync(gz, gzipSync(readFileSync(RATING_ONLY)));
    const r = await ingestFiles(t.db, [gz]);
    expect(r.files[0]).toMatchObject({ format: "benchmark_rating_only", read: 2535, inserted: 2535 });
  });

  it("loads the third-party items_meta CSV into products and the FTS index", async () => {
    t = await openTempDb();
    const r = await ingestFiles(t.db, [ITEMS_META]);
    expect(r.files[0]).toMatchObject({ format: "items_meta_csv", read: 356, inserted: 356, skipped: 0 });
    expect(await count(t.db, "SELECT count(*) FROM products")).toBe(356);
    expect(await count(t.db, "SELECT count(*) FROM products_fts WHERE products_fts MATCH 'almond'")).toBeGreaterThan(0);
    const p = await t.db.$client.execute("SELECT store, details FROM products WHERE parent_asin = 'B08LYT4Q2X'");
    expect(p.rows[0].store).toBe("Shiny Leaf");
    expect(JSON.parse(String(p.rows[0].details))).toMatchObject({ Brand: "Shiny Leaf" });
  });

  it("copies are detected by header, not only by name", async () => {
    t = await openTempDb();
    const renamed = join(t.dir, "whatever.csv");
    copyFileSync(split("valid"), renamed);
    const r = await ingestFiles(t.db, [renamed]);
    expect(r.files[0]).toMatchObject({ format: "benchmark_with_history", inserted: 253 });
  });
});
