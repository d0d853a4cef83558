/**
 * Ranker features logged with each impression, compactly: one signed byte per feature (value in [-1, 1]
 * scaled by 127, clipped), base64. Every feature is scaled to about [0, 1] (cosines to [-1, 1]), so a step of
 * 1/127 is below anything a linear ranker can use, and a 40-feature item costs 56 characters instead of
 * ~300 as JSON numbers. Web APIs only (btoa/atob): the feed logs it on Node and in workerd alike.
 *
 * Why log and not recompute: what serving saw at impression time (live session, listings, models, the clock)
 * cannot be rebuilt later; the ranker must learn from the features it actually scored.
 */
export function encodeFeatures(x: ArrayLike<number>): string {
  let s = "";
  for (let f = 0; f < x.length; f++) {
    const v = Math.round(Math.max(-1, Math.min(1, x[f])) * 127);
    s += String.fromCharCode(v < 0 ? v + 256 : v);
  }
  return btoa(s);
}

/** Inverse of encodeFeatures; null when the string is not `dim` encoded features. */
export function decodeFeatures(encoded: string, dim: number): Float32Array | null {
  let s: string;
  try {
    s = atob(encoded);
  } catch {
    return null;
  }
  if (s.length !== dim) return null;
  const out = new Float32Array(dim);
  for (let f = 0; f < dim; f++) {
    const b = s.charCodeAt(f);
    out[f] = (b > 127 ? b - 256 : b) / 127;
  }
  return out;
}
