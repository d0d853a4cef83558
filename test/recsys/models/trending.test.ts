import { describe, expect, it } from "vitest";
import { ItemCatalog, type CatalogRow } from "../../../src/recsys/catalog";
import { Trending } from "../../../src/recsys/models/trending";

const DAY = 86_400_000;
const CATS = ["Electronics > Audio", "Electronics > Cameras", "Electronics > Laptops"];

function catalog(n: number): ItemCatalog {
  const rows: CatalogRow[] = Array.from({ length: n }, (_, i) => ({
    id: `P${i}`,
    title: `Item ${i}`,
    categoryPath: CATS[i % 3],
    price: 10,
    rating: 4,
    ratingCount: 1,
    createdAt: 0,
    boughtTogether: null,
  }));
  return new ItemCatalog(rows);
}

function rng(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe("Trending", () => {
  it("keeps top lists equal to a full recomputation across folds (decay keeps order; new counts move items)", () => {
    const n = 2000;
    const cat = catalog(n);
    const r = rng(9);
    // Integer initial counts and weights give many ties: broken by item index in both paths.
    const initial = Float64Array.from({ length: n }, () => (r() < 0.3 ? Math.floor(r() * 5) : 0));
    const live = new Trending(cat, initial.slice(), 0, 7, 20, 5);
    let now = 0;
    for (let round = 0; round < 40; round++) {
      now += r() * DAY;
      const events = Array.from({ length: Math.floor(r() * 30) }, () => ({
        item: Math.floor(r() * n),
        weight: 1 + Math.floor(r() * 3),
      }));
      live.fold(events, now);
      // Reference: the same counts, lists rebuilt from scratch over every item.
      const counts = Float64Array.from({ length: n }, (_, i) => live.score(i));
      const fresh = new Trending(cat, counts, now, 7, 20, 5);
      expect([...live.top()]).toEqual([...fresh.top()]);
      for (let c = 0; c < 3; c++) expect([...live.topIn(c)]).toEqual([...fresh.topIn(c)]);
    }
  });

  it("decays by the half-life and counts weights", () => {
    const cat = catalog(3);
    const t = new Trending(cat, Float64Array.from([8, 0, 0]), 0, 7);
    t.fold([{ item: 1, weight: 3 }], 7 * DAY);
    expect(t.score(0)).toBeCloseTo(4);
    expect(t.score(1)).toBe(3);
    expect([...t.top()]).toEqual([0, 1]);
    t.fold([{ item: 1, weight: 2 }], 7 * DAY);
    expect([...t.top()]).toEqual([1, 0]);
  });

  it("ignores events for unknown items and never lists items without counts", () => {
    const cat = catalog(4);
    const t = new Trending(cat, new Float64Array(4), 0);
    t.fold(
      [
        { item: -1, weight: 1 },
        { item: 99, weight: 1 },
        { item: 2, weight: 1 },
      ],
      DAY,
    );
    expect([...t.top()]).toEqual([2]);
    expect([...t.topIn(cat.category[0])]).toEqual([]);
  });
});
