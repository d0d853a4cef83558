/**
 * Top-K neighbour lists for every item in CSR form: item i's neighbours are
 * `ids[offsets[i] .. offsets[i+1])` with `weights` alongside, strongest first. This is the artifact that
 * serving reads (Int32 / Float32 binaries), shared by co-visitation and any other item-to-item model.
 */
export interface NeighbourLists {
  offsets: Int32Array;
  ids: Int32Array;
  weights: Float32Array;
}

/** Builds the lists one source item at a time from a callback that fills a dense accumulator. */
export function buildNeighbourLists(
  numItems: number,
  k: number,
  fill: (source: number, acc: Float64Array, touched: number[]) => void,
  score: (source: number, target: number, raw: number) => number,
): NeighbourLists {
  const acc = new Float64Array(numItems);
  const offsets = new Int32Array(numItems + 1);
  const ids: number[] = [];
  const weights: number[] = [];
  const touched: number[] = [];
  for (let a = 0; a < numItems; a++) {
    touched.length = 0;
    fill(a, acc, touched);
    const scored: { b: number; w: number }[] = [];
    for (const b of touched) {
      if (acc[b] !== 0) {
        const w = score(a, b, acc[b]);
        if (w > 0) scored.push({ b, w });
      }
      acc[b] = 0;
    }
    scored.sort((x, y) => y.w - x.w || x.b - y.b);
    const lim = Math.min(k, scored.length);
    for (let j = 0; j < lim; j++) {
      ids.push(scored[j].b);
      weights.push(scored[j].w);
    }
    offsets[a + 1] = ids.length;
  }
  return { offsets, ids: Int32Array.from(ids), weights: Float32Array.from(weights) };
}
