import type { ModelArtifact, Query } from "../core/recommender.js";

/** Default scoreCandidates: score everything, then pick the candidates (cheap enough at 25k items). */
export function gather(all: Float32Array, candidates: Int32Array): Float32Array {
  const out = new Float32Array(candidates.length);
  for (let j = 0; j < candidates.length; j++) out[j] = all[candidates[j]];
  return out;
}

/** The last `max` history items, most recent last. */
export function recentHistory(query: Query, max: number): Int32Array {
  const h = query.history;
  return h.length <= max ? h : h.subarray(h.length - max);
}

/** Reads a typed numeric param with a default, rejecting wrong types loudly. */
export function numberParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  if (v === undefined) return fallback;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n))
    throw new Error(`parameter ${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

export function blob<T extends Float32Array | Int32Array | Float64Array | Uint32Array>(
  artifact: ModelArtifact,
  name: string,
  type: new (...args: never[]) => T,
): T {
  const b = artifact.blobs[name];
  if (!(b instanceof type)) throw new Error(`artifact ${artifact.model}: blob "${name}" missing or not a ${type.name}`);
  return b;
}

export function assertFitted(fitted: boolean, name: string): void {
  if (!fitted) throw new Error(`${name}: fit() or load() must be called before scoring`);
}

/** Latest timestamp in the data (0 when there are none). */
export function latestTimestamp(sequences: { timestamps: Float64Array }[]): number {
  let t = 0;
  for (const s of sequences) for (const x of s.timestamps) if (x > t) t = x;
  return t;
}

/**
 * scores[i] = bias[i] + u . vectors[i] for all rows of a row-major (n x d) matrix, written into `out` when
 * given (serving reuses one buffer per model: a fresh 100 KB array per request is what made p99 spiky),
 * else into a new array. This is the whole cost of the embedding models (25k x 64 = 1.6M multiply-adds).
 *
 * Two rows per pass, four accumulators per row: each u[f] is loaded once for both rows, which measured
 * 0.90 ms against 1.26 ms per 25k x 64 request for one row at a time (`npm run bench:ml-latency --
 * --kernels`; 3 and 4 rows per pass measured 1.1-1.3 ms, register spills). Serving uses the wasm
 * RowScorer (row-scorer.ts) where it can; this loop is its fallback and the scoreAll path's reference. Every row is still summed exactly as the one-row loop does (s0..s3 over f mod 4, then
 * s0 + s1 + s2 + s3 + bias, in double precision), so the scores are bit-for-bit the same
 * (test/ml/models/scoring.test.ts checks it against a plain reference).
 */
export function scoreRows(
  vectors: Float32Array,
  u: Float32Array,
  n: number,
  d: number,
  bias?: Float32Array,
  out?: Float32Array,
): Float32Array {
  const scores = out ?? new Float32Array(n);
  if (scores.length < n) throw new Error(`scoreRows: output buffer holds ${scores.length} scores, need ${n}`);
  const d4 = d - (d % 4);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const a = i * d;
    const b = a + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    let f = 0;
    for (; f < d4; f += 4) {
      const u0 = u[f];
      const u1 = u[f + 1];
      const u2 = u[f + 2];
      const u3 = u[f + 3];
      s0 += u0 * vectors[a + f];
      s1 += u1 * vectors[a + f + 1];
      s2 += u2 * vectors[a + f + 2];
      s3 += u3 * vectors[a + f + 3];
      t0 += u0 * vectors[b + f];
      t1 += u1 * vectors[b + f + 1];
      t2 += u2 * vectors[b + f + 2];
      t3 += u3 * vectors[b + f + 3];
    }
    for (; f < d; f++) {
      s0 += u[f] * vectors[a + f];
      t0 += u[f] * vectors[b + f];
    }
    scores[i] = s0 + s1 + s2 + s3 + (bias === undefined ? 0 : bias[i]);
    scores[i + 1] = t0 + t1 + t2 + t3 + (bias === undefined ? 0 : bias[i + 1]);
  }
  for (; i < n; i++) scores[i] = dotRow(u, vectors, i * d, d) + (bias === undefined ? 0 : bias[i]);
  return scores;
}

/**
 * u . vectors[base .. base + d), in double precision with four partial sums over f mod 4 added as
 * ((s0 + s1) + s2) + s3: the one-row order every scorer here keeps (scoreRows' pairs, the wasm kernel and
 * SASRec's scorer), so their scores agree bit for bit.
 */
export function dotRow(u: Float32Array, vectors: Float32Array, base: number, d: number): number {
  const d4 = d - (d % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let f = 0;
  for (; f < d4; f += 4) {
    s0 += u[f] * vectors[base + f];
    s1 += u[f + 1] * vectors[base + f + 1];
    s2 += u[f + 2] * vectors[base + f + 2];
    s3 += u[f + 3] * vectors[base + f + 3];
  }
  for (; f < d; f++) s0 += u[f] * vectors[base + f];
  return s0 + s1 + s2 + s3;
}

/**
 * Marks excluded items NaN in a score buffer the caller owns. topK never ranks NaN and skips excluded items,
 * so topK(marked, k) === topK(scores, k, exclude) exactly, without building a Set per request.
 */
export function markExcluded(scores: Float32Array, exclude: Int32Array | ReadonlySet<number> | undefined): void {
  if (exclude === undefined) return;
  const n = scores.length;
  for (const i of exclude) if (i >= 0 && i < n) scores[i] = Number.NaN;
}
