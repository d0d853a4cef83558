/**
 * Bounded min-heap for top-k selection over (score, slot) pairs in typed arrays: the root is the
 * weakest of the current best k, so a candidate only costs one comparison unless it beats it.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Int32Array(k);
  }

  /** Score a candidate must beat to enter once the heap is full (-Infinity until then). */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0];
  }

  push(score: number, slot: number): void {
    const { scores, slots } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (scores[parent] <= score) break;
        scores[i] = scores[parent];
        slots[i] = slots[parent];
        i = parent;
      }
      scores[i] = score;
      slots[i] = slot;
      return;
    }
    if (score <= scores[0]) return;
    // Replace the root and sift down.
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && scores[r] < scores[l] ? r : l;
      if (scores[c] >= score) break;
      scores[i] = scores[c];
      slots[i] = slots[c];
      i = c;
    }
    scores[i] = score;
    slots[i] = slot;
  }

  /**
   * Empties the heap into out[0..size) as slots, best first (ties in heap order: deterministic, but not
   * by slot as in sorted()). No allocation: IVF ranks its probed lists with this.
   */
  drainSlots(out: Int32Array): number {
    const { scores, slots } = this;
    const count = this.size;
    for (let n = count; n > 0; n--) {
      out[n - 1] = slots[0];
      // Move the last entry to the root and sift it down over the n - 1 left.
      const score = scores[n - 1];
      const slot = slots[n - 1];
      const m = n - 1;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const r = l + 1;
        const c = r < m && scores[r] < scores[l] ? r : l;
        if (scores[c] >= score) break;
        scores[i] = scores[c];
        slots[i] = slots[c];
        i = c;
      }
      scores[i] = score;
      slots[i] = slot;
    }
    this.size = 0;
    return count;
  }

  /** Entries best first. */
  sorted(): { score: number; slot: number }[] {
    const out: { score: number; slot: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ score: this.scores[i], slot: this.slots[i] });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}
