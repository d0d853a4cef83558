import { describe, expect, it } from "vitest";
import { ItemCatalog, type CatalogRow } from "../../src/recsys/catalog";
import { buildColdStartLists, mergeColdStart } from "../../src/recsys/embeddings/cold-start-lists";

const row = (id: string, path: string | null, extra: Partial<CatalogRow> = {}): CatalogRow => ({
  id,
  title: `T ${id}`,
  categoryPath: path,
  price: 10,
  rating: 4,
  ratingCount: 3,
  createdAt: 1,
  boughtTogether: null,
  ...extra,
});

describe("ItemCatalog.append", () => {
  it("adds new items after the existing ones, keeps every index, skips known and repeated ids", () => {
    const c = new ItemCatalog([row("A", "E > Phones"), row("B", "E > Laptops")]);
    const before = { a: c.indexOf.get("A"), b: c.indexOf.get("B"), phones: c.category[0] };
    const added = c.append([
      row("C", "E > Drones", { price: null, boughtTogether: ["A", "Z"] }),
      row("A", "E > Phones"),
      row("C", "E > Drones"),
      row("D", "E > Phones", { rating: null }),
    ]);
    expect(added).toEqual([2, 3]);
    expect(c.size).toBe(4);
    expect([c.indexOf.get("A"), c.indexOf.get("B"), c.category[0]]).toEqual([before.a, before.b, before.phones]);
    expect(c.categoryName(2)).toBe("Drones");
    expect(c.category[3]).toBe(c.category[0]);
    expect(Number.isNaN(c.price[2])).toBe(true);
    expect(Number.isNaN(c.rating[3])).toBe(true);
    expect(Array.from(c.boughtTogether.get(2) ?? [])).toEqual([0]);
    expect(c.append([row("A", null)])).toEqual([]);
  });
});

describe("cold-start lists", () => {
  it("map id lists onto catalog indices both ways and drop unknown ids", () => {
    const indexOf = new Map([
      ["N", 5],
      ["A", 0],
      ["B", 1],
    ]);
    const lists = buildColdStartLists(
      indexOf,
      new Map([["N", { ids: ["A", "X", "B", "N"], scores: [0.9, 0.8, 0.5, 1] }]]),
    );
    expect(Array.from(lists.forward.get(5)?.items ?? [])).toEqual([0, 1]);
    expect(Array.from(lists.reverse.get(1)?.items ?? [])).toEqual([5]);
    expect(lists.size).toBe(1);
  });

  it("give cold hits a quarter of a full list, and all of an empty one", () => {
    const full = {
      source: "vector" as const,
      items: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      scores: new Float32Array(8).fill(1),
      anchors: new Int32Array(8).fill(-1),
    };
    const cold = {
      source: "vector" as const,
      items: Int32Array.from([9, 1, 10]),
      scores: Float32Array.from([0.9, 0.8, 0.7]),
      anchors: Int32Array.from([0, 0, 0]),
    };
    expect(Array.from(mergeColdStart(full, cold, 8).items)).toEqual([1, 2, 3, 4, 5, 6, 9, 10]);
    const empty = { ...full, items: new Int32Array(0), scores: new Float32Array(0), anchors: new Int32Array(0) };
    expect(Array.from(mergeColdStart(empty, cold, 8).items)).toEqual([9, 1, 10]);
    expect(mergeColdStart(full, null, 8)).toBe(full);
  });
});
