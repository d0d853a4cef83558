import type { ItemCatalog } from "../catalog";
import type { ItemVectors } from "../models/serving-models";
import type { ListingSummary } from "../ports";
import type { Candidate } from "./candidates";

const DAY_MS = 86_400_000;

export interface RerankOptions {
  /** MMR trade-off: 1 = relevance only, 0 = diversity only. */
  lambda: number;
  /** How many top positions MMR fills; the rest follow in rank order. */
  depth: number;
  /** At most this many items of one category in any `window` consecutive positions. */
  categoryCap: number;
  window: number;
  /** Added to the normalised relevance of an item listed within days (decays with a 3-day scale). */
  freshBoost: number;
  now: number;
}

export const DEFAULT_RERANK: Omit<RerankOptions, "now"> = { lambda: 0.75, depth: 60, categoryCap: 4, window: 10, freshBoost: 0.1 };

/**
 * Diversity and freshness: greedy MMR over item vectors (cosine), with a hard per-category cap in a
 * sliding window so one category cannot fill a screen, and a small boost for fresh listings.
 * The running max-similarity per candidate is updated once per pick: O(depth x pool x dim).
 */
export function rerank(ranked: readonly Candidate[], catalog: ItemCatalog, vectors: ItemVectors | null, listings: ReadonlyMap<number, ListingSummary>, o: RerankOptions): Candidate[] {
  const pool = ranked.slice(0, Math.min(ranked.length, o.depth * 2));
  if (pool.length === 0) return [];
  let max = -Infinity;
  let min = Infinity;
  for (const c of pool) {
    max = Math.max(max, c.score);
    min = Math.min(min, c.score);
  }
  const span = max - min || 1;
  const rel = pool.map((c) => {
    const l = listings.get(c.item);
    const fresh = l ? o.freshBoost * Math.exp(-Math.max(0, o.now - l.listedAt) / (3 * DAY_MS)) : 0;
    return (c.score - min) / span + fresh;
  });
  // Unit vectors of the pool, contiguous: each pick then costs pool x dim multiply-adds and no norm work.
  const dim = vectors?.dim ?? 0;
  const unit = new Float64Array(pool.length * dim);
  const hasVec = new Uint8Array(pool.length);
  if (vectors) {
    for (let j = 0; j < pool.length; j++) {
      const item = pool[j].item;
      if (!vectors.known[item]) continue;
      const n = norm(vectors, item);
      if (n === 0) continue;
      hasVec[j] = 1;
      const src = item * dim;
      for (let f = 0; f < dim; f++) unit[j * dim + f] = vectors.items[src + f] / n;
    }
  }
  const maxSim = new Float32Array(pool.length);
  const taken = new Uint8Array(pool.length);
  const out: Candidate[] = [];
  const depth = Math.min(o.depth, pool.length);
  // Category counts over the last window-1 picks, slid once per pick (was re-counted per candidate).
  const inWindow = new Map<number, number>();
  while (out.length < depth) {
    let best = -1;
    let bestValue = -Infinity;
    for (let j = 0; j < pool.length; j++) {
      if (taken[j] || (inWindow.get(catalog.category[pool[j].item]) ?? 0) >= o.categoryCap) continue;
      const v = o.lambda * rel[j] - (1 - o.lambda) * maxSim[j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    if (best < 0) break; // only capped items left: they follow below in rank order
    taken[best] = 1;
    out.push(pool[best]);
    const cat = catalog.category[pool[best].item];
    inWindow.set(cat, (inWindow.get(cat) ?? 0) + 1);
    if (out.length >= o.window) {
      const old = catalog.category[out[out.length - o.window].item];
      inWindow.set(old, (inWindow.get(old) ?? 0) - 1);
    }
    if (hasVec[best]) {
      const bb = best * dim;
      for (let j = 0; j < pool.length; j++) {
        if (taken[j] || !hasVec[j]) continue;
        let s = 0;
        const bj = j * dim;
        for (let f = 0; f < dim; f++) s += unit[bb + f] * unit[bj + f];
        if (s > maxSim[j]) maxSim[j] = s;
      }
    }
  }
  for (let j = 0; j < pool.length; j++) if (!taken[j]) out.push(pool[j]);
  for (let j = pool.length; j < ranked.length; j++) out.push(ranked[j]);
  return out;
}

function dot(v: ItemVectors, a: number, b: number): number {
  let s = 0;
  const ba = a * v.dim;
  const bb = b * v.dim;
  for (let f = 0; f < v.dim; f++) s += v.items[ba + f] * v.items[bb + f];
  return s;
}

function norm(v: ItemVectors, a: number): number {
  return Math.sqrt(dot(v, a, a));
}
