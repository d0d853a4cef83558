import { LEAF_CATEGORIES, LEAF_INDEX, type LeafCategory } from "./taxonomy";
import { Prng, scramble32, ZipfSampler } from "./prng";

/** Zipf exponent of popularity within a category (≈1 gives the long tail seen in Amazon data). */
const ITEM_ZIPF = 1.05;
/** Interactions span the 8 years before the end date. */
const DEMO_SPAN_MS = 8 * 365 * 86_400_000;

/** The default end of the demo timeline: the start of the current UTC day (stable within a day). */
export function demoEndOfTime(nowMs: number): number {
  return Math.floor(nowMs / 86_400_000) * 86_400_000;
}

const ASIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * The demo catalog: every item is a pure function of (seed, index), so the catalog is never held as records;
 * only compact per-item arrays (leaf, quality) and per-leaf popularity samplers live in memory (~10 bytes an item,
 * ~16 MB at Electronics scale).
 */
export class DemoCatalog {
  readonly leafOf: Uint8Array;
  readonly quality: Float32Array;
  /** Items of each leaf, most popular first. */
  readonly itemsByLeaf: Int32Array[];
  private readonly leafSamplers: ZipfSampler[];
  private readonly leafCdf: Float64Array;

  /** Interactions fall in [startMs, endMs]; item release dates lie before startMs. */
  readonly timeline: { startMs: number; endMs: number };

  /** `endMs` (default: today 00:00 UTC) bounds every generated date, so nothing is dated in the future. */
  constructor(
    readonly itemCount: number,
    readonly seed: number,
    endMs: number = demoEndOfTime(Date.now()),
  ) {
    if (!Number.isFinite(endMs)) throw new Error("endMs must be a finite timestamp");
    this.timeline = { startMs: endMs - DEMO_SPAN_MS, endMs };
    if (!Number.isInteger(itemCount) || itemCount < 1) throw new Error("items must be a positive integer");
    this.leafOf = new Uint8Array(itemCount);
    this.quality = new Float32Array(itemCount);
    const weights = LEAF_CATEGORIES.map((l) => l.weight);
    const total = weights.reduce((a, b) => a + b, 0);
    this.leafCdf = new Float64Array(weights.length);
    let acc = 0;
    weights.forEach((w, i) => {
      this.leafCdf[i] = acc += w / total;
    });
    const counts = new Int32Array(LEAF_CATEGORIES.length);
    for (let i = 0; i < itemCount; i++) {
      const rng = this.itemRng(i, 0);
      // the first items go one per leaf so even a tiny catalog covers the whole tree
      const leaf = i < LEAF_CATEGORIES.length ? i : this.drawLeaf(rng);
      this.leafOf[i] = leaf;
      this.quality[i] = 1 - 0.6 * rng.next() ** 2;
      counts[leaf]++;
    }
    this.itemsByLeaf = Array.from(counts, (n) => new Int32Array(n));
    const fill = new Int32Array(LEAF_CATEGORIES.length);
    for (let i = 0; i < itemCount; i++) this.itemsByLeaf[this.leafOf[i]][fill[this.leafOf[i]]++] = i;
    this.leafSamplers = this.itemsByLeaf.map((items) => new ZipfSampler(Math.max(1, items.length), ITEM_ZIPF));
  }

  /** Per-item PRNG stream; `purpose` separates independent draws (leaf, text, bought_together). */
  itemRng(i: number, purpose: number): Prng {
    return new Prng(this.seed, 0x17e3, purpose, i);
  }

  /** A leaf drawn by traffic weight. */
  drawLeaf(rng: Prng): number {
    const u = rng.next();
    let k = 0;
    while (k < this.leafCdf.length - 1 && this.leafCdf[k] < u) k++;
    return k;
  }

  /** A popular-biased item of a leaf (Zipf over the leaf's items); -1 if the leaf is empty. */
  drawItem(leaf: number, rng: Prng): number {
    const items = this.itemsByLeaf[leaf];
    if (items.length === 0) return -1;
    return items[this.leafSamplers[leaf].draw(rng)];
  }

  leaf(i: number): LeafCategory {
    return LEAF_CATEGORIES[this.leafOf[i]];
  }

  /** "B0" + 8 base-36 characters from a bijective scramble of the index: unique, realistic-looking ASINs. */
  parentAsin(i: number): string {
    let x = scramble32(i, this.seed * 2654435761) + 0x100000000 * (i % 97);
    let s = "";
    for (let k = 0; k < 8; k++) {
      s = ASIN_ALPHABET[x % 36] + s;
      x = Math.floor(x / 36);
    }
    return `B0${s}`;
  }

  brand(i: number): string {
    const rng = this.itemRng(i, 1);
    return rng.pick(this.leaf(i).brands);
  }

  /**
   * Items bought together with item i: 1-2 popular items from complementary leaves for about a third of the items
   * (null otherwise, as in most real metadata). The interaction generator co-purchases from this same list.
   */
  boughtTogether(i: number): number[] | null {
    const rng = this.itemRng(i, 2);
    if (!rng.chance(0.35)) return null;
    const leaf = this.leaf(i);
    const out: number[] = [];
    const n = rng.int(1, 2);
    for (let k = 0; k < n && leaf.complements.length > 0; k++) {
      const comp = LEAF_INDEX.get(rng.pick(leaf.complements));
      if (comp === undefined) continue;
      const j = this.drawItem(comp, rng);
      if (j >= 0 && j !== i && !out.includes(j)) out.push(j);
    }
    return out.length > 0 ? out : null;
  }
}
