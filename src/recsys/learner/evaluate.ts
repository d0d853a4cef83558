import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { expectedRank, hitAt, mean, ndcgOfRank } from "../../../ml/eval/metrics.js";
import { pairedFromRanks } from "../../../ml/eval/paired.js";
import { loadModel } from "../../../ml/models/index.js";
import type { ItemCatalog } from "../catalog";
import type { TrainingLog } from "./training-log";

/**
 * Offline quality of a model version on the most recent time window of the event log, measured with the
 * project's evaluation library (ml/eval), so the offline gate judges versions as `npm run eval` does: each
 * logged positive event in the window is a case (the actor's earlier items predict this item), the target's
 * expected rank among all items with the actor's whole history excluded (ties count half: a model does not
 * win or lose by the catalogue order of equal scores), HR@10 and NDCG@10 with percentile-bootstrap 95%
 * intervals, and the paired difference against the live version on the same resampled cases.
 */
export interface EvalCase {
  /** The query: the actor's newest QUERY_ITEMS earlier items, oldest first (serving keeps 20 long-term items). */
  history: number[];
  /** Every earlier item of the actor: never ranked, as serving never recommends what the shopper already has. */
  seen: number[];
  target: number;
  /** Event-log seq of the target event (to keep only what a version was not trained on). */
  seq: number;
}

/** A recall model's quality on a window: per-case 0-based expected target ranks (Infinity: not ranked). */
export interface WindowQuality {
  cases: number;
  ranks: Float64Array;
  hr: number;
  ndcg: number;
}

/** Per-case quality values with normal intervals: the ranker's IPS-weighted evaluation (ranker-learn.ts). */
export interface QualityMetrics {
  cases: number;
  hr: number;
  ndcg: number;
  hrHalfWidth: number;
  ndcgHalfWidth: number;
  /** Per-case values, for paired comparisons. */
  perCase: { hit: Float64Array; gain: Float64Array };
}

/** Scores one case: the 0-based expected rank of its target. */
export type CaseRanker = (c: EvalCase) => number;

const K = 10;
const QUERY_ITEMS = 20;

/**
 * Cases from the window of logged events with seq >= `fromSeq` (the newest `maxCases` of them). An event
 * whose item the actor already had is no case: it is excluded from its own ranking.
 */
export function windowCases(
  log: Pick<TrainingLog, "actors" | "eventsAfter">,
  fromSeq: number,
  maxCases: number,
): EvalCase[] {
  const events = log.eventsAfter(fromSeq - 1);
  // Per actor, where each item first occurs: "already had" in O(1) even for actors with long histories.
  const firstAt = new Map<number, Map<number, number>>();
  const out: EvalCase[] = [];
  for (let n = events.length - 1; n >= 0 && out.length < maxCases; n--) {
    const e = events[n];
    if (e.position === 0) continue;
    const a = log.actors[e.actor];
    let first = firstAt.get(e.actor);
    if (!first) {
      first = new Map();
      for (let j = a.items.length - 1; j >= 0; j--) first.set(a.items[j], j);
      firstAt.set(e.actor, first);
    }
    const target = a.items[e.position];
    if ((first.get(target) ?? e.position) < e.position) continue;
    const seen = a.items.slice(0, e.position);
    out.push({ history: seen.slice(Math.max(0, seen.length - QUERY_ITEMS)), seen, target, seq: e.seq });
  }
  return out.reverse();
}

/**
 * Ranks each case's target with any ml/ recommender artifact, one case at a time (catalogs are 30k-1M items:
 * no score vector outlives its case). Items the artifact does not know are never recommended by it: a target
 * it does not know is a miss, and its own items the catalog no longer has are not ranked.
 */
export function artifactRanker(artifact: ModelArtifact, catalog: ItemCatalog): CaseRanker {
  const model = loadModel(artifact);
  const ids = artifact.itemIds;
  const aligned = ids.length === catalog.size && ids.every((id, i) => catalog.ids[i] === id);
  const toArtifact = new Map<number, number>();
  const unservable: number[] = [];
  if (!aligned)
    ids.forEach((id, a) => {
      const c = catalog.indexOf.get(id);
      if (c === undefined) unservable.push(a);
      else toArtifact.set(c, a);
    });
  const onArtifact = (c: number): number => (aligned ? c : (toArtifact.get(c) ?? -1));
  return (c) => {
    const target = onArtifact(c.target);
    if (target < 0) return Number.POSITIVE_INFINITY;
    const query: number[] = [];
    for (const i of c.history) {
      const a = onArtifact(i);
      if (a >= 0) query.push(a);
    }
    const scores = model.scoreAll({ history: Int32Array.from(query) });
    const exclude = new Set<number>(unservable);
    for (const i of c.seen) {
      const a = onArtifact(i);
      if (a >= 0) exclude.add(a);
    }
    return expectedRank(scores, target, exclude);
  };
}

