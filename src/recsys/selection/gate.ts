/**
 * The offline gate: before a challenger gets any live traffic, its quality on the most recent time window of
 * the marketplace's own events (measured by the learner after training on what came before, and recorded in
 * the version's metrics) must not be worse than the champion's, with a 95% interval.
 *
 * Metric names as the learner records them: a quality metric `m` (ndcg@10, hr@10, …) with its interval as
 * `m_lo` / `m_hi`, and, when the learner scored the live version on the same window, the paired difference
 * as `delta_m` / `delta_m_lo` / `delta_m_hi`. The paired difference is used when present (it cancels the
 * window's own noise); otherwise the two versions' intervals are compared.
 */

export type GateVerdict = "pass" | "fail" | "unmeasured";

export interface GateResult {
  verdict: GateVerdict;
  reason: string;
  numbers: Record<string, number>;
}

const QUALITY = /(ndcg|hr|hit|recall|mrr)/i;
const SUFFIX = /_(lo|hi|n)$/;

const finite = (m: Record<string, number>, k: string): boolean => Number.isFinite(m[k]);
const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** True when a version carries offline quality numbers of its own (or the record that its window was empty). */
export function hasOfflineMetrics(m: Record<string, number>): boolean {
  return "eval.cases" in m || Object.keys(m).some((k) => QUALITY.test(k) && finite(m, k));
}

export function offlineGate(candidate: Record<string, number>, champion: Record<string, number>): GateResult {
  const keys = Object.keys(candidate).filter((k) => QUALITY.test(k) && !SUFFIX.test(k) && finite(candidate, k));
  const paired = keys.filter(
    (k) => k.startsWith("delta_") && finite(candidate, `${k}_lo`) && finite(candidate, `${k}_hi`),
  );
  if (paired.length > 0) {
    const numbers: Record<string, number> = {};
    const worse: string[] = [];
    for (const k of paired) {
      numbers[k] = r4(candidate[k]);
      numbers[`${k}_lo`] = r4(candidate[`${k}_lo`]);
      numbers[`${k}_hi`] = r4(candidate[`${k}_hi`]);
      if (candidate[`${k}_hi`] < 0)
        worse.push(`${k.slice(6)} ${r4(candidate[k])} [${r4(candidate[`${k}_lo`])}, ${r4(candidate[`${k}_hi`])}]`);
    }
    return worse.length > 0
      ? { verdict: "fail", reason: `worse than the champion on the recent window: ${worse.join("; ")}`, numbers }
      : {
          verdict: "pass",
          reason: `not worse on the recent window (paired ${paired.map((k) => k.slice(6)).join(", ")})`,
          numbers,
        };
  }
  const shared = keys.filter((k) => !k.startsWith("delta_") && finite(champion, k));
  if (shared.length === 0) {
    return { verdict: "unmeasured", reason: "no offline quality metric shared with the champion", numbers: {} };
  }
  const numbers: Record<string, number> = {};
  const worse: string[] = [];
  for (const k of shared) {
    const hi = finite(candidate, `${k}_hi`) ? candidate[`${k}_hi`] : candidate[k];
    const lo = finite(champion, `${k}_lo`) ? champion[`${k}_lo`] : champion[k];
    numbers[k] = r4(candidate[k]);
    numbers[`champion_${k}`] = r4(champion[k]);
    // Worse only when the intervals do not overlap: the challenger's best case is below the champion's worst.
    if (hi < lo) worse.push(`${k} ${r4(candidate[k])} (hi ${r4(hi)}) < champion's lo ${r4(lo)}`);
  }
  return worse.length > 0
    ? { verdict: "fail", reason: `worse than the champion: ${worse.join("; ")}`, numbers }
    : { verdict: "pass", reason: `intervals overlap or better on ${shared.join(", ")}`, numbers };
}
