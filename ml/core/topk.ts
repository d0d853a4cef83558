/**
 * Top-K selection over a dense score array with a small binary min-heap: O(n log k), no allocation per item.
 * Ties break towards the lower item index so that results are deterministic.
 */
export function topK(scores: Float32Array, k: number, exclude?: Int32Array | Set<number>): Int32Array {
  const n = scores.length;
  const size = Math.min(k, n);
  const heapItems = new Int32Array(size);
  const heapScores = new Float32Array(size);
  let count = 0;
  const excluded = toExclusion(exclude);
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (s !== s) continue; // NaN never ranks
    // Check exclusion only for items that would enter the heap: most items fail the score test first.
    if (count < size) {
      if (excluded !== undefined && excluded.has(i)) continue;
      heapItems[count] = i;
      heapScores[count] = s;
      siftUp(heapItems, heapScores, count);
      count++;
    } else if (size > 0 && s > heapScores[0]) {
      if (excluded !== undefined && excluded.has(i)) continue;
      heapItems[0] = i;
      heapScores[0] = s;
      siftDown(heapItems, heapScores, count);
    }
  }
  const order = Array.from({ length: count }, (_, j) => j);
  order.sort((a, b) => heapScores[b] - heapScores[a] || heapItems[a] - heapItems[b]);
  const out = new Int32Array(count);
  for (let j = 0; j < count; j++) out[j] = heapItems[order[j]];
  return out;
}

function toExclusion(exclude?: Int32Array | Set<number>): Set<number> | undefined {
  if (exclude === undefined) return undefined;
  if (exclude instanceof Set) return exclude.size > 0 ? exclude : undefined;
  return exclude.length > 0 ? new Set(exclude) : undefined;
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
