import type { NeighbourLists } from "../../../ml/models/neighbours.js";

/**
 * Co-visitation neighbours for serving: the trained CSR lists (ml/models/covisitation.ts) plus an
 * overlay of pairs seen in events since training, folded in by `refresh()` without retraining.
 * Overlay rows are normalised by their own mass, like the trained rows, and blended with `overlayWeight`.
 */
export class CovisIndex {
  private readonly overlay = new Map<number, Map<number, number>>();
  private readonly overlayMass = new Map<number, number>();

  constructor(
    private readonly base: NeighbourLists,
    private items: number,
    private readonly overlayWeight = 0.5,
  ) {}

  get numItems(): number {
    return this.items;
  }

  /** The catalog grew (items added while serving): their overlay rows, folded from new events, are served too. */
  grow(numItems: number): void {
    this.items = Math.max(this.items, numItems);
  }

  /** Adds pair counts from sequences (oldest first): each item with the next `window` items, both directions. */
  fold(sequences: readonly (readonly number[])[], window = 3): number {
    let pairs = 0;
    for (const seq of sequences) {
      for (let p = 0; p < seq.length; p++) {
        for (let q = p + 1; q <= Math.min(seq.length - 1, p + window); q++) {
          const a = seq[p];
          const b = seq[q];
          if (a === b) continue;
          const w = 1 / (q - p);
          this.add(a, b, w); // forward: what came next predicts best
          this.add(b, a, 0.5 * w);
          pairs++;
        }
      }
    }
    return pairs;
  }

  private add(a: number, b: number, w: number): void {
    let row = this.overlay.get(a);
    if (!row) this.overlay.set(a, (row = new Map()));
    row.set(b, (row.get(b) ?? 0) + w);
    this.overlayMass.set(a, (this.overlayMass.get(a) ?? 0) + w);
  }

  /** Calls `fn(b, w)` for every neighbour of `a` (trained lists cut to `limit`, then the overlay). */
  forEach(a: number, limit: number, fn: (b: number, w: number) => void): void {
    if (a < 0 || a >= this.items) return;
    const { offsets, ids, weights } = this.base;
    if (a + 1 < offsets.length) {
      const end = Math.min(offsets[a + 1], offsets[a] + limit);
      for (let c = offsets[a]; c < end; c++) fn(ids[c], weights[c]);
    }
    const row = this.overlay.get(a);
    if (row) {
      const scale = this.overlayWeight / (this.overlayMass.get(a) ?? 1);
      for (const [b, w] of row) fn(b, scale * w);
    }
  }

  get overlayPairs(): number {
    let n = 0;
    for (const row of this.overlay.values()) n += row.size;
    return n;
  }
}
