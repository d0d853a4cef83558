import type { Rng } from "../core/rng.js";

/**
 * 0-based rank of `scores[target]` among all finite scores, ties broken uniformly at random (seeded): a model
 * that gives many items the same score is neither rewarded nor punished for the order of the tie.
 * Returns Infinity when the target's score is -Infinity or NaN (excluded or unscorable).
 */
export function rankOfTarget(scores: Float32Array, target: number, rng: Rng): number {
  const t = scores[target];
  if (!(t > Number.NEGATIVE_INFINITY)) return Number.POSITIVE_INFINITY;
  let greater = 0;
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s > t) greater++;
    else if (s === t && i !== target) ties++;
  }
  return ties === 0 ? greater : greater + rng.int(ties + 1);
}

/** Hit ratio (= Recall with one relevant item) at K. */
export function hitAt(rank: number, k: number): number {
  return rank < k ? 1 : 0;
}

/** NDCG at K with one relevant item: 1 / log2(rank + 2) when in the top K. */
export function ndcgAt(rank: number, k: number): number {
  return rank < k ? 1 / Math.log2(rank + 2) : 0;
}

/** Reciprocal rank cut at K. */
export function mrrAt(rank: number, k: number): number {
  return rank < k ? 1 / (rank + 1) : 0;
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length === 0 ? 0 : s / values.length;
}

/** Percentile by nearest rank on a copy (p in [0, 100]). */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** Percentile-bootstrap 95% interval of the mean, resampling cases with a seeded generator. */
export function bootstrapInterval(values: Float64Array, rng: Rng, resamples = 1000): [number, number] {
  const n = values.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += values[rng.int(n)];
    means[b] = s / n;
  }
  means.sort();
  return [means[Math.floor(0.025 * (resamples - 1))], means[Math.ceil(0.975 * (resamples - 1))]];
}

/**
 * Expected 0-based rank of `scores[target]` under uniformly random tie-breaking (greater + ties / 2), over
 * the finite scores not in `exclude`: a deterministic stand-in for rankOfTarget for choosing on validation.
 * Infinity when the target itself is excluded or unscorable.
 */
export function expectedRank(scores: ArrayLike<number>, target: number, exclude?: ReadonlySet<number>): number {
  const t = scores[target];
  if (!(t > Number.NEGATIVE_INFINITY) || exclude?.has(target) === true) return Number.POSITIVE_INFINITY;
  let greater = 0;
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s > t) greater++;
    else if (s === t && i !== target) ties++;
  }
  if (exclude !== undefined)
    for (const i of exclude) {
      const s = scores[i];
      if (s > t) greater--;
      else if (s === t && i !== target) ties--;
    }
  return greater + ties / 2;
}

/** NDCG@k of an expected (possibly fractional) rank. */
export function ndcgOfRank(rank: number, k: number): number {
  return rank < k ? 1 / Math.log2(rank + 2) : 0;
}
