import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ingestFiles } from "../../src/ingest/ingest-service.node.js";
import { PRODUCT_FTS_TRIGGERS, PRODUCT_INDEXES, parseSchemaObjects } from "../../src/ingest/schema-objects";
import { loadSchemaObjects } from "../../src/ingest/schema-objects.node.js";
import { categoryTermMismatches, count, openTempDb, type TempDb } from "./helpers";

const open: TempDb[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});
async function tempDb(): Promise<TempDb> {
  const t = await openTempDb();
  open.push(t);
  return t;
}

async function rows(t: TempDb, sql: string): Promise<unknown[][]> {
  const rs = await t.db.$client.execute(sql);
  return rs.rows.map((r) => Array.from(r));
}

async function schemaNames(t: TempDb): Promise<string[]> {
  return (await rows(t, "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name")).map((r) =>
    String(r[0]),
  );
}

/** Ingests `file` into a fresh DB with the bulk paths on (default) or off; returns the DB, report and log. */
async function load(file: string, bulkLoad: boolean) {
  const t = await tempDb();
  const log: string[] = [];
  const report = await ingestFiles(t.db, [file], { bulkLoad, batchSize: 3, log: (m) => log.push(m) });
  return { t, report: report.files[0], log: log.join("\n") };
}

describe("ratings into an empty reviews table", () => {
  it("de-duplicates inside the file, reports a malformed line, keeps both indexes and idempotency", async () => {
    const dir = (await tempDb()).dir;
    const p = join(dir, "ratings.csv");
    writeFileSync(
      p,
      [
        "user_id,parent_asin,rating,timestamp",
        "U2,B1,5.0,1600000000005", // 2
        "U2,B3,3.0,1600000000002", // 3
        "U1,B2,5.0", // 4 malformed
        "U1,B1,4.0,1600000000000", // 5
        "U2,B1,5.0,1600000000005", // 6 duplicate of line 2
        "U3,B2,1.0,1600000000003", // 7
        "U1,B9,2.0,1600000000009", // 8: U1 again, not next to its other rows
        "",
      ].join("\n"),
    );
    const bulk = await load(p, true);
    expect(bulk.log).toContain("merged 6 staged rows");
    expect(bulk.report).toMatchObject({ read: 7, inserted: 5, updated: 0, unchanged: 1, skipped: 1 });
    expect(bulk.report.skippedSamples.map((s) => [s.lineNumber, s.reason])).toEqual([[4, "wrong_column_count"]]);
    const all = "SELECT user_id, parent_asin, rating, timestamp FROM reviews ORDER BY user_id, parent_asin, timestamp";
    expect(await rows(bulk.t, all)).toEqual([
      ["U1", "B1", 4, 1600000000000],
      ["U1", "B9", 2, 1600000000009],
      ["U2", "B1", 5, 1600000000005],
      ["U2", "B3", 3, 1600000000002],
      ["U3", "B2", 1, 1600000000003],
    ]);
    expect(await rows(bulk.t, "SELECT user_id FROM reviewers ORDER BY 1")).toEqual([["U1"], ["U2"], ["U3"]]);
    expect(await schemaNames(bulk.t)).toEqual(
      expect.arrayContaining(["reviews_user_item_time_uq", "reviews_item_time_idx"]),
    );
    // ratings never touch products: the catalog revision (migration 0007's seed) has not moved
    expect(await rows(bulk.t, "SELECT revision FROM catalog_revision")).toEqual([[1]]);

    // the rebuilt unique index keeps the natural key unique, so a second run (incremental now) inserts nothing
    const again = await ingestFiles(bulk.t.db, [p]);
    expect(again.files[0]).toMatchObject({ inserted: 0, updated: 0, unchanged: 6, skipped: 1 });
    expect(await count(bulk.t.db, "SELECT count(*) FROM reviews")).toBe(5);
    await expect(
      bulk.t.db.$client.execute(
        "INSERT INTO reviews (user_id, parent_asin, rating, timestamp) VALUES ('U1', 'B1', 1, 1600000000000)",
      ),
    ).rejects.toThrow(/UNIQUE/);
  });
});

