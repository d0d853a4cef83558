import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProducts } from "../../src/services/catalog/products";
import { createTestDb, type TestDb } from "../helpers/app";
import { insertProducts, type FixtureProduct } from "../helpers/catalog-fixtures";

/** These tests pin the bm25 keyset machinery (windows, head lists, category terms): the blend is off. */
const BM25_ONLY = { blend: false } as const;

// 450 products match "gizmo". Short titles rank best (bm25 favours short fields) and are cheap; the 30
// longest-titled, lowest-ranked ones are the only expensive ones. A price filter must find exactly those,
// which lie beyond the first 400-hit candidate window, so the window has to grow.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  const products: FixtureProduct[] = Array.from({ length: 450 }, (_, i) => ({
    parentAsin: `G${String(i).padStart(4, "0")}`,
    title: `gizmo ${"filler ".repeat(Math.floor(i / 10))}`.trim(),
    price: i >= 420 ? 100 : 5,
    ratingNumber: i,
  }));
  await insertProducts(t.db, products);
});
afterAll(() => t.cleanup());

describe("relevance search with filters", () => {
  it("finds filtered hits that rank beyond the first candidate window", async () => {
    const page = await listProducts(t.db, { q: "gizmo", minPrice: 50, limit: 50 }, BM25_ONLY);
    expect(page.items).toHaveLength(30);
    expect(page.items.every((p) => p.price === 100)).toBe(true);
    expect(page.nextCursor).toBeNull();
  });

  it("pages through filtered hits with no duplicates and no gaps", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listProducts(t.db, { q: "gizmo", minPrice: 50, limit: 7, cursor }, BM25_ONLY);
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it("returns an empty page when no hit passes the filter", async () => {
    expect(await listProducts(t.db, { q: "gizmo", minPrice: 500, limit: 10 }, BM25_ONLY)).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it("ranks unfiltered hits by weighted bm25: shortest titles first", async () => {
    const page = await listProducts(t.db, { q: "gizmo", limit: 10 }, BM25_ONLY);
    expect(page.items.map((p) => p.id)).toEqual(Array.from({ length: 10 }, (_, i) => `G${String(i).padStart(4, "0")}`));
  });
});
