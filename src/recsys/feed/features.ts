import type { ItemCatalog } from "../catalog";
import type { CovisIndex } from "../models/covis-index";
import type { ItemVectors } from "../models/serving-models";
import type { ListingCondition, ListingSummary } from "../../ports/marketplace";
import { SOURCES, type Candidate } from "./candidates";

const DAY_MS = 86_400_000;

/**
 * Features that exist for every candidate, whichever source recalled it. The per-source features are 0
 * when a source did not recall the candidate, so a linear model cannot tell "session kNN would score it
 * low" from "session kNN ranked it 101st"; these re-score every candidate against the same request state.
 */
export const DENSE_FEATURES = [
  "dense.vector_cos",
  "dense.vector_known",
  "dense.last_cos",
  "dense.covis",
  "dense.covis_rel",
  "dense.covis_last",
  "agree.knn_covis",
  "agree.knn_vector",
  "agree.covis_vector",
] as const;

/**
 * The ranker's feature vector, shared by serving (src/recsys/feed/rank.ts) and the trainer
 * (ml/ranker/). Every value is scaled to roughly [0, 1] so one learning rate fits all.
 */
export const FEATURES: readonly string[] = [
  ...SOURCES.flatMap((s) => [`${s}.present`, `${s}.score`, `${s}.rrank`, `${s}.lscore`, `${s}.lrank`]),
  // Dense signals: defined for every candidate, recalled by a source or not (see DenseSignals).
  ...DENSE_FEATURES,
  "popularity",
  "rating",
  "rating_count",
  "has_price",
  "log_price",
  "has_listing",
  "condition",
  "recency",
  "category_affinity",
  "source_count",
];
export const NUM_FEATURES = FEATURES.length;
const SKNN_LSCORE = FEATURES.indexOf("session_knn.lscore");

export const CONDITION_SCORE: Record<ListingCondition, number> = {
  new_open_box: 1,
  like_new: 0.85,
  good: 0.65,
  fair: 0.4,
  for_parts: 0.1,
};

export interface FeatureContext {
  catalog: ItemCatalog;
  /** Popularity per item, already scaled to [0, 1]. */
  popularity: Float32Array;
  listings: ReadonlyMap<number, ListingSummary>;
  /** Share of the user's history in each category code. */
  categoryAffinity: ReadonlyMap<number, number>;
  now: number;
  /** Per-request signals for the dense features (absent: those features are 0). */
  dense?: DenseSignals;
}

/**
 * Request state the dense features score candidates against, computed once per request from the history
 * (newest first): O(history x neighbours) map updates plus two small vectors, not per candidate.
 */
export interface DenseSignals {
  vectors: ItemVectors | null;
  /** Unit-length interest vector (the vector source's query), null when no history item has a vector. */
  interest: Float32Array | null;
  /** Unit-length item vector of the newest history item that has one. */
  last: Float32Array | null;
  /** Co-visitation score of every item reachable from the recent history (the covis source's sum, uncut). */
  covis: Map<number, number>;
  covisMax: number;
  /** Co-visitation weight from the newest history item alone: next-item evidence. */
  covisLast: Map<number, number>;
}

/** Covis neighbours read per history item: all a trained row holds (SERVING_MODELS covisitation.neighbours). */
const COVIS_ROW = 100;
/** History items the covis and vector signals look at, as the covis and vector sources do. */
const DENSE_HISTORY = 10;

function unit(v: Float32Array): Float32Array | null {
  let n = 0;
  for (let f = 0; f < v.length; f++) n += v[f] * v[f];
  if (n === 0) return null;
  const inv = 1 / Math.sqrt(n);
  const out = new Float32Array(v.length);
  for (let f = 0; f < v.length; f++) out[f] = v[f] * inv;
  return out;
}

/**
 * Dense signals for one request. `history` is newest first; `weights` are the per-position weights the
 * recall sources were given (default: covis's own 0.7x decay), so "covis score" means the same thing here
 * as in the covisitation source, only not cut to its top 100.
 */
export function denseSignals(
  models: { vectors: ItemVectors | null; covis: CovisIndex },
  history: readonly number[],
  weights?: readonly number[],
): DenseSignals {
  const v = models.vectors;
  let interest: Float32Array | null = null;
  let last: Float32Array | null = null;
  if (v) {
    // The vector source's interest vector: 0.8x-decayed mean of the context vectors of the last 10 items.
    const q = new Float32Array(v.dim);
    let total = 0;
    let decay = 1;
    const n = Math.min(DENSE_HISTORY, history.length);
    for (let r = 0; r < n; r++) {
      const item = history[r];
      const w = weights?.[r] ?? decay;
      decay *= 0.8;
      if (!v.known[item]) continue;
      const base = item * v.dim;
      for (let f = 0; f < v.dim; f++) q[f] += w * v.context[base + f];
      total += w;
      if (last === null) last = unit(v.items.subarray(base, base + v.dim));
    }
    if (total > 0) interest = unit(q);
  }
  const covis = new Map<number, number>();
  const covisLast = new Map<number, number>();
  let covisMax = 0;
  const n = Math.min(DENSE_HISTORY, history.length);
  for (let r = 0; r < n; r++) {
    const wq = weights?.[r] ?? 0.7 ** r;
    models.covis.forEach(history[r], COVIS_ROW, (b, w) => {
      const s = (covis.get(b) ?? 0) + wq * w;
      covis.set(b, s);
      if (s > covisMax) covisMax = s;
      if (r === 0) covisLast.set(b, (covisLast.get(b) ?? 0) + w);
    });
  }
  return { vectors: v, interest, last, covis, covisMax, covisLast };
}