describe("bulk load of metadata into empty products", () => {
  const meta = (o: Record<string, unknown>) =>
    JSON.stringify({
      main_category: "All Electronics",
      title: "Sony WH-1000XM4 Wireless Headphones",
      average_rating: 4.6,
      rating_number: 100,
      features: ["Noise cancelling"],
      description: ["Great sound"],
      price: 278.0,
      images: [],
      videos: [],
      store: "Sony",
      categories: ["Electronics", "Headphones"],
      details: { Brand: "Sony" },
      parent_asin: "B0H1",
      bought_together: null,
      ...o,
    });

  it("gives the same products, categories and FTS as the incremental path; triggers keep later writes indexed", async () => {
    const dir = (await tempDb()).dir;
    const p = join(dir, "meta_Electronics.jsonl");
    writeFileSync(
      p,
      [
        meta({}), // 1
        meta({
          parent_asin: "B0C1",
          title: "Canon EOS Camera",
          categories: ["Electronics", "Camera & Photo"],
          store: "Canon",
        }), // 2
        "{bad", // 3
        meta({ parent_asin: "B0M1", title: "Mystery gadget", categories: [], price: "None" }), // 4
        meta({
          parent_asin: "B0C1",
          title: "Canon EOS R50 Camera",
          categories: ["Electronics", "Camera & Photo", "Mirrorless"],
          store: "Canon",
        }), // 5: B0C1 again, last wins
        meta({
          parent_asin: "B0T1",
          title: "Tripod",
          categories: ["Electronics", "Camera & Photo", "Tripods"],
          features: ["aluminium legs"],
        }), // 6
      ].join("\n"),
    );
    const bulk = await load(p, true);
    const incremental = await load(p, false);
    expect(bulk.log).toContain("loaded 5 staged products");
    expect(incremental.log).not.toContain("staged products");
    expect(bulk.report).toMatchObject({ read: 6, inserted: 4, unchanged: 1, skipped: 1 });
    expect(bulk.report.skippedSamples.map((s) => [s.lineNumber, s.reason])).toEqual([[3, "invalid_json"]]);
    expect(bulk.report.tables).toEqual({
      products: { inserted: 4, updated: 0 },
      product_categories: { inserted: 9, updated: 0 },
    });

    const products =
      "SELECT id, parent_asin, title, store, main_category, category_path, categories, features, description, price, average_rating, " +
      "rating_number, images, videos, details, bought_together FROM products ORDER BY id";
    expect(await rows(bulk.t, products)).toEqual(await rows(incremental.t, products));
    expect(await rows(bulk.t, "SELECT title FROM products WHERE parent_asin = 'B0C1'")).toEqual([
      ["Canon EOS R50 Camera"],
    ]);
    const pcs = "SELECT path, product_id, depth FROM product_categories ORDER BY 1, 2";
    expect(await rows(bulk.t, pcs)).toEqual(await rows(incremental.t, pcs));
    const cats = "SELECT path, name, parent_path, depth, product_count FROM categories ORDER BY path";
    expect(await rows(bulk.t, cats)).toEqual(await rows(incremental.t, cats));
    expect(await schemaNames(bulk.t)).toEqual(await schemaNames(incremental.t));
    expect(await schemaNames(bulk.t)).toEqual(expect.arrayContaining([...PRODUCT_INDEXES, ...PRODUCT_FTS_TRIGGERS]));

    const search = (t: TempDb, q: string) =>
      rows(
        t,
        `SELECT p.parent_asin FROM products_fts JOIN products p ON p.id = products_fts.rowid WHERE products_fts MATCH '${q}' ORDER BY rank`,
      );
    for (const q of ["camera", "headphone", "aluminium", "mystery"])
      expect(await search(bulk.t, q)).toEqual(await search(incremental.t, q));
    expect(await search(bulk.t, "camera")).toEqual([["B0C1"]]);
    await bulk.t.db.$client.execute("INSERT INTO products_fts(products_fts) VALUES('integrity-check')");
    // category terms written by the bulk copy match what the triggers derive on the incremental path
    expect(await categoryTermMismatches(bulk.t.db)).toEqual([]);
    expect(await categoryTermMismatches(incremental.t.db)).toEqual([]);
    const inCategory = (t: TempDb, q: string, path: string) =>
      rows(
        t,
        `SELECT p.parent_asin FROM products_fts JOIN products p ON p.id = products_fts.rowid
        WHERE products_fts MATCH '${q} AND category_terms : ' || (SELECT '"c' || id || '"' FROM category_terms WHERE path = '${path}') ORDER BY p.parent_asin`,
      );
    expect(await inCategory(bulk.t, "camera OR tripod OR headphone", "Electronics > Camera & Photo")).toEqual([
      ["B0C1"],
      ["B0T1"],
    ]);
    expect(await inCategory(incremental.t, "camera OR tripod OR headphone", "Electronics > Camera & Photo")).toEqual([
      ["B0C1"],
      ["B0T1"],
    ]);
    // the load ran with FK checks off: every category row still has its product, and checks are back on
    expect(await rows(bulk.t, "PRAGMA foreign_key_check(product_categories)")).toEqual([]);
    expect(await rows(bulk.t, "PRAGMA foreign_keys")).toEqual([[1]]);

    // the catalog revision (migration 0007, seeded at 1) was bumped once for the whole bulk load, per row otherwise
    const revision = async (t: TempDb) => Number((await rows(t, "SELECT revision FROM catalog_revision"))[0][0]);
    expect(await revision(bulk.t)).toBe(2);
    expect(await revision(incremental.t)).toBeGreaterThanOrEqual(5);

    // triggers are back: a later update and delete are reflected in the index
    await bulk.t.db.$client.execute("UPDATE products SET title = 'Carbon fibre tripod' WHERE parent_asin = 'B0T1'");
    expect(await revision(bulk.t)).toBe(3);
    expect(await search(bulk.t, "carbon")).toEqual([["B0T1"]]);
    await bulk.t.db.$client.execute("DELETE FROM products WHERE parent_asin = 'B0H1'");
    expect(await search(bulk.t, "headphone")).toEqual([]);
    await bulk.t.db.$client.execute("INSERT INTO products_fts(products_fts) VALUES('integrity-check')");
    await bulk.t.db.$client.execute(
      "DELETE FROM product_categories WHERE path = 'Electronics > Camera & Photo > Tripods'",
    );
    expect(await inCategory(bulk.t, "tripod", "Electronics > Camera & Photo")).toEqual([["B0T1"]]);
    await bulk.t.db.$client.execute(
      "DELETE FROM product_categories WHERE path = 'Electronics > Camera & Photo' AND product_id = (SELECT id FROM products WHERE parent_asin = 'B0T1')",
    );
    expect(await inCategory(bulk.t, "tripod", "Electronics > Camera & Photo")).toEqual([]);
    expect(await categoryTermMismatches(bulk.t.db)).toEqual([]);

    // a second run goes through the incremental upsert and changes nothing
    const again = await ingestFiles(incremental.t.db, [p]);
    expect(again.files[0]).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
  });

  it("uses the incremental path when products already has rows", async () => {
    const dir = (await tempDb()).dir;
    const first = join(dir, "meta_a.jsonl");
    const second = join(dir, "meta_b.jsonl");
    writeFileSync(first, meta({}));
    writeFileSync(second, meta({ parent_asin: "B0X1", title: "Xylophone speaker" }));
    const t = await tempDb();
    const log: string[] = [];
    await ingestFiles(t.db, [first, second], { log: (m) => log.push(m) });
    expect(log.filter((m) => m.includes("staged products"))).toHaveLength(1);
    expect(await count(t.db, "SELECT count(*) FROM products_fts WHERE products_fts MATCH 'xylophone'")).toBe(1);
  });
});

describe("schema objects", () => {
  it("are the migrations' own SQL, byte for byte what the database stores", async () => {
    const t = await tempDb();
    const defs = loadSchemaObjects();
    const names = ["reviews_item_time_idx", ...PRODUCT_INDEXES, ...PRODUCT_FTS_TRIGGERS];
    const stored = await rows(
      t,
      `SELECT name, sql FROM sqlite_master WHERE name IN (${names.map((n) => `'${n}'`).join(", ")}) ORDER BY name`,
    );
    expect(stored).toHaveLength(names.length);
    for (const [name, sql] of stored) expect(defs.get(String(name))?.sql).toBe(sql);
  });

  it("a later migration's DROP removes a definition", () => {
    const defs = parseSchemaObjects([
      "CREATE INDEX `a_idx` ON `t` (`x`);--> statement-breakpoint\nCREATE INDEX b_idx ON t (y);",
      "DROP INDEX `a_idx`;",
    ]);
    expect([...defs.keys()]).toEqual(["b_idx"]);
    expect(defs.get("b_idx")).toMatchObject({ kind: "index", table: "t", sql: "CREATE INDEX b_idx ON t (y)" });
  });
});
