import { Rng } from "../../../ml/core/rng.js";
import { type RankingCase, trainPairwise } from "../../../ml/ranker/logreg.js";
import { decodeFeatures } from "../feed/feature-codec";
import { NUM_FEATURES } from "../feed/features";
import { LinearRanker } from "../feed/rank";
import type { EventLog } from "../../ports/event-log";
import { estimatePropensities } from "./propensity";
import { meanInterval, type QualityMetrics } from "./evaluate";
import type { TrainingLog } from "./training-log";

/**
 * The feed ranker learned from this marketplace's own logs:
 *
 * 1. Impressions: every feed page logs its items, their positions and the ranker features serving scored them
 *    with (feed-service.ts, feature-codec.ts). Pages logged without features (older code) are skipped.
 * 2. Labels: the same actor's later view/click (1), favorite (2), cart (3) or purchase (4) of a shown item within
 *    `horizonMs` grade it; everything else on the page is 0.
 * 3. Position bias: propensities per position from a click model fitted on the same logs (propensity.ts).
 * 4. Fit: propensity-weighted pairwise logistic (Joachims et al. 2017, "Unbiased Learning-to-Rank with Biased
 *    Feedback"): each labelled item against every lower-graded item of its page, weighted gain / propensity
 *    of its position, regularised towards the prior weights (the committed Games ranker: the cold start).
 */
export interface ImpressionPage {
  seq: number;
  ts: number;
  actor: string;
  items: number[];
  positions: number[];
  /** Row-major features (items x NUM_FEATURES), as logged. */
  x: Float32Array;
  gains: number[];
}

/** Reads logged feed pages with usable features (newest `max` of those after `afterSeq`), items on catalog indices. */
export async function readImpressionPages(
  events: EventLog,
  log: TrainingLog,
  o: { afterSeq?: number; max?: number; stopAt?: number } = {},
): Promise<{ pages: ImpressionPage[]; lastSeq: number; skipped: number }> {
  const pages: ImpressionPage[] = [];
  let after = o.afterSeq ?? 0;
  let skipped = 0;
  const max = o.max ?? 50_000;
  for (;;) {
    const batch = await events.since(after, 10_000, ["impression"]);
    for (const e of batch.events) {
      const page = toPage(e.context, log);
      if (!page) {
        skipped++;
        continue;
      }
      pages.push({ ...page, seq: e.seq, ts: e.ts, actor: e.userId ? `u:${e.userId}` : `s:${e.sessionId ?? ""}` });
    }
    after = batch.scannedTo;
    if (!batch.more || (o.stopAt !== undefined && pages.length >= o.stopAt)) break;
  }
  return { pages: pages.slice(Math.max(0, pages.length - max)), lastSeq: after, skipped };
}

function toPage(
  ctx: Record<string, unknown> | null,
  log: TrainingLog,
): Omit<ImpressionPage, "seq" | "ts" | "actor"> | null {
  if (!ctx || !Array.isArray(ctx.items) || !Array.isArray(ctx.features)) return null;
  const ids = ctx.items as unknown[];
  const feats = ctx.features as unknown[];
  const offset = Number(ctx.offset ?? 0);
  if (ids.length === 0 || feats.length !== ids.length || !Number.isInteger(offset)) return null;
  const items: number[] = [];
  const positions: number[] = [];
  const rows: Float32Array[] = [];
  ids.forEach((id, j) => {
    const item = typeof id === "string" ? log.catalog.indexOf.get(id) : undefined;
    const x = typeof feats[j] === "string" ? decodeFeatures(feats[j] as string, NUM_FEATURES) : null;
    if (item === undefined || !x) return;
    items.push(item);
    positions.push(offset + j);
    rows.push(x);
  });
  if (items.length < 2) return null;
  const x = new Float32Array(items.length * NUM_FEATURES);
  rows.forEach((r, j) => {
    x.set(r, j * NUM_FEATURES);
  });
  return { items, positions, x, gains: new Array<number>(items.length).fill(0) };
}

/** Grades each page's items by the actor's later interactions with them (within `horizonMs`). */
export function labelPages(pages: ImpressionPage[], log: TrainingLog, horizonMs: number): number {
  let labelled = 0;
  for (const p of pages) {
    const a = log.actorOf(p.actor);
    if (!a) continue;
    const where = new Map<number, number>();
    p.items.forEach((item, j) => {
      where.set(item, j);
    });
    for (let k = 0; k < a.items.length; k++) {
      if (a.seq[k] === 0 || a.ts[k] < p.ts || a.ts[k] > p.ts + horizonMs) continue;
      const j = where.get(a.items[k]);
      if (j === undefined || a.gain[k] <= p.gains[j]) continue;
      if (p.gains[j] === 0) labelled++;
      p.gains[j] = a.gain[k];
    }
  }
  return labelled;
}

export function pagePropensities(pages: readonly ImpressionPage[]): Float64Array {
  const obs = pages.flatMap((p) =>
    p.items.map((item, j) => ({ item, position: p.positions[j], clicked: p.gains[j] > 0 })),
  );
  return estimatePropensities(obs);
}

