import type { ServingModels } from "../../models/serving-models";
import type { RecallContext, RecallSource } from "./types";
import { emptyResult, topOfMap } from "./types";
import type { SourceResult } from "../candidates";

/** Graph variant: neighbours (50 each) of the last 10 history items, scored exactly by dot with the interest vector. */
function viaGraph(ctx: RecallContext, q: Float32Array, count: number): SourceResult {
  const graph = ctx.models.vectorNeighbours;
  const v = ctx.models.vectors;
  const acc = new Map<number, number>();
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
    }
  }
  // Dot products may be negative: shift so topOfMap (which keeps positive scores) keeps the order.
  let min = 0;
  for (const s of acc.values()) min = Math.min(min, s);
  if (min < 0) for (const [b, s] of acc) acc.set(b, s - min + 1e-6);
  const anchors = new Map([...acc.keys()].map((b) => [b, ctx.history[0] ?? -1]));
  return topOfMap("vector", acc, count, ctx.exclude, anchors);
}

/**
 * Interest vector: recency-weighted mean (0.8x per step) of the context vectors of the last 10 history
 * items that have one. Null when none has.
 */
export function interestVector(models: ServingModels, history: readonly number[], weights?: readonly number[]): Float32Array | null {
  const v = models.vectors;
  if (!v) return null;
  const q = new Float32Array(v.dim);
  let total = 0;
  let decay = 1;
  for (const [r, item] of history.slice(0, 10).entries()) {
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

/** Nearest item vectors to the interest vector, through the VectorIndex port (live version). */
export const vectorSource: RecallSource = {
  name: "vector",
  async run(ctx, count) {
    const q = interestVector(ctx.models, ctx.history, ctx.historyWeights);
    if (!q) return emptyResult("vector");
    const cat = ctx.models.catalog;
    const graph = ctx.models.vectorNeighbours;
    const v = ctx.models.vectors;
    if (graph && v) return viaGraph(ctx, q, count);
    // excludeIds covers the history; the other exclusions are dropped below, so ask for a few extra.
    const excludeIds = ctx.history.slice(0, 50).map((i) => cat.ids[i]);
    const hits = await ctx.vectors.search(q, { k: Math.min(1000, count + 20), filter: { excludeIds } });
    const items: number[] = [];
    const scores: number[] = [];
    for (const h of hits) {
      const i = cat.indexOf.get(h.id);
      if (i === undefined || ctx.exclude.has(i)) continue;
      items.push(i);
      scores.push(h.score);
      if (items.length === count) break;
    }
    return { source: "vector", items: Int32Array.from(items), scores: Float32Array.from(scores), anchors: new Int32Array(items.length).fill(ctx.history[0] ?? -1) };
  },
};
