import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ingestFiles } from "../../src/ingest/ingest-service.node.js";
import { categoryTermMismatches, count, openTempDb, type TempDb } from "./helpers";

let t: TempDb | null = null;
afterEach(() => {
  t?.close();
  t = null;
});

const review = (o: Record<string, unknown>) =>
  JSON.stringify({
    rating: 4.0,
    title: "t",
    text: "x",
    images: [],
    asin: "B1",
    parent_asin: "B1",
    user_id: "U1",
    timestamp: 1_600_000_000_000,
    helpful_vote: 0,
    verified_purchase: true,
    ...o,
  });

describe("malformed lines", () => {
  it("counts bad CSV rows with line numbers and reasons while good rows land", async () => {
    t = await openTempDb();
    const p = join(t.dir, "ratings.csv");
    writeFileSync(
      p,
      [
        "user_id,parent_asin,rating,timestamp",
        "U1,B1,5.0,1600000000000", // 2 ok
        "U1,B2,5.0", // 3 wrong column count
        "U2,B1,nine,1600000000001", // 4 bad rating
        "U2,B3,3.0,1600000000002", // 5 ok
        "U3,B1,4.0,yesterday", // 6 bad timestamp
        "U3,B4,1.0,1600000000003", // 7 ok
        "",
      ].join("\n"),
    );
    const r = await ingestFiles(t.db, [p]);
    const f = r.files[0];
    expect(f).toMatchObject({ read: 6, inserted: 3, skipped: 3 });
    expect(f.skippedByReason).toEqual({ wrong_column_count: 1, bad_rating: 1, bad_timestamp: 1 });
    expect(f.skippedSamples.map((s) => [s.lineNumber, s.reason])).toEqual([
      [3, "wrong_column_count"],
      [4, "bad_rating"],
      [6, "bad_timestamp"],
    ]);
    expect(await count(t.db, "SELECT count(*) FROM reviews")).toBe(3);
  });

  it("counts bad JSON, missing fields and bad ratings in review JSONL; text lands for good lines", async () => {
    t = await openTempDb();
    const p = join(t.dir, "Electronics.jsonl");
    writeFileSync(
      p,
      `${[
        review({}),
        "{not json",
        review({ user_id: undefined }),
        review({ rating: 0 }),
        review({ user_id: "U2", text: "second" }),
      ].join("\n")}\n`,
    );
    const r = await ingestFiles(t.db, [p]);
    expect(r.files[0]).toMatchObject({ format: "review_jsonl", read: 5, inserted: 2, skipped: 3 });
    expect(r.files[0].skippedSamples.map((s) => [s.lineNumber, s.reason])).toEqual([
      [2, "invalid_json"],
      [3, "missing_field"],
      [4, "bad_rating"],
    ]);
    const rows = await t.db.$client.execute("SELECT user_id, text, verified_purchase FROM reviews ORDER BY user_id");
    expect(rows.rows.map((x) => [x.user_id, x.text, x.verified_purchase])).toEqual([
      ["U1", "x", 1],
      ["U2", "second", 1],
    ]);
  });

  it("a rating-only row never erases review text, and a changed rating counts as updated", async () => {
    t = await openTempDb();
    const jsonl = join(t.dir, "Electronics.jsonl");
    writeFileSync(jsonl, `${review({})}\n`);
    await ingestFiles(t.db, [jsonl]);
    const csv = join(t.dir, "r.csv");
    writeFileSync(csv, "user_id,parent_asin,rating,timestamp\nU1,B1,2.0,1600000000000\n");
    const r = await ingestFiles(t.db, [csv]);
    expect(r.files[0]).toMatchObject({ inserted: 0, updated: 1 });
    const row = await t.db.$client.execute("SELECT rating, text FROM reviews");
    expect(row.rows[0]).toMatchObject({ rating: 2, text: "x" });
  });
});

