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

async function walkAll(query: Omit<ProductQuery, "cursor">): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listProducts(t.db, { ...query, cursor });
    ids.push(...page.items.map((p) => p.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length < 50);
  return ids;
}

describe("category plans with selective filters", () => {
  it.each([
    ["a filter only the 4th most popular product passes", { category: "Electronics", minPrice: 500, limit: 1 }, ["P-CAM-2"]],
    ["a filter nothing passes", { category: "Electronics", minPrice: 5000, limit: 1 }, []],
    ["a rating filter under price sorting", { category: "Electronics", minRating: 4.6, sort: "price_desc", limit: 1 }, ["P-CAM-2", "P-CAM-1", "P-HEAD-1"]],
    ["a brand filter", { category: "Electronics", brand: "Sony", limit: 1 }, ["P-HEAD-1", "P-CAM-2", "P-NOPRICE"]],
  ] as const)("%s: the same results under either plan", async (_name, query, expected) => {
    const q = query as Omit<ProductQuery, "cursor">;
    expect(await walkAll(q)).toEqual(expected); // 1-item pages: the index-walk plan
    expect(await walkAll({ ...q, limit: 100 })).toEqual(expected); // the id-list plan
  });
});
