import type { ItemCatalog } from "../catalog";

const DAY_MS = 86_400_000;

/**
 * Time-decayed interaction counts (half-life `halfLifeDays`), kept current by folding in new events.
 * The global and per-category top lists are recomputed on each fold, so a request only slices them.
 */
export class Trending {
  private counts: Float64Array;
  private asOf: number;
  private global: Int32Array = new Int32Array(0);
  private byCategory = new Map<number, Int32Array>();

  constructor(
    private readonly catalog: ItemCatalog,
    initial: Float64Array,
    asOf: number,
    private readonly halfLifeDays = 7,
    private readonly listSize = 200,
  ) {
    this.counts = initial;
    this.asOf = asOf;
    this.rebuild();
  }

  /** Decays everything to `now`, then adds one count per (item, weight). */
  fold(events: readonly { item: number; weight: number }[], now: number): void {
    if (now > this.asOf) {
      const f = Math.pow(2, -(now - this.asOf) / (this.halfLifeDays * DAY_MS));
      for (let i = 0; i < this.counts.length; i++) this.counts[i] *= f;
      this.asOf = now;
    }
    for (const e of events) if (e.item >= 0 && e.item < this.counts.length) this.counts[e.item] += e.weight;
    this.rebuild();
  }

  score(item: number): number {
    return this.counts[item] ?? 0;
  }

  /** Best items overall, best first. */
  top(): Int32Array {
    return this.global;
  }

  /** Best items of one category code, best first (may be empty). */
  topIn(category: number): Int32Array {
    return this.byCategory.get(category) ?? new Int32Array(0);
  }

  private rebuild(): void {
    const perCat = new Map<number, number[]>();
    const all: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      if (this.counts[i] <= 0) continue;
      all.push(i);
      const c = this.catalog.category[i];
      let list = perCat.get(c);
      if (!list) perCat.set(c, (list = []));
      list.push(i);
    }
    const byScore = (a: number, b: number): number => this.counts[b] - this.counts[a] || a - b;
    this.global = Int32Array.from(all.sort(byScore).slice(0, this.listSize));
    this.byCategory = new Map();
    for (const [c, list] of perCat) this.byCategory.set(c, Int32Array.from(list.sort(byScore).slice(0, 50)));
  }
}
