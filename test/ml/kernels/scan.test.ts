import { describe, expect, it } from "vitest";
import { kernelModule } from "../../../ml/kernels/load.js";
import { scanKernel } from "../../../ml/kernels/scan.js";
import { dot, rng } from "../../../src/adapters/vector-index/ivf.js";
import { randomFloats, sameBits } from "./floats.js";

describe("wasm SIMD scan kernel", () => {
  it("is available in Node", () => {
    expect(kernelModule("scan")).toBeInstanceOf(WebAssembly.Module);
  });

  it("scores bit-for-bit like the JS four-sum dot product, for any dimension, contiguous and gathered", () => {
    const r = rng(7);
    for (const d of [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 31, 32, 33, 63, 64, 65, 100, 127, 128, 257]) {
      const n = 301; // odd
      const qOff = 0;
      const outOff = 8 * 1024 * 16;
      const slotsOff = outOff + n * 8;
      const vecOff = slotsOff + n * 4 + 4; // deliberately not 16-aligned
      const hitsOff = vecOff + n * d * 4 + 4;
      const memory = new WebAssembly.Memory({ initial: Math.ceil((hitsOff + n * 4) / 65536) + 1 });
      const k = scanKernel(memory, d);
      if (k === undefined) expect.fail(`no kernel for d=${d}`);
      const rows = randomFloats(n * d, r);
      // A zero row against any query (all products ±0) and a duplicate: -0 sums and ties.
      rows.fill(-0, 0, d);
      rows.copyWithin(d * 2, d, d * 2);
      new Float32Array(memory.buffer, vecOff, n * d).set(rows);
      const q = randomFloats(d, r);
      new Float64Array(memory.buffer, qOff, d).set(q);
      const slots = new Int32Array(memory.buffer, slotsOff, n);
      for (let t = 0; t < n; t++) slots[t] = (t * 7 + 3) % n;
      const out = new Float64Array(memory.buffer, outOff, n);
      const hits = new Int32Array(memory.buffer, hitsOff, n);
      const want = Array.from({ length: n }, (_, t) => dot(rows, t * d, q, 0, d));
      // thr = -Infinity keeps every row, in order.
      expect(k.range(vecOff, qOff, outOff, hitsOff, n, -Infinity)).toBe(n);
      for (let t = 0; t < n; t++)
        if (!sameBits(out[t], want[t]) || hits[t] !== t) expect.fail(`range d=${d} row ${t}: ${out[t]} vs ${want[t]}`);
      expect(Object.is(out[0], 0)).toBe(true); // +0, as JS's 0 + -0
      expect(k.gather(vecOff, qOff, slotsOff, outOff, hitsOff, n, -Infinity)).toBe(n);
      for (let t = 0; t < n; t++)
        if (!sameBits(out[t], want[slots[t]]) || hits[t] !== t) expect.fail(`gather d=${d} slot ${slots[t]}`);
      // A threshold keeps exactly the rows JS would not skip (!(score <= thr)), in order; a tie with thr is dropped.
      const thr = [...want].sort((a, b) => a - b)[Math.floor(n * 0.8)];
      const keptRows = want.flatMap((s, t) => (s <= thr ? [] : [t]));
      expect(k.range(vecOff, qOff, outOff, hitsOff, n, thr)).toBe(keptRows.length);
      keptRows.forEach((t, c) => {
        if (hits[c] !== t || !sameBits(out[c], want[t])) expect.fail(`range thr d=${d}: kept ${c}`);
      });
      const keptSlots = Array.from(slots).flatMap((slot, t) => (want[slot] <= thr ? [] : [t]));
      expect(k.gather(vecOff, qOff, slotsOff, outOff, hitsOff, n, thr)).toBe(keptSlots.length);
      keptSlots.forEach((t, c) => {
        if (hits[c] !== t || !sameBits(out[c], want[slots[t]])) expect.fail(`gather thr d=${d}: kept ${c}`);
      });
      expect(k.range(vecOff, qOff, outOff, hitsOff, n, Infinity)).toBe(0);
      expect(k.range(vecOff, qOff, outOff, hitsOff, n, Number.NaN)).toBe(n); // as JS: score <= NaN is false, nothing skipped
      expect(k.range(vecOff, qOff, outOff, hitsOff, 0, -Infinity)).toBe(0); // n = 0 writes nothing and does not trap
    }
  });

  it("rejects a bad dimension", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    for (const d of [0, -1, 1.5, Number.NaN, 2 ** 29])
      expect(() => scanKernel(memory, d), `d=${d}`).toThrow(RangeError);
  });
});
