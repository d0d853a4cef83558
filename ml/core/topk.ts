/**
 * Top-K selection over a dense score array with a small binary min-heap: O(n log k), no allocation per item.
 * Ties break towards the lower item index so that results are deterministic; NaN and excluded items never
 * rank.
 *
 * Hot-path notes (25k items, k = 100: 0.12 ms before, see docs/benchmarks/ml.md): once the heap is full, the
 * scan compares each score with the heap's minimum held in a local (a NaN fails `>`, so no separate NaN
 * test), and the exclusion is consulted only for the few items that would enter the heap. Scanning in
 * ascending index order means an item that only ties the minimum never displaces it (the heap member has
 * the lower index), which is why `>` alone gives the lower-index tie-break. The result is read out by
 * popping the heap (ascending (score, -index) order) instead of sorting an index array.
 */
export function topK(scores: Float32Array, k: number, exclude?: Int32Array | ReadonlySet<number>): Int32Array {
  const n = scores.length;
  const size = Math.max(0, Math.min(k, n));
  const heapItems = new Int32Array(size);
  const heapScores = new Float32Array(size);
  const excluded = toExclusion(exclude);
  let count = 0;
  let i = 0;
  // Fill phase: the first `size` rankable items.
  for (; i < n && count < size; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue; // NaN never ranks
    if (excluded?.has(i)) continue;
    heapItems[count] = i;
    heapScores[count] = s;
    siftUp(heapItems, heapScores, count);
    count++;
  }
  if (size > 0 && count === size) {
    let threshold = heapScores[0];
    for (; i < n; i++) {
      const s = scores[i];
      if (!(s > threshold)) continue; // also drops NaN
      if (excluded?.has(i)) continue;
      heapItems[0] = i;
      heapScores[0] = s;
      siftDown(heapItems, heapScores, count);
      threshold = heapScores[0];
    }
  }
  // Pop the minimum repeatedly, filling the output from the back: best first, equal scores by lower index.
  const out = new Int32Array(count);
  for (let m = count; m > 0; m--) {
    out[m - 1] = heapItems[0];
    heapItems[0] = heapItems[m - 1];
    heapScores[0] = heapScores[m - 1];
    siftDown(heapItems, heapScores, m - 1);
  }
  return out;
}

function toExclusion(exclude?: Int32Array | ReadonlySet<number>): ReadonlySet<number> | undefined {
  if (exclude === undefined) return undefined;
  if (exclude instanceof Int32Array) return exclude.length > 0 ? new Set(exclude) : undefined;
  return exclude.size > 0 ? exclude : undefined;
}

// Min-heap ordered by score; among equal scores the higher index is "smaller" so lower indices survive.
function less(items: Int32Array, scores: Float32Array, a: number, b: number): boolean {
  return scores[a] < scores[b] || (scores[a] === scores[b] && items[a] > items[b]);
}

function swap(items: Int32Array, scores: Float32Array, a: number, b: number): void {
  const ti = items[a];
  items[a] = items[b];
  items[b] = ti;
  const ts = scores[a];
  scores[a] = scores[b];
  scores[b] = ts;
}

function siftUp(items: Int32Array, scores: Float32Array, pos: number): void {
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    if (!less(items, scores, pos, parent)) break;
    swap(items, scores, pos, parent);
    pos = parent;
  }
}

function siftDown(items: Int32Array, scores: Float32Array, count: number): void {
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    const r = l + 1;
    let m = pos;
    if (l < count && less(items, scores, l, m)) m = l;
    if (r < count && less(items, scores, r, m)) m = r;
    if (m === pos) break;
    swap(items, scores, pos, m);
    pos = m;
  }
}