/** Scratch for `cosines`: [cosine with the interest vector, cosine with the newest item]. */
const cosOut = new Float64Array(2);

/**
 * Cosines of item row `i` with the interest vector and with the newest history item, in one pass over the
 * row (its norm is shared): 0 where a side has no vector.
 */
function cosines(d: DenseSignals, i: number): void {
  cosOut[0] = 0;
  cosOut[1] = 0;
  const v = d.vectors;
  if (!v?.known[i]) return;
  const q = d.interest;
  const l = d.last;
  const base = i * v.dim;
  let dq = 0;
  let dl = 0;
  let n = 0;
  for (let f = 0; f < v.dim; f++) {
    const x = v.items[base + f];
    n += x * x;
    if (q) dq += q[f] * x;
    if (l) dl += l[f] * x;
  }
  if (n === 0) return;
  const inv = 1 / Math.sqrt(n);
  cosOut[0] = dq * inv;
  cosOut[1] = dl * inv;
}

/** log1p on a fixed absolute scale: covis weights are row-normalised, so 0.01 is already strong evidence. */
const INV_LOG_1001 = 1 / Math.log(1001);
const INV_LOG_101 = 1 / Math.log(101);
// Hoisted out of featurize's per-source loop (V8 does not fold Math.log of a constant); divided by, as
// before, so features stay bit-identical to what the committed weights were trained on.
const LOG_101 = Math.log(101);
const LOG_201 = Math.log(201);
const logScale = (s: number): number => (s > 0 ? Math.min(1, Math.log1p(1000 * s) * INV_LOG_1001) : 0);

/** Max score per source over the candidates, to scale source scores to [0, 1]. */
export function sourceMaxima(cands: readonly Candidate[]): Float32Array {
  const max = new Float32Array(SOURCES.length);
  for (const c of cands)
    for (let s = 0; s < SOURCES.length; s++) if (c.ranks[s] >= 0 && c.scores[s] > max[s]) max[s] = c.scores[s];
  return max;
}

/** Writes the features of `c` into `out` (length NUM_FEATURES). */
export function featurize(c: Candidate, ctx: FeatureContext, maxima: Float32Array, out: Float32Array): void {
  let f = 0;
  let count = 0;
  for (let s = 0; s < SOURCES.length; s++) {
    const present = c.ranks[s] >= 0;
    if (present) count++;
    out[f++] = present ? 1 : 0;
    out[f++] = present && maxima[s] > 0 ? Math.max(0, c.scores[s]) / maxima[s] : 0;
    out[f++] = present ? 1 / (1 + c.ranks[s]) : 0;
    // Log scales: source scores are heavy-tailed and rank matters far down the list; a linear model
    // needs these to reproduce a single source's own order.
    out[f++] = present && maxima[s] > 0 ? Math.log1p((100 * Math.max(0, c.scores[s])) / maxima[s]) / LOG_101 : 0;
    out[f++] = present ? 1 - Math.log1p(c.ranks[s]) / LOG_201 : 0;
  }
  const i = c.item;
  const d = ctx.dense;
  if (d) {
    cosines(d, i);
    const cos = cosOut[0];
    const covis = d.covis.get(i);
    // covisLast's items are a subset of covis's: skip the second lookup for items covis never reached.
    const covisLast = covis === undefined ? 0 : (d.covisLast.get(i) ?? 0);
    const covisRel = covis !== undefined && d.covisMax > 0 ? Math.log1p((100 * covis) / d.covisMax) * INV_LOG_101 : 0;
    out[f++] = cos;
    out[f++] = d.interest && d.vectors?.known[i] ? 1 : 0;
    out[f++] = cosOut[1];
    out[f++] = logScale(covis ?? 0);
    out[f++] = covisRel;
    out[f++] = logScale(covisLast);
    // Agreement between independent signals: a linear model cannot form products itself, and "two sources
    // agree" is the strongest evidence an ensemble has.
    const knn = out[SKNN_LSCORE];
    out[f++] = knn * covisRel;
    out[f++] = knn * Math.max(0, cos);
    out[f++] = covisRel * Math.max(0, cos);
  } else for (let k = 0; k < DENSE_FEATURES.length; k++) out[f++] = 0;
  const cat = ctx.catalog;
  out[f++] = ctx.popularity[i] ?? 0;
  const rating = cat.rating[i];
  out[f++] = Number.isNaN(rating) ? 0 : rating / 5;
  out[f++] = Math.min(1, Math.log1p(cat.ratingCount[i]) / 12);
  const listing = ctx.listings.get(i);
  const price = listing ? listing.price : cat.price[i];
  const hasPrice = !Number.isNaN(price);
  out[f++] = hasPrice ? 1 : 0;
  out[f++] = hasPrice ? Math.min(1, Math.log1p(price) / 8) : 0;
  out[f++] = listing ? 1 : 0;
  out[f++] = listing ? CONDITION_SCORE[listing.condition] : 0;
  const since = listing ? listing.listedAt : cat.createdAt[i];
  out[f++] = since > 0 ? Math.exp(-Math.max(0, ctx.now - since) / (30 * DAY_MS)) : 0;
  out[f++] = ctx.categoryAffinity.get(cat.category[i]) ?? 0;
  out[f++] = count / SOURCES.length;
}

/** Category shares of a history (newest first), recency weighted. */
export function categoryAffinity(catalog: ItemCatalog, history: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  let total = 0;
  history.forEach((item, r) => {
    const w = 0.85 ** r;
    const c = catalog.category[item];
    out.set(c, (out.get(c) ?? 0) + w);
    total += w;
  });
  for (const [c, w] of out) out.set(c, w / total);
  return out;
}
