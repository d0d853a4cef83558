/**
 * The vector-scan kernel (scan.wat): dot products of one query against rows of d float32 values in a
 * WebAssembly.Memory, as float64 scores bit-identical to the JS loop `dot` (src/adapters/vector-index/ivf.ts),
 * keeping the rows above a threshold. Used by VectorStorage (vector-storage.ts) for the in-process vector
 * index and the feed's re-rank. scan.wat documents the arithmetic and the memory layout of each call.
 */
import { kernelModule } from "./load.js";

export interface ScanKernel {
  /** Scores rows vec + t·4d for t < n; keeps those with !(s <= thr): out[c] = s, hits[c] = t; returns c. */
  range: (vec: number, q: number, out: number, hits: number, n: number, thr: number) => number;
  /** As range for rows vec + slots[t]·4d (slots: int32). */
  gather: (vec: number, q: number, slots: number, out: number, hits: number, n: number, thr: number) => number;
}

/** The kernel over `memory` for rows of d floats, or undefined where the runtime has no WebAssembly SIMD. */
export function scanKernel(memory: WebAssembly.Memory, d: number): ScanKernel | undefined {
  if (!Number.isSafeInteger(d) || d < 1 || d > 2 ** 28) throw new RangeError(`scan kernel: bad dimension ${d}`);
  const module = kernelModule("scan");
  if (module === undefined) return undefined;
  return new WebAssembly.Instance(module, { env: { memory, d } }).exports as unknown as ScanKernel;
}
