import type { ItemCatalog } from "../catalog";
import type { ItemVectors } from "../models/serving-models";
import type { ListingSummary } from "../ports";
import type { Candidate } from "./candidates";
import { CHUNK, VectorStorage } from "../../../ml/kernels/vector-storage.js";

const DAY_MS = 86_400_000;

export interface RerankOptions {
  /** MMR trade-off: 1 = relevance only, 0 = diversity only. */
  lambda: number;
  /** How many top positions MMR fills; the rest follow in rank order. */
  depth: number;
  /** Candidates MMR chooses from: the top `depth × poolFactor` of the ranked list. */
  poolFactor: number;
  /** At most this many items of one category in any `window` consecutive positions. */
  categoryCap: number;
  window: number;
  /** Added to the normalised relevance of an item listed within days (decays with a 3-day scale). */
  freshBoost: number;
  now: number;
  /** "js" forces the plain loop (tests compare both backends); default: the wasm-SIMD kernel where available. */
  backend?: "wasm-simd" | "js";
}

/**
 * poolFactor 2 (120 candidates for 60 places) is kept: on 200 real candidate lists of the 30k bench, a
 * pool of 1.5x depth changed the first page (top 20) of 192 of them (mean overlap 0.73) and 1x of all 200
 * (0.43), partly because relevance is normalised over the pool. That is a product change, not a free
 * saving, so the per-pick cost was cut instead (2x less CPU, same order; test/recsys/rerank.test.ts).
 */
export const DEFAULT_RERANK: Omit<RerankOptions, "now"> = {
  lambda: 0.75,
  depth: 60,
  poolFactor: 2,
  categoryCap: 4,
  window: 10,
  freshBoost: 0.1,
};

/**
 * 1/|v| per item (0 for unknown or zero rows), once per ItemVectors, i.e. once per model version: a
 * request then normalises only its pool (pool x dim multiplies) instead of taking a norm per candidate.
 * Kept as a side table rather than a second, normalised copy of the vectors: at 1M x 32 that copy would
 * be 128 MB, the norms are 4 MB.
 */
const inverseNormCache = new WeakMap<ItemVectors, Float32Array>();

export function inverseNorms(v: ItemVectors): Float32Array {
  let inv = inverseNormCache.get(v);
  if (inv) return inv;
  const n = v.known.length;
  inv = new Float32Array(n);
  for (let i = 0, base = 0; i < n; i++, base += v.dim) {
    if (!v.known[i]) continue;
    let sq = 0;
    for (let f = 0; f < v.dim; f++) sq += v.items[base + f] * v.items[base + f];
    inv[i] = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  }
  inverseNormCache.set(v, inv);
  return inv;
}

/**
 * Scratch buffers reused by every call: rerank is synchronous, so two calls never interleave (on Node or
 * in a Worker isolate), and allocating ~20 KB of typed arrays per feed request was measurable GC work.
 */
const scratch = {
  unit: new Float32Array(0),
  rel: new Float64Array(0),
  maxSim: new Float64Array(0),
  cat: new Int32Array(0),
  state: new Uint8Array(0),
  inWindow: new Int32Array(0),
};

/**
 * The pool's unit vectors in WebAssembly memory, so a pick scores the whole pool in one SIMD call
 * (ml/kernels/scan.wat: the vector index's kernel, bit-identical to the JS loop below, which stays as the
 * fallback where the runtime has no wasm SIMD). One per dimension, reused by every call.
 */
const simdPools = new Map<number, VectorStorage>();

function simdPool(pool: number, dim: number): VectorStorage | null {
  if (pool > CHUNK || dim === 0) return null;
  let s = simdPools.get(dim);
  if (!s) simdPools.set(dim, (s = new VectorStorage(dim, CHUNK, "wasm-simd")));
  return s.backend === "wasm-simd" ? s : null;
}

function ensureScratch(pool: number, dim: number, categories: number): void {
  if (scratch.unit.length < pool * dim) scratch.unit = new Float32Array(pool * dim * 2);
  if (scratch.rel.length < pool) {
    scratch.rel = new Float64Array(pool * 2);
    scratch.maxSim = new Float64Array(pool * 2);
    scratch.cat = new Int32Array(pool * 2);
    scratch.state = new Uint8Array(pool * 2);
  }
  if (scratch.inWindow.length < categories) scratch.inWindow = new Int32Array(categories * 2);
}

/* state bits per pool slot */
const HAS_VEC = 1;
const TAKEN = 2;

/**
 * Diversity and freshness: greedy MMR over item vectors (cosine), with a hard per-category cap in a
 * sliding window so one category cannot fill a screen, and a small boost for fresh listings.
 * The running max-similarity per candidate is updated once per pick: O(depth x pool x dim), over the
 * pool's unit vectors gathered contiguously (Float32, normalised with the per-version inverse norms).
 */
