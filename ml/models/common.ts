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
  if (typeof n !== "number" || !Number.isFinite(n)) throw new Error(`parameter ${name} must be a number, got ${JSON.stringify(v)}`);
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
 * scores[i] = bias[i] + u . vectors[i] for all rows of a row-major (n x d) matrix. Unrolled by four: the
 * serving path calls this for every request, and it is the cost of embedding models.
 */
export function scoreRows(vectors: Float32Array, u: Float32Array, n: number, d: number, bias?: Float32Array): Float32Array {
  const scores = new Float32Array(n);
  const d4 = d - (d % 4);
  for (let i = 0, base = 0; i < n; i++, base += d) {
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
    scores[i] = s0 + s1 + s2 + s3 + (bias === undefined ? 0 : bias[i]);
  }
  return scores;
}
