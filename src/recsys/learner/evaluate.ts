import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { loadModel } from "../../../ml/models/index.js";
import type { ItemCatalog } from "../catalog";
import type { TrainingLog } from "./training-log";

/**
 * Offline quality of a model version on the most recent time window of the event log: each logged positive
 * event in the window is a case (the actor's earlier items, newest 20, predict this item; items already in
 * the history are never targets, as serving never recommends them), HR@10 and NDCG@10 per case, means with
 * normal 95% intervals, and the paired difference against the live version on the same cases.
 */
export interface EvalCase {
  history: number[];
  target: number;
  /** Event-log seq of the target event (to keep only what a version was not trained on). */
  seq: number;
}

export interface QualityMetrics {
  cases: number;
  hr: number;
  ndcg: number;
  hrHalfWidth: number;
  ndcgHalfWidth: number;
  /** Per-case values, for paired comparisons. */
  perCase: { hit: Float64Array; gain: Float64Array };
}

const K = 10;
const HISTORY = 20;

/** Cases from the window of logged events with seq >= `fromSeq` (the newest `maxCases` of them). */
export function windowCases(log: TrainingLog, fromSeq: number, maxCases: number): EvalCase[] {
  const out: EvalCase[] = [];
  for (const e of log.eventsAfter(fromSeq - 1)) {
    const a = log.actors[e.actor];
    if (e.position === 0) continue;
    const history = a.items.slice(Math.max(0, e.position - HISTORY), e.position);
    const target = a.items[e.position];
    if (history.includes(target)) continue;
    out.push({ history, target, seq: e.seq });
  }
  return out.slice(Math.max(0, out.length - maxCases));
}

/** Top-K catalog items for a history (oldest first), history excluded, from any ml/ recommender artifact. */
export function artifactScorer(artifact: ModelArtifact, catalog: ItemCatalog): (history: number[]) => number[] {
  const model = loadModel(artifact);
  const ids = artifact.itemIds;
  const aligned = ids.length === catalog.size && ids.every((id, i) => catalog.ids[i] === id);
  const toArtifact = aligned ? null : new Map(ids.map((id, a) => [catalog.indexOf.get(id) ?? -1, a]));
  const toCatalog = aligned ? null : Int32Array.from(ids, (id) => catalog.indexOf.get(id) ?? -1);
  return (history) => {
    const h = toArtifact ? history.map((i) => toArtifact.get(i) ?? -1).filter((i) => i >= 0) : history;
    const scores = model.scoreAll({ history: Int32Array.from(h) });
    for (const i of h) scores[i] = Number.NEGATIVE_INFINITY;
    const best = topIndices(scores, K + h.length);
    const out: number[] = [];
    for (const a of best) {
      const c = toCatalog ? toCatalog[a] : a;
      if (c >= 0 && !history.includes(c)) out.push(c);
      if (out.length === K) break;
    }
    return out;
  };
}

export function evaluate(cases: readonly EvalCase[], top: (history: number[]) => number[]): QualityMetrics {
  const hit = new Float64Array(cases.length);
  const gain = new Float64Array(cases.length);
  cases.forEach((c, j) => {
    const r = top(c.history).indexOf(c.target);
    if (r >= 0 && r < K) {
      hit[j] = 1;
      gain[j] = 1 / Math.log2(r + 2);
    }
  });
  const h = meanInterval(hit);
  const g = meanInterval(gain);
  return {
    cases: cases.length,
    hr: h.mean,
    ndcg: g.mean,
    hrHalfWidth: h.half,
    ndcgHalfWidth: g.half,
    perCase: { hit, gain },
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
 */
export function qualityMetrics(candidate: QualityMetrics, live: QualityMetrics | null): Record<string, number> {
  // No window yet (no logged events): no quality numbers at all, rather than a 0 a gate would compare.
  if (candidate.cases === 0) return { "eval.cases": 0 };
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
  for (const [k, v] of Object.entries(m)) m[k] = Math.round(v * 1e6) / 1e6;
  return m;
}

/** Indices of the `k` largest scores, best first (ties: lower index). */
function topIndices(scores: Float32Array, k: number): number[] {
  const n = scores.length;
  const heapI: number[] = [];
  const better = (a: number, b: number): boolean => scores[a] > scores[b] || (scores[a] === scores[b] && a < b);
  // Small k against ~30k-1M items: a sorted buffer with insertion beats sorting everything.
  for (let i = 0; i < n; i++) {
    if (scores[i] === Number.NEGATIVE_INFINITY) continue;
    if (heapI.length === k && !better(i, heapI[k - 1])) continue;
    let p = heapI.length === k ? k - 1 : heapI.length;
    if (heapI.length < k) heapI.push(i);
    while (p > 0 && better(i, heapI[p - 1])) {
      heapI[p] = heapI[p - 1];
      p--;
    }
    heapI[p] = i;
  }
  return heapI;
}
