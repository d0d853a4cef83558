/** Values that stress the summation: mixed signs and magnitudes, zeros (-0 products), subnormal floats. */
export function randomFloats(n: number, r: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.03) out[i] = 0;
    else if (u < 0.05) out[i] = -0;
    else if (u < 0.06)
      out[i] = (r() < 0.5 ? -1 : 1) * 1e-40; // subnormal
    else out[i] = (r() * 2 - 1) * 10 ** Math.floor(r() * 8 - 4);
  }
  return out;
}

/** Same float64 bits (+0 and -0 differ, NaN equals NaN). */
export const sameBits = (a: number, b: number): boolean => Object.is(a, b);
