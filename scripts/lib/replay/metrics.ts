/**
 * Scoring of the replay: the rank of each next item in the list served just before it, HR@k and NDCG@k per
 * case, means per window with 95% intervals, and paired differences between two runs of the same cases.
 * Pure functions (test/scripts/replay-metrics.test.ts checks them on hand-computed cases).
 */
import { mulberry32 } from "../simulate/rng";

/** 1-based position of `item` in `list`, or 0 when absent. */
export function rankOf(list: readonly string[], item: string): number {
  const i = list.indexOf(item);
  return i < 0 ? 0 : i + 1;
}

/** 1 when the item was in the top k, else 0. */
export function hitAt(rank: number, k: number): number {
  return rank >= 1 && rank <= k ? 1 : 0;
}

/** NDCG@k with one relevant item: 1 / log2(rank + 1) inside the top k (the ideal DCG is 1), else 0. */
export function ndcgAt(rank: number, k: number): number {
  return rank >= 1 && rank <= k ? 1 / Math.log2(rank + 1) : 0;
}

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length === 0 ? Number.NaN : s / values.length;
}

/** Normal approximation: mean ± 1.96 · sample sd / √n (used to sanity-check the bootstrap). */
export function normalInterval(values: ArrayLike<number>): Interval {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { mean: m, lo: m, hi: m, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - m) ** 2;
  const half = 1.96 * Math.sqrt(ss / (n - 1) / n);
  return { mean: m, lo: m - half, hi: m + half, n };
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
}

/**
 * Percentile bootstrap 95% interval of the mean (2,000 seeded resamples by default). Chosen over the normal
 * approximation because hit rates near 0 with a few hundred cases make mean ± 1.96·se cross 0.
 */
export function bootstrapInterval(values: ArrayLike<number>, o: BootstrapOptions = {}): Interval {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { mean: m, lo: m, hi: m, n };
  const resamples = o.resamples ?? 2000;
  const random = mulberry32(o.seed ?? 1);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(random() * n)];
    means[r] = s / n;
  }
  means.sort();
  return { mean: m, lo: quantile(means, 0.025), hi: quantile(means, 0.975), n };
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Paired difference `b - a` over the same cases (same length, same order), with its bootstrap interval. */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, o: BootstrapOptions = {}): Interval {
  if (a.length !== b.length) throw new Error(`paired runs differ in length: ${a.length} vs ${b.length}`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = b[i] - a[i];
  return bootstrapInterval(d, o);
}
