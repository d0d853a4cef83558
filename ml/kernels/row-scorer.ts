/**
 * The row-scorer kernel (row-scorer.wat): out[i] = float32(u · row i + bias[i]) over a float32 matrix in a
 * WebAssembly.Memory, bit-identical to the JS loop `scoreRows` (ml/models/common.ts). Used by RowScorer
 * (ml/models/row-scorer.ts). row-scorer.wat documents the arithmetic and the arguments.
 */
import { kernelModule } from "./load.js";

export interface RowScorerKernel {
  /** rowBytes: 4d, a multiple of 16; u: d float64, 16-aligned; hasBias: 0 or 1. */
  score: (vec: number, u: number, bias: number, out: number, n: number, rowBytes: number, hasBias: number) => void;
}

/** The kernel over `memory`, or undefined where the runtime has no WebAssembly SIMD. */
export function rowScorerKernel(memory: WebAssembly.Memory): RowScorerKernel | undefined {
  const module = kernelModule("row-scorer");
  if (module === undefined) return undefined;
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as RowScorerKernel;
}