export function rerank(
  ranked: readonly Candidate[],
  catalog: ItemCatalog,
  vectors: ItemVectors | null,
  listings: ReadonlyMap<number, ListingSummary>,
  o: RerankOptions,
): Candidate[] {
  const P = Math.min(ranked.length, Math.round(o.depth * (o.poolFactor ?? 2)));
  if (P === 0) return [];
  const dim = vectors?.dim ?? 0;
  ensureScratch(P, dim, catalog.categoryNames.length + 1);
  const simd = o.backend === "js" ? null : simdPool(P, dim);
  const { rel, maxSim, cat, state, inWindow } = scratch;
  const unit = simd ? simd.vectors : scratch.unit;
  let max = -Infinity;
  let min = Infinity;
  for (let j = 0; j < P; j++) {
    const s = ranked[j].score;
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const span = max - min || 1;
  const inv = vectors ? inverseNorms(vectors) : null;
  for (let j = 0; j < P; j++) {
    const c = ranked[j];
    const item = c.item;
    const l = listings.size > 0 ? listings.get(item) : undefined;
    const fresh = l ? o.freshBoost * Math.exp(-Math.max(0, o.now - l.listedAt) / (3 * DAY_MS)) : 0;
    rel[j] = (c.score - min) / span + fresh;
    maxSim[j] = 0;
    cat[j] = catalog.category[item];
    state[j] = 0;
    if (vectors && inv && inv[item] > 0) {
      state[j] = HAS_VEC;
      const n = inv[item];
      for (let f = 0, src = item * dim, dst = j * dim; f < dim; f++) unit[dst + f] = vectors.items[src + f] * n;
    }
  }
  const out: Candidate[] = [];
  const depth = Math.min(o.depth, P);
  const lambda = o.lambda;
  const cap = o.categoryCap;
  // The next pick: the best MMR value among rows neither taken nor over their category's cap. Each pick's
  // similarity update below also finds the following pick in the same pass over the pool.
  const next = (): number => {
    let best = -1;
    let bestValue = -Infinity;
    for (let j = 0; j < P; j++) {
      if ((state[j] & TAKEN) !== 0 || inWindow[cat[j]] >= cap) continue;
      const v = lambda * rel[j] - (1 - lambda) * maxSim[j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    return best;
  };
  // Category counts over the last window-1 picks, slid once per pick; reset below for the next call.
  let best = next();
  while (out.length < depth && best >= 0) {
    state[best] |= TAKEN;
    out.push(ranked[best]);
    inWindow[cat[best]]++;
    if (out.length >= o.window) inWindow[catalog.category[out[out.length - o.window].item]]--;
    if ((state[best] & HAS_VEC) === 0) {
      best = next();
      continue;
    }
    let scores: Float64Array | null = null;
    if (simd) {
      // Every pool row against the pick in one call; taken rows and rows without a vector are skipped below.
      simd.setQuery(unit.subarray(best * dim, best * dim + dim));
      simd.scoreRange(0, P, -Infinity);
      scores = simd.scores;
    }
    const bb = best * dim;
    const d4 = dim - (dim % 4);
    best = -1;
    let bestValue = -Infinity;
    for (let j = 0, bj = 0; j < P; j++, bj += dim) {
      const st = state[j];
      if ((st & TAKEN) !== 0) continue;
      if (st === HAS_VEC) {
        let s: number;
        if (scores !== null) s = scores[j];
        else {
          // The dot products are the whole cost of a pick (pool x dim multiply-adds): four accumulators and
          // running offsets, as in the vector index's scan (V8 runs this form about twice as fast).
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let p = bj;
          let q = bb;
          let f = 0;
          for (; f < d4; f += 4, p += 4, q += 4) {
            s0 += unit[q] * unit[p];
            s1 += unit[q + 1] * unit[p + 1];
            s2 += unit[q + 2] * unit[p + 2];
            s3 += unit[q + 3] * unit[p + 3];
          }
          for (; f < dim; f++, p++, q++) s0 += unit[q] * unit[p];
          s = s0 + s1 + s2 + s3;
        }
        if (s > maxSim[j]) maxSim[j] = s;
      }
      if (inWindow[cat[j]] >= cap) continue;
      const v = lambda * rel[j] - (1 - lambda) * maxSim[j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
  }
  // Reset the window counts touched by this call (cheaper than clearing one slot per category).
  for (let k = Math.max(0, out.length - o.window + 1); k < out.length; k++) inWindow[catalog.category[out[k].item]] = 0;
  for (let j = 0; j < P; j++) if ((state[j] & TAKEN) === 0) out.push(ranked[j]);
  for (let j = P; j < ranked.length; j++) out.push(ranked[j]);
  return out;
}
