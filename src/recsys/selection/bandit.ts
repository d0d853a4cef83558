/**
 * The statistics of online selection: each arm's click-through rate as a Beta posterior (Beta(1, 1) prior,
 * one Bernoulli trial per impression), the probability that the challenger's rate is the higher one, and
 * the traffic share that follows from it (Thompson sampling's allocation for two arms is exactly that
 * probability). Normal approximations of the Beta posteriors: exact enough once an arm has tens of
 * impressions, and the decision thresholds only act after hundreds.
 */

export interface ArmCounts {
  impressions: number;
  clicks: number;
}

export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

/** Posterior mean and variance of an arm's click-through rate. */
export function posterior(a: ArmCounts): { mean: number; variance: number } {
  const clicks = Math.min(Math.max(0, a.clicks), Math.max(0, a.impressions));
  const alpha = 1 + clicks;
  const beta = 1 + Math.max(0, a.impressions) - clicks;
  const n = alpha + beta;
  return { mean: alpha / n, variance: (alpha * beta) / (n * n * (n + 1)) };
}

/** 95% credible interval of an arm's click-through rate. */
export function rateInterval(a: ArmCounts): Interval {
  const p = posterior(a);
  const half = 1.96 * Math.sqrt(p.variance);
  return { estimate: p.mean, lo: Math.max(0, p.mean - half), hi: Math.min(1, p.mean + half) };
}

/** P(challenger's rate > champion's rate) under the two posteriors. */
export function probChallengerBetter(champion: ArmCounts, challenger: ArmCounts): number {
  const a = posterior(champion);
  const b = posterior(challenger);
  const sd = Math.sqrt(a.variance + b.variance);
  return normalCdf((b.mean - a.mean) / sd);
}

/** Relative lift of the challenger over the champion with a 95% interval (delta method on the ratio). */
export function relativeLift(champion: ArmCounts, challenger: ArmCounts): Interval {
  const a = posterior(champion);
  const b = posterior(challenger);
  const ratio = b.mean / a.mean;
  const se = ratio * Math.sqrt(a.variance / (a.mean * a.mean) + b.variance / (b.mean * b.mean));
  return { estimate: ratio - 1, lo: ratio - 1 - 1.96 * se, hi: ratio - 1 + 1.96 * se };
}

export interface SharePolicy {
  /** Floor: a challenger that is still being measured keeps at least this share. */
  minShare: number;
  /** Ceiling: users are never mostly served an unproven version. */
  maxShare: number;
}

export const DEFAULT_SHARE_POLICY: SharePolicy = { minShare: 0.01, maxShare: 0.5 };

/** The challenger's next traffic share: Thompson sampling's allocation, clipped to the policy. */
export function thompsonShare(champion: ArmCounts, challenger: ArmCounts, policy = DEFAULT_SHARE_POLICY): number {
  return Math.min(policy.maxShare, Math.max(policy.minShare, probChallengerBetter(champion, challenger)));
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 through erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  if (!Number.isFinite(z)) return z > 0 ? 1 : 0;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * The share a running challenger moves to: Thompson's allocation, but it may only grow (at most doubling per
 * decision) once the posterior leans towards the challenger (P(better) ≥ `growFrom`). Plain Thompson hands an
 * unproven arm half the traffic while the evidence is thin (P ≈ 0.5): a random challenger would take ~50% of
 * positions before anyone could tell it is bad. Falling is immediate: a challenger the evidence turns against
 * loses its share at once.
 */
export function cautiousShare(
  champion: ArmCounts,
  challenger: ArmCounts,
  current: number,
  policy = DEFAULT_SHARE_POLICY,
  growFrom = 0.7,
): number {
  const target = thompsonShare(champion, challenger, policy);
  const p = probChallengerBetter(champion, challenger);
  const next = p >= growFrom ? Math.min(target, Math.max(current * 2, policy.minShare)) : Math.min(current, target);
  return Math.min(policy.maxShare, Math.max(policy.minShare, next));
}
