import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../src/db/database";
import { listProducts, type ProductQuery } from "../../../src/services/catalog/products";
import { toFtsQuery } from "../../../src/services/catalog/fts-query";
import { createTestDb, type TestDb } from "../../helpers/app";
import { insertProducts, type FixtureProduct } from "../../helpers/catalog-fixtures";
import { categoryTermMismatches } from "../../ingest/helpers";

/** These tests pin the bm25 keyset machinery (windows, head lists, category terms): the blend is off. */
const BM25_ONLY = { blend: false } as const;

/**
 * Search scoped to a category runs as one FTS query (the category is a term of the index, migration 0006).
 * Its answer must be exactly the old one: every hit of q ranked, then filtered by product_categories.
 */

// Deterministic fixture: 400 products over a 3-level tree, words of very different frequencies so the
// category filter keeps anywhere from all to none of a word's hits, and many rank ties (same title shape).
const TREE = [
  ["Electronics", "Audio", "Headphones"],
  ["Electronics", "Audio", "Speakers"],
  ["Electronics", "Audio"],
  ["Electronics", "Camera & Photo", "Lenses"],
  ["Electronics", "Camera & Photo", "Tripods"],
  ["Electronics", "Computers", "Laptops"],
  ["Electronics", "Computers", "Monitors 4K"],
  ["Electronics", "Computers"],
];
const WORDS = [
  "wireless",
  "charging",
  "cable",
  "camera",
  "steel",
  "waterproof",
  "gaming",
  "studio",
  "compact",
  "travel",
];

function fixture(n: number): FixtureProduct[] {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = (k: number) => WORDS.filter((_, i) => rnd() < 1 / (1 + i * k));
  return Array.from({ length: n }, (_, i) => ({
    parentAsin: `P${String(i).padStart(4, "0")}`,
    title: `${pick(0.6).join(" ")} device ${i % 7 === 0 ? "usb 3" : ""}`.trim(),
    features: pick(1).map((w) => `${w} ready`),
    description: rnd() < 0.5 ? [pick(2).join(" ")] : [],
    categories: TREE[Math.floor(rnd() * TREE.length)],
    store: rnd() < 0.5 ? "Acme" : "Zeta",
    price: rnd() < 0.1 ? null : Math.round(rnd() * 500),
    averageRating: Math.round(rnd() * 40) / 10 + 1,
    ratingNumber: Math.floor(rnd() * 1000),
  }));
}

let t: TestDb;
let db: Database;
beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  await insertProducts(db, fixture(400));
});
afterAll(() => t.cleanup());

/** Every page of a query, following cursors. */
async function allPages(q: Omit<ProductQuery, "cursor">): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 500; pages++) {
    const page = await listProducts(db, { ...q, cursor }, BM25_ONLY);
    out.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error("cursor never ended");
}

/** The reference: every hit of q in rank order (ties by id), kept if the product is in the category. */
async function bruteForce(
  q: string,
  category: string,
  keep: (r: Record<string, unknown>) => boolean = () => true,
): Promise<string[]> {
  const rs = await db.$client.execute({
    sql: `SELECT p.parent_asin, p.store, p.price, h.rank,
            EXISTS (SELECT 1 FROM product_categories pc WHERE pc.path = ? AND pc.product_id = p.id) AS member
          FROM (SELECT rowid, rank FROM products_fts WHERE products_fts MATCH ?) h JOIN products p ON p.id = h.rowid
          ORDER BY h.rank, h.rowid`,
    args: [category, toFtsQuery(q)],
  });
  return rs.rows.filter((r) => Number(r.member) === 1 && keep(r)).map((r) => String(r.parent_asin));
}

const CATEGORIES = [
  "Electronics",
  "Electronics > Audio",
  "Electronics > Audio > Headphones",
  "Electronics > Computers > Monitors 4K",
  "Electronics > Camera & Photo",
];
const QUERIES = ["wireless", "cable", "travel", "device", "wireless charging", "cam", "usb 3", "studio gaming"];