export interface RankerFitOptions {
  /** Pull towards the prior (per unit of mean pair loss). */
  l2?: number;
  /** False: every position counts as fully examined (the biased fit, for comparison). */
  ips?: boolean;
  /**
   * Lower-graded items paired with each labelled one, sampled (weights scaled up to stay unbiased): the fit
   * costs pairs x features^2 per Newton step, and 20k pages x 19 pairs per click took minutes. Default 8.
   */
  negatives?: number;
  seed?: number;
}

/** IPS-weighted pairwise fit over labelled pages, shrunk towards `prior`'s weights. */
export function fitRanker(
  pages: readonly ImpressionPage[],
  propensity: Float64Array,
  prior: LinearRanker,
  version: string,
  o: RankerFitOptions = {},
): { ranker: LinearRanker; cases: number; pairs: number } {
  const cases: RankingCase[] = [];
  const pairWeights: Float32Array[] = [];
  let pairs = 0;
  const rng = new Rng(o.seed ?? 1);
  const maxNeg = o.negatives ?? 8;
  const prop = (k: number): number => (o.ips === false ? 1 : propensity[Math.min(propensity.length - 1, k)]);
  for (const p of pages) {
    p.gains.forEach((g, i) => {
      if (g <= 0) return;
      const lower: number[] = [];
      for (let j = 0; j < p.items.length; j++) if (p.gains[j] < g) lower.push(j);
      if (lower.length === 0) return;
      rng.shuffle(lower);
      const kept = lower.slice(0, maxNeg);
      const w = new Float32Array(p.items.length);
      const weight = ((g / prop(p.positions[i])) * lower.length) / kept.length;
      for (const j of kept) w[j] = weight;
      pairs += kept.length;
      cases.push({ x: p.x, positive: i, count: p.items.length });
      pairWeights.push(w);
    });
  }
  if (cases.length === 0) return { ranker: prior, cases: 0, pairs: 0 };
  const fit = trainPairwise(cases, NUM_FEATURES, {
    l2: o.l2 ?? 0.01,
    prior: prior.weights,
    pairWeights,
    iterations: 12,
    tolerance: 1e-5,
  });
  return { ranker: new LinearRanker(version, fit.weights, prior.bias), cases: cases.length, pairs };
}

/**
 * Offline quality of a ranker on logged pages, position-bias corrected: each page with a labelled item is
 * re-ordered by the ranker and scored by IPS-weighted DCG@10 (gain / propensity of the position it was shown
 * at, so a click far down counts for the many people who never looked there), divided by the mean ideal DCG
 * over the pages: a per-page value whose mean estimates NDCG under unbiased feedback. (Normalising each page
 * by its own ideal would cancel the weights of a page's single click.) HR@10 likewise: the weighted labels a
 * ranker puts in its top 10 over the mean weighted labels per page.
 */
export function evaluateRanker(
  pages: readonly ImpressionPage[],
  propensity: Float64Array,
  ranker: LinearRanker,
): QualityMetrics {
  const dcgs: number[] = [];
  const idcgs: number[] = [];
  const hits: number[] = [];
  const totals: number[] = [];
  const x = new Float32Array(NUM_FEATURES);
  for (const p of pages) {
    if (!p.gains.some((g) => g > 0)) continue;
    const n = p.items.length;
    const s = Float64Array.from({ length: n }, (_, j) => {
      x.set(p.x.subarray(j * NUM_FEATURES, (j + 1) * NUM_FEATURES));
      return ranker.logit(x);
    });
    const value = p.gains.map((g, j) => (g > 0 ? g / propensity[Math.min(propensity.length - 1, p.positions[j])] : 0));
    const order = Array.from(s.keys()).sort((a, b) => s[b] - s[a] || a - b);
    const ideal = [...value].sort((a, b) => b - a);
    let dcg = 0;
    let idcg = 0;
    let hit = 0;
    for (let r = 0; r < Math.min(10, n); r++) {
      dcg += value[order[r]] / Math.log2(r + 2);
      idcg += ideal[r] / Math.log2(r + 2);
      hit += value[order[r]];
    }
    dcgs.push(dcg);
    idcgs.push(idcg);
    hits.push(hit);
    totals.push(value.reduce((a, b) => a + b, 0));
  }
  const meanOf = (v: number[]): number => (v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : 0);
  const idealMean = meanOf(idcgs) || 1;
  const totalMean = meanOf(totals) || 1;
  const gain = Float64Array.from(dcgs, (d) => d / idealMean);
  const hit = Float64Array.from(hits, (h) => h / totalMean);
  const g = meanInterval(gain);
  const h = meanInterval(hit);
  return {
    cases: gain.length,
    hr: h.mean,
    ndcg: g.mean,
    hrHalfWidth: h.half,
    ndcgHalfWidth: g.half,
    perCase: { hit, gain },
  };
}
