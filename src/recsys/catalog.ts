/**
 * The item side of serving, columnar: models work on dense indices, so every per-item attribute the
 * feed needs (category, price, rating, age, bought-together) is a typed array indexed the same way.
 * One instance per model version; ids are the catalog's parent_asin.
 */
export interface CatalogRow {
  id: string;
  title: string;
  /** Full category path ("Electronics > Headphones > Earbuds") or null. */
  categoryPath: string | null;
  price: number | null;
  rating: number | null;
  ratingCount: number;
  /** Unix ms the product entered the catalog. */
  createdAt: number;
  boughtTogether: readonly string[] | null;
}

/** Category used for affinity, caps and reasons: the second level of the path ("Headphones"), else the first. */
export function displayCategory(path: string | null): string {
  if (!path) return "Other";
  const parts = path.split(" > ");
  return (parts[1] ?? parts[0] ?? "Other").trim() || "Other";
}

export class ItemCatalog {
  readonly ids: string[] = [];
  readonly titles: string[] = [];
  readonly indexOf = new Map<string, number>();
  readonly categoryNames: string[] = [];
  private readonly categoryCode = new Map<string, number>();
  category: Int32Array;
  // Float64: these are shown to users, and a Float32 turns 59.99 into 59.9900016784668.
  price: Float64Array;
  rating: Float64Array;
  ratingCount: Int32Array;
  createdAt: Float64Array;
  /** Sparse: most products have no bought_together list. */
  readonly boughtTogether = new Map<number, Int32Array>();

  constructor(rows: readonly CatalogRow[]) {
    const n = rows.length;
    this.category = new Int32Array(n);
    this.price = new Float64Array(n);
    this.rating = new Float64Array(n);
    this.ratingCount = new Int32Array(n);
    this.createdAt = new Float64Array(n);
    rows.forEach((r, i) => {
      this.ids.push(r.id);
      this.titles.push(r.title);
      this.indexOf.set(r.id, i);
      this.category[i] = this.codeOf(displayCategory(r.categoryPath));
      this.price[i] = r.price ?? Number.NaN;
      this.rating[i] = r.rating ?? Number.NaN;
      this.ratingCount[i] = r.ratingCount;
      this.createdAt[i] = r.createdAt;
    });
    // Second pass: bought_together may name products that come later in the list.
    rows.forEach((r, i) => {
      if (!r.boughtTogether || r.boughtTogether.length === 0) return;
      const idx = r.boughtTogether.map((id) => this.indexOf.get(id) ?? -1).filter((j) => j >= 0 && j !== i);
      if (idx.length > 0) this.boughtTogether.set(i, Int32Array.from(idx));
    });
  }

  get size(): number {
    return this.ids.length;
  }

  categoryName(item: number): string {
    return this.categoryNames[this.category[item]] ?? "Other";
  }

  private codeOf(name: string): number {
    let code = this.categoryCode.get(name);
    if (code === undefined) {
      code = this.categoryNames.length;
      this.categoryCode.set(name, code);
      this.categoryNames.push(name);
    }
    return code;
  }
}