describe("search scoped to a category", () => {
  for (const q of QUERIES) {
    it(`is exactly every hit of "${q}" filtered by category, in rank order, across cursor pages`, async () => {
      let nonEmpty = 0;
      for (const category of CATEGORIES) {
        const want = await bruteForce(q, category);
        if (want.length > 0) nonEmpty++;
        expect(await allPages({ q, category, limit: 7 }), category).toEqual(want);
      }
      expect(nonEmpty).toBeGreaterThan(0);
    });
  }

  it("keeps other filters and non-relevance sorts exact", async () => {
    const category = "Electronics > Audio";
    const want = await bruteForce(
      "wireless",
      category,
      (r) => r.store === "Acme" && r.price !== null && Number(r.price) >= 100,
    );
    expect(want.length).toBeGreaterThan(3);
    expect(await allPages({ q: "wireless", category, brand: "Acme", minPrice: 100, limit: 3 })).toEqual(want);

    const byPrice = await allPages({ q: "wireless", category, sort: "price_asc", limit: 5 });
    const priced = await db.$client.execute({
      sql: `SELECT p.parent_asin FROM products p WHERE p.price IS NOT NULL AND p.parent_asin IN (SELECT value FROM json_each(?)) ORDER BY p.price, p.id`,
      args: [JSON.stringify(await bruteForce("wireless", category))],
    });
    expect(byPrice).toEqual(priced.rows.map((r) => String(r.parent_asin)));
  });

  it("never matches a category term from the query text", async () => {
    const term = await db.$client.execute("SELECT 'c' || id AS t FROM category_terms WHERE path = 'Electronics'");
    const t0 = String(term.rows[0].t);
    expect((await listProducts(db, { q: t0, limit: 10 }, BM25_ONLY)).items).toEqual([]);
    expect((await listProducts(db, { q: t0.slice(0, 2), limit: 10 }, BM25_ONLY)).items).toEqual([]);
  });

  it("follows writes that bypass the ingest: category rows, text and deletes, through the triggers", async () => {
    const local = await createTestDb();
    try {
      await insertProducts(local.db, fixture(60));
      const ids = async (q: string, category: string) =>
        (await listProducts(local.db, { q, category, limit: 100 }, BM25_ONLY)).items.map((i) => i.id);
      const before = await ids("device", "Electronics > Camera & Photo > Tripods");
      const moved = (
        await local.db.$client.execute(
          "SELECT parent_asin, id FROM products WHERE category_path = 'Electronics > Audio > Headphones' LIMIT 1",
        )
      ).rows[0];
      // move a product: new category rows in, old ones out, as any writer might do it
      await local.db.$client.batch(
        [
          { sql: "DELETE FROM product_categories WHERE product_id = ? AND path <> 'Electronics'", args: [moved.id] },
          {
            sql: "INSERT INTO product_categories (path, product_id, depth) VALUES ('Electronics > Camera & Photo', ?, 2), ('Electronics > Camera & Photo > Tripods', ?, 3)",
            args: [moved.id, moved.id],
          },
        ],
        "write",
      );
      const after = await ids("device", "Electronics > Camera & Photo > Tripods");
      expect(after.sort()).toEqual([...before, String(moved.parent_asin)].sort());
      expect(await ids("device", "Electronics > Audio > Headphones")).not.toContain(String(moved.parent_asin));

      await local.db.$client.execute({
        sql: "UPDATE products SET title = 'Zebra tripod' WHERE id = ?",
        args: [moved.id],
      });
      expect(await ids("zebra", "Electronics > Camera & Photo")).toEqual([String(moved.parent_asin)]);
      await local.db.$client.execute({
        sql: "UPDATE product_categories SET path = 'Electronics > Computers' WHERE product_id = ? AND path = 'Electronics > Camera & Photo'",
        args: [moved.id],
      });
      expect(await ids("zebra", "Electronics > Camera & Photo")).toEqual([]);
      expect(await ids("zebra", "Electronics > Computers")).toEqual([String(moved.parent_asin)]);
      await local.db.$client.execute({ sql: "DELETE FROM products WHERE id = ?", args: [moved.id] });
      expect(await ids("zebra", "Electronics")).toEqual([]);
      expect(await categoryTermMismatches(local.db)).toEqual([]);
    } finally {
      local.cleanup();
    }
  });

  it("keeps the fixture's terms consistent with its category rows", async () => {
    expect(await categoryTermMismatches(db)).toEqual([]);
  });
});
