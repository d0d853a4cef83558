/** List metrics of the offline ranker evaluation, and the paired bootstrap that compares two orders. */
import { Rng } from "../core/rng.js";

export interface ListMetrics {
  hr10: number;
  ndcg10: number;
}

/** Per-case hit@10 and NDCG@10 gain (one relevant item per case; a case with no recalled target scores 0). */
export function perCase(orders: number[][], positives: number[]): { hit: Float64Array; gain: Float64Array } {
  const hit = new Float64Array(orders.length);
  const gain = new Float64Array(orders.length);
  orders.forEach((order, c) => {
    const rank = positives[c] < 0 ? -1 : order.indexOf(positives[c]);
    if (rank >= 0 && rank < 10) {
      hit[c] = 1;
      gain[c] = 1 / Math.log2(rank + 2);
    }
  });
  return { hit, gain };
}

export const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);

export function metricsOf(orders: number[][], positives: number[]): ListMetrics {
  const { hit, gain } = perCase(orders, positives);
  return { hr10: mean(hit), ndcg10: mean(gain) };
}

/**
 * Paired bootstrap over evaluation cases: resample cases with replacement, take the mean of (a - b) on the
 * same cases, 95% percentile interval. Pairing removes the case-difficulty variance both orders share.
 */
export function pairedBootstrap(
  a: Float64Array,
  b: Float64Array,
  resamples: number,
  seed: number,
): { diff: number; lo: number; hi: number } {
  const n = a.length;
  const d = Float64Array.from(a, (v, i) => v - b[i]);
  const rng = new Rng(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)];
    means[r] = s / n;
  }
  means.sort();
  return { diff: mean(d), lo: means[Math.floor(0.025 * resamples)], hi: means[Math.ceil(0.975 * resamples) - 1] };
}
