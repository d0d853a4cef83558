import { describe, expect, it } from "vitest";
import { beautyGrade, containsAll, electronicsQueries, ndcgAt } from "../../scripts/lib/search-eval/judgments";

describe("search judged query set", () => {
  it("computes NDCG@k against the catalog's ideal order", () => {
    expect(ndcgAt(3, [2, 2, 1], [2, 2, 1, 0, 0])).toBe(1);
    expect(ndcgAt(3, [0, 0, 0], [2, 0])).toBe(0);
    expect(ndcgAt(3, [], [])).toBe(0);
    const swapped = ndcgAt(2, [1, 2], [2, 1]);
    expect(swapped).toBeGreaterThan(0.5);
    expect(swapped).toBeLessThan(1);
  });

  it("judges electronics by category path, accessories at 0", () => {
    const laptop = electronicsQueries.find((q) => q.q === "laptop")!;
    const path = (leaf: string[]) => ["Electronics", "Computers & Accessories", ...leaf].join(" > ");
    expect(
      laptop.grade({ id: "a", title: "Dell Laptop, 16GB", categoryPath: path(["Computers & Tablets", "Laptops"]) }),
    ).toBe(2);
    expect(
      laptop.grade({ id: "b", title: "Dell Notebook", categoryPath: path(["Computers & Tablets", "Laptops"]) }),
    ).toBe(1);
    expect(
      laptop.grade({
        id: "c",
        title: "Laptop Sleeve",
        categoryPath: path(["Laptop Accessories", "Bags, Cases & Sleeves"]),
      }),
    ).toBe(0);
    const backpack = electronicsQueries.find((q) => q.q === "laptop backpack")!;
    expect(
      backpack.grade({
        id: "d",
        title: "Laptop Backpack",
        categoryPath: path(["Laptop Accessories", "Bags, Cases & Sleeves"]),
      }),
    ).toBe(2);
    expect(
      backpack.grade({
        id: "e",
        title: "Tablet Case",
        categoryPath: path(["Tablet Accessories", "Bags, Cases & Sleeves"]),
      }),
    ).toBe(0);
  });

  it("judges beauty titles by their product-type phrase", () => {
    expect(beautyGrade("shampoo", "Maya Mari Argan Oil Shampoo – Rich in Nutrients, 32 oz")).toBe(2);
    expect(beautyGrade("shampoo", "5-Pack Hair Scalp Massager Shampoo Brush for Curly Hair")).toBe(1);
    expect(beautyGrade("makeup brush", "Magic Wand Makeup Brushes Set - 5pcs")).toBe(2);
    expect(beautyGrade("makeup brush", "Makeup Bag with Brush Holder")).toBe(1);
    expect(beautyGrade("makeup brush", "Makeup Brush, Soft")).toBe(2);
    expect(beautyGrade("shampoo", "Hair Towel for shampoo days")).toBe(1);
    expect(beautyGrade("shampoo", "Body Lotion")).toBe(0);
    expect(containsAll("Nail Polishes, Gel", "nail polish")).toBe(true);
  });
});
