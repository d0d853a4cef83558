import type { ItemCatalog } from "../catalog";
import type { ListingCondition, ListingSummary } from "../ports";
import { SOURCES, type Candidate } from "./candidates";

const DAY_MS = 86_400_000;

/**
 * The ranker's feature vector, shared by serving (src/recsys/feed/rank.ts) and the trainer
 * (ml/ranker/). Every value is scaled to roughly [0, 1] so one learning rate fits all.
 */
export const FEATURES: readonly string[] = [
  ...SOURCES.flatMap((s) => [`${s}.present`, `${s}.score`, `${s}.rrank`, `${s}.lscore`, `${s}.lrank`]),
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
}

/** Max score per source over the candidates, to scale source scores to [0, 1]. */
export function sourceMaxima(cands: readonly Candidate[]): Float32Array {
  const max = new Float32Array(SOURCES.length);
  for (const c of cands) for (let s = 0; s < SOURCES.length; s++) if (c.ranks[s] >= 0 && c.scores[s] > max[s]) max[s] = c.scores[s];
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
    out[f++] = present && maxima[s] > 0 ? Math.log1p((100 * Math.max(0, c.scores[s])) / maxima[s]) / Math.log(101) : 0;
    out[f++] = present ? 1 - Math.log1p(c.ranks[s]) / Math.log(201) : 0;
  }
  const i = c.item;
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
    const w = Math.pow(0.85, r);
    const c = catalog.category[item];
    out.set(c, (out.get(c) ?? 0) + w);
    total += w;
  });
  for (const [c, w] of out) out.set(c, w / total);
  return out;
}
