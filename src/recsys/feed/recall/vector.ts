import { Rng } from "../../../../ml/core/rng.js";
import type { ItemCatalog } from "../../catalog";
import type { ItemVectors, ServingModels } from "../../models/serving-models";
import type { RecallContext, RecallSource } from "./types";
import { emptyResult, topOfMap } from "./types";
import type { SourceResult } from "../candidates";
import { coldStartRecall, mergeColdStart } from "../../embeddings/cold-start-lists";

/** Graph variant: neighbours (50 each) of the last 10 history items, scored exactly by dot with the interest vector. */
function viaGraph(ctx: RecallContext, q: Float32Array, count: number): SourceResult {
  const graph = ctx.models.vectorNeighbours;
  const v = ctx.models.vectors;
  const acc = new Map<number, number>();
  // Provenance: the (newest) history item whose neighbour list brought the candidate in.
  const anchors = new Map<number, number>();
  if (!graph || !v) return emptyResult("vector");
  for (const a of ctx.history.slice(0, 10)) {
    const end = Math.min(graph.offsets[a + 1], graph.offsets[a] + 50);
    for (let c = graph.offsets[a]; c < end; c++) {
      const b = graph.ids[c];
      if (acc.has(b)) continue;
      let s = 0;
      const base = b * v.dim;
      for (let f = 0; f < v.dim; f++) s += q[f] * v.items[base + f];
      acc.set(b, s);
      anchors.set(b, a);
    }
  }
  // Dot products may be negative: shift so topOfMap (which keeps positive scores) keeps the order.
  let min = 0;
  for (const s of acc.values()) min = Math.min(min, s);
  if (min < 0) for (const [b, s] of acc) acc.set(b, s - min + 1e-6);
  return topOfMap("vector", acc, count, ctx.exclude, anchors);
}

/**
 * The history item that contributes most to an index hit's score: the score is dot(q, item) with q the
 * weighted mean of the history's context vectors, so it splits into one term per history item, and the
 * largest term names the interest that recalled it. -1 when no term is positive.
 */
export function strongestHistoryTerm(
  v: ItemVectors,
  history: readonly number[],
  weights: readonly number[] | undefined,
  item: number,
): number {
  let best = -1;
  let bestTerm = 0;
  let decay = 1;
  const n = Math.min(10, history.length);
  const base = item * v.dim;
  for (let r = 0; r < n; r++) {
    const a = history[r];
    const w = weights?.[r] ?? decay;
    decay *= 0.8;
    if (!v.known[a]) continue;
    let s = 0;
    const ab = a * v.dim;
    for (let f = 0; f < v.dim; f++) s += v.context[ab + f] * v.items[base + f];
    if (w * s > bestTerm) {
      bestTerm = w * s;
      best = a;
    }
  }
  return best;
}

/**
 * Interest vector: recency-weighted mean (0.8x per step) of the context vectors of the last 10 history
 * items that have one. Null when none has.
 */
export function interestVector(
  models: ServingModels,
  history: readonly number[],
  weights?: readonly number[],
): Float32Array | null {
  return models.vectors ? interestOf(models.vectors, history, weights) : null;
}

function interestOf(v: ItemVectors, history: readonly number[], weights?: readonly number[]): Float32Array | null {
  const q = new Float32Array(v.dim);
  let total = 0;
  let decay = 1;
  const n = Math.min(10, history.length);
  for (let r = 0; r < n; r++) {
    const item = history[r];
    const w = weights?.[r] ?? decay;
    decay *= 0.8;
    if (v.known[item]) {
      const base = item * v.dim;
      for (let f = 0; f < v.dim; f++) q[f] += w * v.context[base + f];
      total += w;
    }
  }
  if (total === 0) return null;
  for (let f = 0; f < v.dim; f++) q[f] /= total;
  return q;
}

/** Hits asked of the index for `count` candidates: the index excludes the history, the rest is dropped here. */
export const vectorSearchK = (count: number): number => Math.min(1000, count + 20);

/**
 * Queries shaped like serving's interest vectors, for measuring the index's recall (calibrateNprobe):
 * half are one item's context vector (a session of one view), half the recency-weighted mean of 2-5
 * items of one category (a short browsing session). Seeded: the same vectors give the same queries.
 */
export function interestQueries(v: ItemVectors, catalog: ItemCatalog, count: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  const byCategory = new Map<number, number[]>();
  const known: number[] = [];
  for (let i = 0; i < v.known.length; i++) {
    if (!v.known[i]) continue;
    known.push(i);
    let list = byCategory.get(catalog.category[i]);
    if (!list) byCategory.set(catalog.category[i], (list = []));
    list.push(i);
  }
  const out: Float32Array[] = [];
  for (let tries = 0; known.length > 0 && out.length < count && tries < count * 10; tries++) {
    const a = known[rng.int(known.length)];
    const history = [a];
    if (out.length % 2 === 1) {
      const same = byCategory.get(catalog.category[a]) ?? [];
      const extra = 1 + rng.int(4);
      for (let j = 0; j < extra; j++) history.push(same[rng.int(same.length)]);
    }
    const q = interestOf(v, history);
    if (q?.some((x) => x !== 0)) out.push(q);
  }
  return out;
}

/**
 * Nearest item vectors to the interest vector, through the VectorIndex port (live version), with the
 * content neighbours of cold items merged in (src/recsys/embeddings/cold-start-lists.ts): a product added
 * while serving has no collaborative vector, and this is how it is recalled, and recalls, before retraining.
 */
export const vectorSource: RecallSource = {
  name: "vector",
  async run(ctx, count) {
    return mergeColdStart(await collaborativeRecall(ctx, count), coldStartRecall(ctx, count), count);
  },
};

async function collaborativeRecall(ctx: RecallContext, count: number): Promise<SourceResult> {
  const q = interestVector(ctx.models, ctx.history, ctx.historyWeights);
  if (!q) return emptyResult("vector");
  const cat = ctx.models.catalog;
  const graph = ctx.models.vectorNeighbours;
  const v = ctx.models.vectors;
  if (graph && v) return viaGraph(ctx, q, count);
  // excludeIds covers the history; the other exclusions are dropped below, so ask for a few extra.
  const excludeIds = ctx.history.slice(0, 50).map((i) => cat.ids[i]);
  // The collection of this request's models, not the live alias: while a new model version is swapped in,
  // the alias moves before the models do, and the old interest vector must not query the new vectors.
  const hits = await ctx.vectors.search(q, {
    k: vectorSearchK(count),
    filter: { excludeIds },
    ...(v ? { version: v.version } : {}),
  });
  const items: number[] = [];
  const scores: number[] = [];
  for (const h of hits) {
    const i = cat.indexOf.get(h.id);
    if (i === undefined || ctx.exclude.has(i)) continue;
    items.push(i);
    scores.push(h.score);
    if (items.length === count) break;
  }
  return {
    source: "vector",
    items: Int32Array.from(items),
    scores: Float32Array.from(scores),
    anchors: v
      ? Int32Array.from(items, (i) => strongestHistoryTerm(v, ctx.history, ctx.historyWeights, i))
      : new Int32Array(items.length).fill(-1),
  };
}
