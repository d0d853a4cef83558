import { topK } from "../core/topk.js";
import { markExcluded, scoreRows } from "./common.js";
import { rowScorerKernel, type RowScorerKernel } from "../kernels/row-scorer.js";

/**
 * Serving scorer for the embedding models: scores[i] = u . vectors[i] + bias[i] over all items, into one
 * buffer reused across requests.
 *
 * Backend: a 0.3 KB WebAssembly function using 128-bit SIMD (f64x2), ml/kernels/row-scorer.wat, on Node and in
 * workerd; the JS loop `scoreRows` where the runtime has no wasm SIMD (or when turned off). Why a hand-written
 * kernel instead of a library: none does single-query f32 dot products, and this one measurably wins: 0.26 ms
 * against 0.90 ms (JS, two rows per pass) and 1.26 ms (the original JS loop) per 25,000 x 64 request, CPU p50
 * (`npm run bench:ml-latency -- --kernels`, all three in the same run; docs/benchmarks/ml.md).
 *
 * Same bits as the JS loop, not just the same ranking: the JS loop widens every float to double, keeps four
 * partial sums s0..s3 over f mod 4 and returns float32(((s0 + s1) + s2) + s3 + bias). The kernel keeps the
 * same four sums as two f64x2 lanes pairs (s0,s1) and (s2,s3), widens the vectors exactly
 * (f64x2.promote_low_f32x4; a float32 x float32 product is exact in double, and there is no fused
 * multiply-add in wasm SIMD), and finishes with the same scalar additions and f32.demote_f64 (round to
 * nearest even, as a Float32Array store). test/ml/models/scoring.test.ts compares both backends bit-for-bit
 * (and test/workerd/kernels.test.ts inside workerd).
 *
 * Cost: the wasm backend keeps a copy of the vectors (and bias) in its linear memory, numItems x dim x 4
 * bytes (6.4 MB at 25k x 64). The copy is taken when the scorer is built, so the models build a new scorer
 * after every fit.
 */
export class RowScorer {
  readonly backend: "wasm-simd" | "js";
  private readonly wasm?: WasmKernel;
  private readonly jsOut?: Float32Array;

  constructor(
    private readonly vectors: Float32Array,
    private readonly n: number,
    private readonly d: number,
    private readonly bias?: Float32Array,
  ) {
    if (vectors.length < n * d) throw new Error(`RowScorer: ${vectors.length} floats for ${n} x ${d} vectors`);
    if (bias !== undefined && bias.length < n) throw new Error(`RowScorer: ${bias.length} biases for ${n} rows`);
    this.wasm = wasmEnabled && d > 0 && d % 4 === 0 && n > 0 ? instantiate(vectors, n, d, bias) : undefined;
    this.backend = this.wasm === undefined ? "js" : "wasm-simd";
    if (this.wasm === undefined) this.jsOut = new Float32Array(n);
  }

  /** Scores of all rows for query vector `u` (length d). The array is reused: valid until the next call. */
  score(u: Float32Array): Float32Array {
    const w = this.wasm;
    if (w === undefined) return scoreRows(this.vectors, u, this.n, this.d, this.bias, this.jsOut);
    for (let f = 0; f < this.d; f++) w.u[f] = u[f];
    w.score(0, w.uOff, w.biasOff, w.outOff, this.n, this.d * 4, this.bias === undefined ? 0 : 1);
    return w.out;
  }

  /**
   * The serving answer of every embedding model: exactly `topK(scores, k, exclude)`, computed in the reused
   * buffer with the exclusion marked in place (no per-request numItems-sized allocation).
   */
  topK(u: Float32Array, k: number, exclude?: Int32Array | ReadonlySet<number>): Int32Array {
    const scores = this.score(u);
    markExcluded(scores, exclude);
    return topK(scores, k);
  }
}

interface WasmKernel {
  score: RowScorerKernel["score"];
  u: Float64Array;
  out: Float32Array;
  uOff: number;
  biasOff: number;
  outOff: number;
}

/** Copies the vectors into a fresh instance's memory; undefined when wasm SIMD or the memory is unavailable. */
function instantiate(vectors: Float32Array, n: number, d: number, bias?: Float32Array): WasmKernel | undefined {
  // Layout: vectors (n*d f32) | u (d f64, 16-aligned since d % 4 == 0) | bias (n f32) | out (n f32).
  const uOff = n * d * 4;
  const biasOff = uOff + d * 8;
  const outOff = biasOff + n * 4;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil((outOff + n * 4) / 65536) });
  } catch {
    return undefined; // beyond the 4 GB wasm32 address space (or out of memory): the JS loop still works
  }
  const kernel = rowScorerKernel(memory);
  if (kernel === undefined) return undefined;
  new Float32Array(memory.buffer, 0, n * d).set(vectors.subarray(0, n * d));
  if (bias !== undefined) new Float32Array(memory.buffer, biasOff, n).set(bias.subarray(0, n));
  return {
    score: kernel.score,
    u: new Float64Array(memory.buffer, uOff, d),
    out: new Float32Array(memory.buffer, outOff, n),
    uOff,
    biasOff,
    outOff,
  };
}

let wasmEnabled = true;

/** Turns the wasm backend off (true: back on) for scorers built afterwards: for same-run baselines and tests. */
export function setWasmScoring(enabled: boolean): void {
  wasmEnabled = enabled;
}