describe("meta ingest", () => {
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
      categories: ["Electronics", "Headphones, Earbuds & Accessories", "Headphones", "Over-Ear Headphones"],
      details: { Brand: "Sony" },
      parent_asin: "B0H1",
      bought_together: null,
      ...o,
    });

  it("fills products, product_categories, categories and FTS; re-runs are idempotent; changes update", async () => {
    t = await openTempDb();
    const p = join(t.dir, "meta_Electronics.jsonl");
    writeFileSync(
      p,
      [
        meta({}),
        meta({
          parent_asin: "B0C1",
          title: "Canon EOS Camera",
          categories: ["Electronics", "Camera & Photo"],
          price: "$499.00",
        }),
        meta({
          parent_asin: "B0M1",
          title: "Mystery gadget",
          categories: [],
          main_category: "All Electronics",
          price: "None",
        }),
        "{bad",
      ].join("\n"),
    );
    const r = await ingestFiles(t.db, [p]);
    expect(r.files[0]).toMatchObject({ format: "meta_jsonl", read: 4, inserted: 3, skipped: 1 });
    expect(await count(t.db, "SELECT count(*) FROM products")).toBe(3);
    expect(await count(t.db, "SELECT count(*) FROM product_categories")).toBe(4 + 2 + 1);
    const cats = await t.db.$client.execute(
      "SELECT path, name, parent_path, depth, product_count FROM categories ORDER BY path",
    );
    expect(cats.rows.map((c) => [c.path, c.product_count])).toEqual([
      ["All Electronics", 1],
      ["Electronics", 2],
      ["Electronics > Camera & Photo", 1],
      ["Electronics > Headphones, Earbuds & Accessories", 1],
      ["Electronics > Headphones, Earbuds & Accessories > Headphones", 1],
      ["Electronics > Headphones, Earbuds & Accessories > Headphones > Over-Ear Headphones", 1],
    ]);
    expect(cats.rows[5]).toMatchObject({
      name: "Over-Ear Headphones",
      parent_path: "Electronics > Headphones, Earbuds & Accessories > Headphones",
      depth: 3,
    });
    const fts = await t.db.$client.execute(
      "SELECT p.parent_asin FROM products_fts JOIN products p ON p.id = products_fts.rowid WHERE products_fts MATCH 'headphone'",
    );
    expect(fts.rows.map((x) => x.parent_asin)).toEqual(["B0H1"]);
    const prices = await t.db.$client.execute(
      "SELECT parent_asin, price, category_path FROM products ORDER BY parent_asin",
    );
    expect(prices.rows.map((x) => [x.parent_asin, x.price, x.category_path])).toEqual([
      ["B0C1", 499, "Electronics > Camera & Photo"],
      ["B0H1", 278, "Electronics > Headphones, Earbuds & Accessories > Headphones > Over-Ear Headphones"],
      ["B0M1", null, "All Electronics"],
    ]);

    const again = await ingestFiles(t.db, [p]);
    expect(again.files[0]).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });

    // the camera moves category and changes title: product, its category rows, the tree and FTS follow
    writeFileSync(
      p,
      meta({
        parent_asin: "B0C1",
        title: "Canon Mirrorless Camera",
        categories: ["Electronics", "Camera & Photo", "Mirrorless"],
      }),
    );
    const changed = await ingestFiles(t.db, [p]);
    expect(changed.files[0]).toMatchObject({ inserted: 0, updated: 1 });
    expect(
      await count(
        t.db,
        "SELECT count(*) FROM product_categories WHERE product_id = (SELECT id FROM products WHERE parent_asin = 'B0C1')",
      ),
    ).toBe(3);
    expect(
      await count(
        t.db,
        "SELECT product_count FROM categories WHERE path = 'Electronics > Camera & Photo > Mirrorless'",
      ),
    ).toBe(1);
    expect(await count(t.db, "SELECT count(*) FROM products_fts WHERE products_fts MATCH 'mirrorless'")).toBe(1);
    expect(await count(t.db, "SELECT count(*) FROM products_fts WHERE products_fts MATCH 'eos'")).toBe(0);
    // its category rows were brought in line (kept rows stay, the new one is added) and so were its FTS terms
    expect(changed.files[0].tables.product_categories).toEqual({ inserted: 1, updated: 0 });
    expect(await categoryTermMismatches(t.db)).toEqual([]);
    const mirrorless =
      "SELECT 'category_terms : \"c' || id || '\"' FROM category_terms WHERE path = 'Electronics > Camera & Photo > Mirrorless'";
    expect(
      await count(
        t.db,
        `SELECT count(*) FROM products_fts WHERE products_fts MATCH 'mirrorless AND ' || (${mirrorless})`,
      ),
    ).toBe(1);

    // moving it back drops the stale row and term
    writeFileSync(
      p,
      meta({ parent_asin: "B0C1", title: "Canon Mirrorless Camera", categories: ["Electronics", "Camera & Photo"] }),
    );
    const back = await ingestFiles(t.db, [p]);
    expect(back.files[0].tables.product_categories).toEqual({ inserted: 0, updated: 1 });
    expect(await categoryTermMismatches(t.db)).toEqual([]);
    expect(
      await count(
        t.db,
        `SELECT count(*) FROM products_fts WHERE products_fts MATCH 'mirrorless AND ' || (${mirrorless})`,
      ),
    ).toBe(0);
  });
});
