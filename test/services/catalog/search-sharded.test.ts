import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../src/db/database";
import type { ReadPool } from "../../../src/db/read-pool";
import { WorkerReadPool } from "../../../src/db/read-pool.node.js";
import { listProducts, type ProductPage, type ProductQuery } from "../../../src/services/catalog/products";
import { createTestDb, type TestDb } from "../../helpers/app";
import { insertProducts, type FixtureProduct } from "../../helpers/catalog-fixtures";

/**
 * Relevance search split into rowid shards on the read pool must answer exactly like the whole query on
 * the main connection: same items, same order, same cursors, page after page.
 */
const WORDS = ["wireless", "charging", "cable", "camera", "steel", "waterproof", "gaming", "studio", "compact", "travel"];

function fixture(n: number): FixtureProduct[] {
  let seed = 777;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = (k: number) => WORDS.filter((_, i) => rnd() < 1 / (1 + i * k));
  return Array.from({ length: n }, (_, i) => ({
    parentAsin: `S${String(i).padStart(4, "0")}`,
    // Many identical titles: rank ties must be broken by rowid across shards exactly as in one query.
    title: i % 5 === 0 ? "wireless cable device" : `${pick(0.6).join(" ")} device`,
    features: pick(1).map((w) => `${w} ready`),
    description: rnd() < 0.5 ? [pick(2).join(" ")] : [],
    categories: ["Electronics", i % 2 ? "Audio" : "Computers"],
    store: "Acme",
    price: Math.round(rnd() * 500),
    averageRating: 4,
    ratingNumber: Math.floor(rnd() * 1000),
  }));
}

let t: TestDb;
let db: Database;
let pool: WorkerReadPool;
beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  await insertProducts(db, fixture(300));
  pool = new WorkerReadPool(t.url, 2);
});
afterAll(async () => {
  await pool.close();
  t.cleanup();
});

async function allPages(q: Omit<ProductQuery, "cursor">, readPool?: ReadPool): Promise<ProductPage[]> {
  const pages: ProductPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await listProducts(db, { ...q, cursor }, { readPool });
    pages.push(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 100);
  return pages;
}

describe("sharded relevance search", () => {
  it.each(["wireless", "cable", "device", "wireless cable", "cam", "travel steel", "studio"])("%s: same pages as the whole query", async (q) => {
    const whole = await allPages({ q, limit: 7 });
    const sharded = await allPages({ q, limit: 7 }, pool);
    expect(sharded).toEqual(whole);
    expect(whole.flatMap((p) => p.items).length).toBeGreaterThan(0);
  });

  it("scoped to a category (one MATCH, no row filter) stays exact", async () => {
    const q = { q: "wireless", category: "Electronics > Audio", limit: 9 };
    expect(await allPages(q, pool)).toEqual(await allPages(q));
  });

  it("leaves filtered searches to the main connection and still answers them", async () => {
    const q = { q: "cable", maxPrice: 200, limit: 5 };
    expect(await allPages(q, pool)).toEqual(await allPages(q));
  });

  it("sees products added after the pool started (the last shard is open-ended)", async () => {
    await insertProducts(db, [{ parentAsin: "S9999", title: "zyzzyva cable", features: [], description: [], categories: ["Electronics"], store: "Acme", price: 1, averageRating: 4, ratingNumber: 1 }]);
    const page = await listProducts(db, { q: "zyzzyva", limit: 5 }, { readPool: pool });
    expect(page.items.map((i) => i.id)).toEqual(["S9999"]);
  });

  it("a pool that cannot answer fails the request instead of hiding it", async () => {
    const broken: ReadPool = { size: 2, executeAll: () => Promise.reject(new Error("shard down")), close: async () => {} };
    await expect(listProducts(db, { q: "cable", limit: 5 }, { readPool: broken })).rejects.toThrow("shard down");
  });
});

describe("WorkerReadPool", () => {
  it("runs statements on its connections and returns plain rows in order", async () => {
    const [a, b] = await pool.executeAll([{ sql: "SELECT ? AS x", args: [1] }, { sql: "SELECT count(*) AS n FROM products", args: [] }]);
    expect(a).toEqual([{ x: 1 }]);
    expect(Number(b[0].n)).toBeGreaterThanOrEqual(300);
  });

  it("is read-only: a write through the pool is refused", async () => {
    await expect(pool.executeAll(["DELETE FROM products"])).rejects.toThrow();
    expect(Number((await db.$client.execute("SELECT count(*) AS n FROM products")).rows[0].n)).toBeGreaterThanOrEqual(300);
  });

  it("reports SQL errors per statement", async () => {
    await expect(pool.executeAll(["SELECT * FROM no_such_table"])).rejects.toThrow(/no_such_table/);
  });

  it("refuses work after close, and only works on embedded files", async () => {
    const p = new WorkerReadPool(t.url, 1);
    await p.close();
    await expect(p.executeAll(["SELECT 1"])).rejects.toThrow("closed");
    expect(() => new WorkerReadPool("libsql://example.turso.io")).toThrow("file:");
  });
});