export function evaluate(cases: readonly EvalCase[], rank: CaseRanker): WindowQuality {
  const ranks = new Float64Array(cases.length);
  cases.forEach((c, j) => {
    ranks[j] = rank(c);
  });
  return {
    cases: cases.length,
    ranks,
    hr: mean(Float64Array.from(ranks, (r) => hitAt(r, K))),
    ndcg: mean(Float64Array.from(ranks, (r) => ndcgOfRank(r, K))),
  };
}

/** Mean and the half-width of its normal 95% interval. */
export function meanInterval(v: ArrayLike<number>): { mean: number; half: number } {
  const n = v.length;
  if (n === 0) return { mean: 0, half: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return { mean, half: (1.96 * sd) / Math.sqrt(n) };
}

/**
 * Registry metrics of a candidate version: its quality with its 95% interval (`m`, `m_lo`, `m_hi`), the live
 * version's on the same cases (`live_m`, when there is one), and the paired difference candidate - live with
 * its interval (`delta_m`, `delta_m_lo`, `delta_m_hi`): the names the selection module's offline gate reads.
 * A window evaluation (ranks) gets ml/eval's paired percentile bootstrap; the ranker's per-page values keep
 * their normal intervals.
 */
export function qualityMetrics(candidate: WindowQuality, live: WindowQuality | null): Record<string, number>;
export function qualityMetrics(candidate: QualityMetrics, live: QualityMetrics | null): Record<string, number>;
export function qualityMetrics(
  candidate: WindowQuality | QualityMetrics,
  live: WindowQuality | QualityMetrics | null,
): Record<string, number> {
  // No window yet (no logged events): no quality numbers at all, rather than a 0 a gate would compare.
  if (candidate.cases === 0) return { "eval.cases": 0 };
  const m =
    "ranks" in candidate
      ? windowMetrics(candidate, live as WindowQuality | null)
      : pageMetrics(candidate, live as QualityMetrics | null);
  for (const [k, v] of Object.entries(m)) m[k] = Math.round(v * 1e6) / 1e6;
  return m;
}

function windowMetrics(candidate: WindowQuality, live: WindowQuality | null): Record<string, number> {
  if (live && live.cases !== candidate.cases)
    throw new Error(`window evaluation: live scored ${live.cases} cases, the candidate ${candidate.cases}`);
  // Without a live version the candidate is paired with itself (same resamples, so its interval is the one it
  // would get beside a live version), and the live and delta numbers are dropped.
  const { metrics } = pairedFromRanks(candidate.ranks, live?.ranks ?? candidate.ranks, { k: K });
  if (!live)
    for (const k of Object.keys(metrics)) if (k.startsWith("live_") || k.startsWith("delta_")) delete metrics[k];
  return metrics;
}

function pageMetrics(candidate: QualityMetrics, live: QualityMetrics | null): Record<string, number> {
  const m: Record<string, number> = {
    "eval.cases": candidate.cases,
    "hr@10": candidate.hr,
    "hr@10_lo": candidate.hr - candidate.hrHalfWidth,
    "hr@10_hi": candidate.hr + candidate.hrHalfWidth,
    "ndcg@10": candidate.ndcg,
    "ndcg@10_lo": candidate.ndcg - candidate.ndcgHalfWidth,
    "ndcg@10_hi": candidate.ndcg + candidate.ndcgHalfWidth,
  };
  if (live && live.cases === candidate.cases) {
    m["live_hr@10"] = live.hr;
    m["live_ndcg@10"] = live.ndcg;
    for (const [name, a, b] of [
      ["hr@10", candidate.perCase.hit, live.perCase.hit],
      ["ndcg@10", candidate.perCase.gain, live.perCase.gain],
    ] as const) {
      const d = Float64Array.from(a, (x, i) => x - b[i]);
      const { mean, half } = meanInterval(d);
      m[`delta_${name}`] = mean;
      m[`delta_${name}_lo`] = mean - half;
      m[`delta_${name}_hi`] = mean + half;
    }
  }
  return m;
}
