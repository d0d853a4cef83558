import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProducts, type ProductQuery } from "../../src/services/catalog/products";
import { createTestDb, type TestDb } from "../helpers/app";
import { seedCatalog } from "../helpers/catalog-seed";

// Category "Electronics" holds all 6 seed products. A 1-item page makes the service walk the sort index
// (count² > (limit+1)·catalog) while a 100-item page expands the category's id list; with filters that
// reject most members, both plans must give exactly the same pages.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await seedCatalog(t.db);
});
afterAll(() => t.cleanup());

async function walkAll(query: Omit<ProductQuery, "cursor">, categoryWindow?: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listProducts(t.db, { ...query, cursor }, { categoryWindow });
    ids.push(...page.items.map((p) => p.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length < 50);
  return ids;
}

describe("category plans with selective filters", () => {
  it.each([
    [
      "a filter only the 4th most popular product passes",
      { category: "Electronics", minPrice: 500, limit: 1 },
      ["P-CAM-2"],
    ],
    ["a filter nothing passes", { category: "Electronics", minPrice: 5000, limit: 1 }, []],
    [
      "a rating filter under price sorting",
      { category: "Electronics", minRating: 4.6, sort: "price_desc", limit: 1 },
      ["P-CAM-2", "P-CAM-1", "P-HEAD-1"],
    ],
    ["a brand filter", { category: "Electronics", brand: "Sony", limit: 1 }, ["P-HEAD-1", "P-CAM-2", "P-NOPRICE"]],
  ] as const)("%s: the same results under either plan", async (_name, query, expected) => {
    const q = query as Omit<ProductQuery, "cursor">;
    expect(await walkAll(q)).toEqual(expected); // 1-item pages: the index-walk plan
    expect(await walkAll({ ...q, limit: 100 })).toEqual(expected); // the id-list plan
    // The bounded window of the walk plan: a 1-row window never fills a page, so every page after it comes
    // from the member list; 2 and 3 rows fill some pages and fall back on others.
    for (const w of [1, 2, 3]) expect(await walkAll(q, w), `window ${w}`).toEqual(expected);
  });

  it("a window that fills the page answers alone (and gives the same page as the member list)", async () => {
    const q = { category: "Electronics", minPrice: 1, limit: 1 } as const;
    const expected = (await walkAll({ ...q, limit: 100 })).slice(0, 1);
    const client = t.db.$client as unknown as { execute: (stmt: string | { sql: string }) => Promise<unknown> };
    const execute = client.execute.bind(client);
    const seen: string[] = [];
    client.execute = (stmt) => {
      seen.push(typeof stmt === "string" ? stmt : stmt.sql);
      return execute(stmt);
    };
    try {
      const page = await listProducts(t.db, q, { categoryWindow: 3 });
      expect(page.items.map((p) => p.id)).toEqual(expected);
      expect(seen.some((s) => s.includes("CROSS JOIN"))).toBe(false); // no member-list read
      expect(seen.some((s) => s.includes("ORDER BY p.rating_number DESC, p.id DESC LIMIT ?) p"))).toBe(true); // the window
    } finally {
      client.execute = execute;
    }
  });
});
