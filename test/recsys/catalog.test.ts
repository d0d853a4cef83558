import { describe, expect, it } from "vitest";
import { displayCategory, ItemCatalog, type CatalogRow } from "../../src/recsys/catalog";

const row = (id: string, over: Partial<CatalogRow> = {}): CatalogRow => ({
  id,
  title: `Item ${id}`,
  categoryPath: "Electronics > Headphones > Earbuds",
  price: 59.99,
  rating: 4.3,
  ratingCount: 12,
  createdAt: 1_700_000_000_000,
  boughtTogether: null,
  ...over,
});

describe("ItemCatalog", () => {
  it("keeps prices and ratings exactly as stored (they are shown to users)", () => {
    const c = new ItemCatalog([row("A", { price: 59.99, rating: 3.2 }), row("B", { price: 123456.78, rating: 4.7 })]);
    expect(c.price[0]).toBe(59.99);
    expect(c.rating[0]).toBe(3.2);
    expect(c.price[1]).toBe(123456.78);
    expect(c.rating[1]).toBe(4.7);
  });

  it("marks a missing price or rating as NaN, never 0", () => {
    const c = new ItemCatalog([row("A", { price: null, rating: null })]);
    expect(Number.isNaN(c.price[0])).toBe(true);
    expect(Number.isNaN(c.rating[0])).toBe(true);
  });

  it("resolves bought_together to indices, dropping unknown ids and self-references", () => {
    const c = new ItemCatalog([row("A", { boughtTogether: ["C", "Z", "A"] }), row("B"), row("C")]);
    expect([...(c.boughtTogether.get(0) ?? [])]).toEqual([2]);
    expect(c.boughtTogether.has(1)).toBe(false);
  });

  it("uses the second path level as the display category", () => {
    expect(displayCategory("Electronics > Headphones > Earbuds")).toBe("Headphones");
    expect(displayCategory("Electronics")).toBe("Electronics");
    expect(displayCategory(null)).toBe("Other");
    const c = new ItemCatalog([row("A"), row("B", { categoryPath: "Electronics > Camera & Photo" })]);
    expect(c.categoryName(0)).toBe("Headphones");
    expect(c.categoryName(1)).toBe("Camera & Photo");
  });
});
