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

  /**
   * Adds products that entered the catalog while serving (ingested or listed after the models were built):
   * they get the next indices, so every index already handed out keeps its meaning and requests in flight
   * are unaffected. Ids already present are skipped. Returns the indices of the rows added.
   *
   * The typed arrays are replaced by larger copies (appends come once per cycle, in small numbers), and
   * per-item arrays of the models (popularity, item vectors) stay shorter than the catalog: their readers
   * treat an index past their end as "no signal" (`?? 0`, `known[i]` falsy), which is what a new item has.
   */
  append(rows: readonly CatalogRow[]): number[] {
    const fresh = rows.filter((r, j) => !this.indexOf.has(r.id) && rows.findIndex((x) => x.id === r.id) === j);
    if (fresh.length === 0) return [];
    const start = this.size;
    const n = start + fresh.length;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const out = make(n);
      out.set(a);
      return out;
    };
    // Filled before they are published: a reader of `size`/`ids` never sees an index without attributes.
    const category = grow(this.category, (m) => new Int32Array(m));
    const price = grow(this.price, (m) => new Float64Array(m));
    const rating = grow(this.rating, (m) => new Float64Array(m));
    const ratingCount = grow(this.ratingCount, (m) => new Int32Array(m));
    const createdAt = grow(this.createdAt, (m) => new Float64Array(m));
    fresh.forEach((r, j) => {
      const i = start + j;
      category[i] = this.codeOf(displayCategory(r.categoryPath));
      price[i] = r.price ?? Number.NaN;
      rating[i] = r.rating ?? Number.NaN;
      ratingCount[i] = r.ratingCount;
      createdAt[i] = r.createdAt;
    });
    this.category = category;
    this.price = price;
    this.rating = rating;
    this.ratingCount = ratingCount;
    this.createdAt = createdAt;
    fresh.forEach((r, j) => {
      this.ids.push(r.id);
      this.titles.push(r.title);
      this.indexOf.set(r.id, start + j);
    });
    fresh.forEach((r, j) => {
      if (!r.boughtTogether || r.boughtTogether.length === 0) return;
      const idx = r.boughtTogether.map((id) => this.indexOf.get(id) ?? -1).filter((k) => k >= 0 && k !== start + j);
      if (idx.length > 0) this.boughtTogether.set(start + j, Int32Array.from(idx));
    });
    return fresh.map((_, j) => start + j);
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
