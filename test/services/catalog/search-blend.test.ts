import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProducts, type ProductQuery } from "../../../src/services/catalog/products";
import { blendCandidates, queryHeadNoun, stemLite, titleHeadNoun } from "../../../src/services/catalog/search-blend";
import { refreshSearchHeads } from "../../../src/services/catalog/search-heads";
import { createTestDb, type TestDb } from "../../helpers/app";
import { insertProducts, type FixtureProduct } from "../../helpers/catalog-fixtures";

const LAPTOPS = ["Electronics", "Computers", "Laptops"];
const BAGS = ["Electronics", "Computers", "Laptop Accessories", "Bags"];

/** Short accessory titles that bm25 alone ranks first for "laptop", and longer device titles. */
const fixture: FixtureProduct[] = [
  ...Array.from({ length: 30 }, (_, i) => ({
    parentAsin: `BAG${String(i).padStart(3, "0")}`,
    title: i % 2 ? `Laptop Sleeve ${i}` : `Laptop Backpack ${i}`,
    categories: BAGS,
    price: 20 + i,
    averageRating: 4.5,
    ratingNumber: 500,
  })),
  ...Array.from({ length: 12 }, (_, i) => ({
    parentAsin: `LAP${String(i).padStart(3, "0")}`,
    title: `Brand${i} Model ${i} Laptop, 16GB RAM, 512GB SSD, Intel Core i7, Windows 11 Home, Backlit Keyboard`,
    description: ["A laptop for work and play, with a bright display and a comfortable keyboard."],
    categories: LAPTOPS,
    price: 500 + i * 50,
    averageRating: 4,
    ratingNumber: 10 + i,
  })),
  {
    parentAsin: "HUB000",
    title: "USB-C Hub for Laptop, 7-in-1",
    categories: ["Electronics", "Computers", "Hubs"],
    price: 30,
  },
];

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await insertProducts(t.db, fixture);
});
afterAll(() => t.cleanup());

async function walk(q: ProductQuery, tuning: Parameters<typeof listProducts>[2]): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listProducts(t.db, { ...q, cursor }, tuning);
    ids.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

describe("head nouns", () => {
  it("read the product type from the title's leading phrase", () => {
    expect(titleHeadNoun("Lenovo LE-1234 Laptop, 16GB RAM")).toBe("laptop");
    expect(titleHeadNoun("MOSISO Laptop Sleeve 15.6 Inch")).toBe("sleeve");
    expect(titleHeadNoun("Hard Travel Case for Headphones")).toBe("case");
    expect(titleHeadNoun("Garnier Whole Blends Shampoo Bar 2 Oz")).toBe("bar");
    expect(titleHeadNoun("5-Pack Scalp Massager Shampoo Brush for Curly Hair")).toBe("brush");
    expect(titleHeadNoun("")).toBeNull();
    expect(stemLite("Batteries")).toBe("battery");
    expect(stemLite("Headphones")).toBe("headphone");
    expect(queryHeadNoun("wireless mice ")).toEqual({ stem: "mice", prefix: false });
    expect(queryHeadNoun("***")).toBeNull();
  });

  it("scores are deterministic and order by (score desc, id asc)", () => {
    const c = [
      { id: 2, rank: -10, title: "Laptop Sleeve", categoryPath: "B", ratingCount: 0, averageRating: null },
      { id: 1, rank: -5, title: "X Laptop, 8GB", categoryPath: "L", ratingCount: 0, averageRating: null },
      { id: 3, rank: -5, title: "Y Laptop, 8GB", categoryPath: "L", ratingCount: 0, averageRating: null },
    ];
    const out = blendCandidates("laptop", c).map((s) => s.candidate.id);
    expect(out).toEqual([1, 3, 2]);
    expect(blendCandidates("laptop", [...c].reverse()).map((s) => s.candidate.id)).toEqual(out);
    expect(blendCandidates("laptop", [])).toEqual([]);
  });
});

describe("blended relevance search", () => {
  it('puts the devices before their accessories for "laptop" (bm25 alone puts the sleeves first)', async () => {
    const bm25 = await listProducts(t.db, { q: "laptop", limit: 8 }, { blend: false });
    expect(bm25.items.every((i) => i.id.startsWith("BAG"))).toBe(true);
    const blended = await listProducts(t.db, { q: "laptop", limit: 8 });
    expect(blended.items.map((i) => i.id.slice(0, 3))).toEqual(Array(8).fill("LAP"));
    // an accessory query still finds the accessory
    const sleeves = await listProducts(t.db, { q: "laptop sleeve", limit: 5 });
    expect(sleeves.items.every((i) => i.title.startsWith("Laptop Sleeve"))).toBe(true);
  });

  it("pages through every hit exactly once, across the blended window and the bm25 tail", async () => {
    const all = await walk({ q: "laptop", limit: 100 }, { blend: false });
    expect(all).toHaveLength(43);
    for (const limit of [1, 7, 20]) {
      const pages = await walk({ q: "laptop", limit }, { blendWindow: 15 });
      expect(new Set(pages).size).toBe(pages.length);
      expect([...pages].sort()).toEqual([...all].sort());
      // the first 15 are the blended window; the rest keep bm25 order
      const tail = all.filter((id) => !pages.slice(0, 15).includes(id));
      expect(pages.slice(15)).toEqual(tail);
    }
  });

  it("keeps filters exact", async () => {
    const ids = await walk({ q: "laptop", minPrice: 600, limit: 4 }, { blendWindow: 5 });
    const truth = fixture.filter((p) => /laptop/i.test(`${p.title} ${p.description ?? ""}`) && (p.price ?? 0) >= 600);
    expect([...ids].sort()).toEqual(truth.map((p) => p.parentAsin).sort());
  });

  it("gives the same pages from a search head list as live", async () => {
    const live = await walk({ q: "laptop", limit: 6 }, {});
    const report = await refreshSearchHeads(t.db, { minHits: 10, listLength: 1000, force: true, log: () => {} });
    expect(report.status).toBe("built");
    expect(await walk({ q: "laptop", limit: 6 }, {})).toEqual(live);
  });
});
