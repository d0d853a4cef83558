/**
 * Cold-item routing for a blend: items with no training interactions get no signal from the collaborative
 * components (their scores are ties at the floor), so their place in the ranking is arbitrary. Routing lets a
 * component that can score them (content) carry them: each cold item is put where that component puts it
 * among the warm items, mapped onto the blend's scale by quantile (a cold item that content ranks above 97%
 * of the warm items is placed above 97% of the warm items in the blend's order). Warm items keep their blend
 * scores and order, so a warm target only moves down by the cold items content ranks above it.
 */

/** Cold mask of a catalogue: 1 for items with no interactions in the training sequences. */
export function coldMask(numItems: number, sequences: readonly { items: Int32Array }[]): Uint8Array {
  const mask = new Uint8Array(numItems).fill(1);
  for (const s of sequences) for (const i of s.items) if (i >= 0 && i < numItems) mask[i] = 0;
  return mask;
}

/**
 * Replaces the blend score of every cold entry (isCold(j)) by the blend value at the quantile its router score
 * has among the warm entries' router scores, interpolated between neighbours so the router's order among cold
 * items is kept. Non-finite entries are left alone. In place; returns `blend`.
 */
export function routeCold(blend: Float32Array, router: Float32Array, isCold: (j: number) => boolean): Float32Array {
  const warmBlend: number[] = [];
  const warmRouter: number[] = [];
  let cold = 0;
  for (let j = 0; j < blend.length; j++) {
    if (!Number.isFinite(blend[j]) || !Number.isFinite(router[j])) continue;
    if (isCold(j)) cold++;
    else {
      warmBlend.push(blend[j]);
      warmRouter.push(router[j]);
    }
  }
  if (cold === 0) return blend;
  const n = warmBlend.length;
  if (n === 0) {
    // nothing warm to place them against: the router's order is the only order there is
    for (let j = 0; j < blend.length; j++) if (isCold(j) && Number.isFinite(router[j])) blend[j] = router[j];
    return blend;
  }
  const wb = Float64Array.from(warmBlend).sort();
  const wr = Float64Array.from(warmRouter).sort();
  const span = wb[n - 1] - wb[0] || 1;
  for (let j = 0; j < blend.length; j++) {
    if (!isCold(j) || !Number.isFinite(blend[j]) || !Number.isFinite(router[j])) continue;
    const c = router[j];
    // r = warm entries whose router score is below c (binary search)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (wr[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    const r = lo;
    // outside the warm range: just beyond the end, still ordered by the router score (squashed distance)
    const eps = span * 1e-3;
    if (r === 0) {
      const d = wr[0] - c;
      blend[j] = wb[0] - eps * (1 + d / (1 + d));
    } else if (r === n) {
      const d = c - wr[n - 1];
      blend[j] = wb[n - 1] + eps * (1 + d / (1 + d));
    } else {
      // between the warm quantiles r-1 and r, at the router score's relative position
      const gap = wr[r] - wr[r - 1];
      const g = gap > 0 ? Math.min(0.99, Math.max(0.01, (c - wr[r - 1]) / gap)) : 0.5;
      blend[j] = wb[r - 1] + (wb[r] - wb[r - 1]) * g;
    }
  }
  return blend;
}
