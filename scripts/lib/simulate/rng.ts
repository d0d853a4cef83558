/** Seeded randomness for the benchmarks: reproducible runs, and per-key streams that need no shared state. */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FNV-1a 32-bit hash of a string, mixed with a seed: a stable stream per key (shopper, category, item). */
export function hashSeed(key: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Standard normal draws (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) never happens
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A vector of `dim` standard normal draws scaled to unit length (a direction in taste space). */
export function unitVector(random: () => number, dim: number): Float64Array {
  const v = new Float64Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = gaussian(random);
    n += v[i] * v[i];
  }
  const s = 1 / Math.sqrt(n || 1);
  for (let i = 0; i < dim; i++) v[i] *= s;
  return v;
}
