import { Rng } from "../core/rng.js";
import { expectedRank, hitAt, mean, ndcgOfRank } from "./metrics.js";

/**
 * Paired offline comparison of a candidate model against the champion on one window of cases (the learning
 * loop's offline gate): HR@K / NDCG@K of both with percentile-bootstrap 95% intervals, and the paired
 * difference (candidate − champion, same resampled cases for both) with its interval. Pure: no I/O, no
 * clock, seeded; runs on Node and workerd.
 */

/** One case of the window: the index of the true item in the score vectors, and indices not to rank. */
export interface WindowCase {
  target: number;
  /** Items excluded from the ranking (e.g. the user's history), as indices into the score vectors. */
  exclude?: Iterable<number>;
}

export interface IntervalValue {
  value: number;
  lo: number;
  hi: number;
}

export interface PairedWindowResult {
  cases: number;
  k: number;
  candidate: { hr: IntervalValue; ndcg: IntervalValue };
  champion: { hr: IntervalValue; ndcg: IntervalValue };
  delta: { hr: IntervalValue; ndcg: IntervalValue };
  /**
   * Flat metrics under the learner's names: `ndcg@K`, `ndcg@K_lo`, `ndcg@K_hi` (candidate),
   * `delta_ndcg@K`, `delta_ndcg@K_lo`, `delta_ndcg@K_hi`, the same for `hr@K`, `live_ndcg@K` /
   * `live_hr@K` (the champion's) and `eval.cases` (the learner's names).
   */
  metrics: Record<string, number>;
}

export interface PairedOptions {
  k?: number;
  resamples?: number;
  seed?: number;
}

/**
 * Ranks the target of each case in both models' score vectors (expected rank under random tie-breaking,
 * excluded items dropped) and compares them. `candidateScores[n]`, `championScores[n]` and `cases[n]` are the
 * same case; score vectors may be over all items or over a candidate list (target given as its index).
 */
export function pairedWindowEval(
  candidateScores: readonly ArrayLike<number>[],
  championScores: readonly ArrayLike<number>[],
  cases: readonly WindowCase[],
  options: PairedOptions = {},
): PairedWindowResult {
  if (candidateScores.length !== cases.length || championScores.length !== cases.length)
    throw new Error(
      `pairedWindowEval: ${candidateScores.length} candidate and ${championScores.length} champion score vectors for ${cases.length} cases`,
    );
  const ranksOf = (scores: readonly ArrayLike<number>[]): Float64Array =>
    Float64Array.from(cases, (c, n) => {
      const exclude = c.exclude === undefined ? undefined : new Set(c.exclude);
      return expectedRank(scores[n], c.target, exclude);
    });
  return pairedFromRanks(ranksOf(candidateScores), ranksOf(championScores), options);
}

/** The same comparison from per-case 0-based target ranks (e.g. ModelReport.caseRanks of two models). */
export function pairedFromRanks(
  candidateRanks: Float64Array,
  championRanks: Float64Array,
  options: PairedOptions = {},
): PairedWindowResult {
  const n = candidateRanks.length;
  if (championRanks.length !== n) throw new Error("pairedFromRanks: rank arrays differ in length");
  const k = options.k ?? 10;
  const resamples = options.resamples ?? 1000;
  const series = {
    candHr: Float64Array.from(candidateRanks, (r) => hitAt(r, k)),
    candNdcg: Float64Array.from(candidateRanks, (r) => ndcgOfRank(r, k)),
    champHr: Float64Array.from(championRanks, (r) => hitAt(r, k)),
    champNdcg: Float64Array.from(championRanks, (r) => ndcgOfRank(r, k)),
  };
  const boot = { candHr: [] as number[], candNdcg: [] as number[], champHr: [] as number[], champNdcg: [] as number[] };
  const dHr: number[] = [];
  const dNdcg: number[] = [];
  const rng = new Rng(options.seed ?? 0x9a1d);
  for (let b = 0; b < (n === 0 ? 0 : resamples); b++) {
    let ch = 0;
    let cn = 0;
    let hh = 0;
    let hn = 0;
    for (let j = 0; j < n; j++) {
      const i = rng.int(n);
      ch += series.candHr[i];
      cn += series.candNdcg[i];
      hh += series.champHr[i];
      hn += series.champNdcg[i];
    }
    boot.candHr.push(ch / n);
    boot.candNdcg.push(cn / n);
    boot.champHr.push(hh / n);
    boot.champNdcg.push(hn / n);
    dHr.push((ch - hh) / n);
    dNdcg.push((cn - hn) / n);
  }
  const iv = (value: number, draws: number[]): IntervalValue => {
    if (draws.length === 0) return { value, lo: Number.NaN, hi: Number.NaN };
    const s = Float64Array.from(draws).sort();
    return { value, lo: s[Math.floor(0.025 * (s.length - 1))], hi: s[Math.ceil(0.975 * (s.length - 1))] };
  };
  const candidate = {
    hr: iv(mean(series.candHr), boot.candHr),
    ndcg: iv(mean(series.candNdcg), boot.candNdcg),
  };
  const champion = {
    hr: iv(mean(series.champHr), boot.champHr),
    ndcg: iv(mean(series.champNdcg), boot.champNdcg),
  };
  const delta = {
    hr: iv(candidate.hr.value - champion.hr.value, dHr),
    ndcg: iv(candidate.ndcg.value - champion.ndcg.value, dNdcg),
  };
  const metrics: Record<string, number> = { "eval.cases": n };
  for (const m of ["hr", "ndcg"] as const) {
    const key = `${m}@${k}`;
    metrics[key] = candidate[m].value;
    metrics[`${key}_lo`] = candidate[m].lo;
    metrics[`${key}_hi`] = candidate[m].hi;
    metrics[`live_${key}`] = champion[m].value;
    metrics[`delta_${key}`] = delta[m].value;
    metrics[`delta_${key}_lo`] = delta[m].lo;
    metrics[`delta_${key}_hi`] = delta[m].hi;
  }
  return { cases: n, k, candidate, champion, delta, metrics };
}
