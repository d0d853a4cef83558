import { resourceUsage } from "node:process";
import type { Query, Recommender } from "../core/recommender.js";
import { Rng } from "../core/rng.js";
import { topK } from "../core/topk.js";
import { bootstrapInterval, hitAt, mean, mrrAt, ndcgAt, percentile, rankOfTarget } from "./metrics.js";
import type { EvalCase, EvalTask } from "./protocols.js";
import { SEGMENTS, type Segment, userSegment } from "./segments.js";

export { ITEM_SEGMENTS, SEGMENTS, SHORT_HISTORY_MAX, type Segment, USER_SEGMENTS, userSegment } from "./segments.js";

export interface MetricValue {
  value: number;
  ci95: [number, number];
}

export interface ModelReport {
  model: string;
  split: "test" | "validation";
  cases: number;
  metrics: Record<string, MetricValue>;
  /** Share of all items that appear in some top-K list (per K). */
  coverage: Record<string, number>;
  /** Mean training count of the items in the top-K lists (per K). */
  avgPopularity: Record<string, number>;
  fitSeconds: number;
  /** Process CPU time (all threads, process.cpuUsage) spent in the fit(s): robust to a shared machine. */
  fitCpuSeconds: number;
  /** Process peak RSS (resourceUsage().maxRSS) after fit, MB; cumulative across models run in one process. */
  peakRssMb: number;
  heapAfterFitMb: number;
  /** Wall-clock and CPU-time (process.cpuUsage) per request: CPU time is robust to a shared, loaded machine. */
  latencyMs: {
    p50: number;
    p99: number;
    cpuP50: number;
    cpuP99: number;
    requests: number;
    historyLength: number;
    topN: number;
  };
  /** Test targets excluded from ranking because they were in the query history (full ranking only). */
  targetsInHistory: number;
  /** True when the model was refitted on train + validation events before the test ranking. */
  refit: boolean;
  /** The same metrics per segment of the cases (user history length; cold / warm target item). */
  segments: Record<string, SegmentReport>;
  /** Per-case 0-based target ranks (same order as the cases) for paired comparisons; not written to JSON. */
  caseRanks?: Float64Array;
}

export interface SegmentReport {
  cases: number;
  metrics: Record<string, MetricValue>;
}

/** The two segments of a case: its user segment, and cold (never in training) or warm target item. */
export function caseSegments(c: EvalCase, trainItemCounts: Float64Array): [Segment, Segment] {
  return [userSegment(c.query.history.length), trainItemCounts[c.target] > 0 ? "warm-item" : "cold-item"];
}

/** HR and NDCG at each k with bootstrap 95% intervals, for every segment that has cases. */
export function segmentMetrics(
  ranks: Float64Array,
  segmentsOfCase: [Segment, Segment][],
  ks: number[],
  seed: number,
  resamples = 1000,
): Record<string, SegmentReport> {
  const out: Record<string, SegmentReport> = {};
  for (const seg of SEGMENTS) {
    const idx: number[] = [];
    segmentsOfCase.forEach((s, n) => {
      if (s[0] === seg || s[1] === seg) idx.push(n);
    });
    if (idx.length === 0) continue;
    const rng = new Rng(seed ^ 0x5e6);
    const metrics: Record<string, MetricValue> = {};
    for (const k of ks)
      for (const [name, fn] of [
        ["HR", hitAt],
        ["NDCG", ndcgAt],
      ] as const) {
        const values = Float64Array.from(idx, (n) => fn(ranks[n], k));
        metrics[`${name}@${k}`] = { value: mean(values), ci95: bootstrapInterval(values, rng, resamples) };
      }
    out[seg] = { cases: idx.length, metrics };
  }
  return out;
}

/** A report without its per-case ranks (for JSON). */
export function withoutRanks(r: ModelReport): ModelReport {
  const { caseRanks: _, ...rest } = r;
  return rest;
}

export interface EvaluateOptions {
  ks: number[];
  seed: number;
  split?: "test" | "validation";
  bootstrapResamples?: number;
  /**
   * Test phase only: after fitting on train (validation used for tuning / blend weights), fit again on
   * train + validation events (task.refitTrain) before ranking test cases. Test events never enter training.
   */
  refit?: boolean;
  latencyRequests?: number;
  onProgress?: (message: string) => void;
}

function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** Item counts in the training sequences (the popularity used by the avg-popularity metric). */
export function trainCounts(task: EvalTask): Float64Array {
  const counts = new Float64Array(task.train.numItems);
  for (const s of task.train.sequences) for (const i of s.items) counts[i]++;
  return counts;
}

function scoresFor(
  model: Recommender,
  c: EvalCase,
  excludeHistory: boolean,
): { scores: Float32Array; targetIndex: number; ids?: Int32Array } {
  if (c.candidates !== undefined) {
    return { scores: model.scoreCandidates(c.query, c.candidates), targetIndex: 0, ids: c.candidates };
  }
  const scores = model.scoreAll(c.query);
  if (excludeHistory) for (const i of c.query.history) scores[i] = Number.NEGATIVE_INFINITY;
  return { scores, targetIndex: c.target };
}

export interface FitStats {
  fitSeconds: number;
  fitCpuSeconds: number;
  peakRssMb: number;
  heapAfterFitMb: number;
}

/** Fits `model` on the task's training data, passing validation cases for early stopping / weight learning. */
export async function fitOnTask(
  model: Recommender,
  task: EvalTask,
  seed: number,
  log: (m: string) => void,
): Promise<FitStats> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await model.fit(task.train, {
    seed,
    onProgress: (m) => log(`[${model.name}] ${m}`),
    validation: task.validation.map((c) => ({
      history: c.query.history,
      target: c.target,
      candidates: c.candidates,
      timestamps: c.query.timestamps,
      now: c.query.now,
    })),
  });
  const fitSeconds = (performance.now() - t0) / 1000;
  const fitCpuSeconds = cpuSecondsSince(cpu0);
  log(`[${model.name}] fitted in ${fitSeconds.toFixed(1)} s (${fitCpuSeconds.toFixed(1)} CPU-s)`);
  return {
    fitSeconds,
    fitCpuSeconds,
    peakRssMb: resourceUsage().maxRSS / 1024,
    heapAfterFitMb: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

/**
 * Fits `model` (unless `fitted` stats are given for an already-fitted model), then ranks every held-out
 * case and measures quality, coverage, popularity bias, fit cost and latency.
 */
export async function evaluateModel(
  model: Recommender,
  task: EvalTask,
  options: EvaluateOptions,
  fitted?: FitStats,
): Promise<ModelReport> {
  const log = options.onProgress ?? (() => {});
  const split = options.split ?? "test";
  let { fitSeconds, fitCpuSeconds, peakRssMb, heapAfterFitMb } =
    fitted ?? (await fitOnTask(model, task, options.seed, log));
  if (options.refit === true && split === "test") {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // No validation cases now: models keep what they learned on validation (the hybrid keeps its weights).
    await model.fit(task.refitTrain, { seed: options.seed, onProgress: (m) => log(`[${model.name}] refit: ${m}`) });
    const refitSeconds = (performance.now() - t0) / 1000;
    const refitCpuSeconds = cpuSecondsSince(cpu0);
    log(
      `[${model.name}] refitted on train + validation events in ${refitSeconds.toFixed(1)} s (${refitCpuSeconds.toFixed(1)} CPU-s)`,
    );
    fitSeconds += refitSeconds;
    fitCpuSeconds += refitCpuSeconds;
    peakRssMb = resourceUsage().maxRSS / 1024;
    heapAfterFitMb = process.memoryUsage().heapUsed / 2 ** 20;
  }

  const cases = split === "test" ? task.test : task.validation;
  const ks = [...options.ks].sort((a, b) => a - b);
  const maxK = ks[ks.length - 1];
  const tieRng = new Rng(options.seed ^ 0x5eed);
  const ranks = new Float64Array(cases.length);
  const seen = ks.map(() => new Uint8Array(task.train.numItems));
  const popSum = new Float64Array(ks.length);
  const popN = new Float64Array(ks.length);
  const counts = trainCounts(task);
  let targetsInHistory = 0;
  const progressEvery = Math.max(1, Math.floor(cases.length / 10));
  for (let n = 0; n < cases.length; n++) {
    const c = cases[n];
    if (task.excludeHistory && c.candidates === undefined && c.query.history.includes(c.target)) targetsInHistory++;
    const { scores, targetIndex, ids } = scoresFor(model, c, task.excludeHistory);
    ranks[n] = rankOfTarget(scores, targetIndex, tieRng);
    const top = topK(scores, maxK);
    for (let ki = 0; ki < ks.length; ki++) {
      const lim = Math.min(ks[ki], top.length);
      for (let j = 0; j < lim; j++) {
        if (!(scores[top[j]] > Number.NEGATIVE_INFINITY)) break;
        const item = ids === undefined ? top[j] : ids[top[j]];
        seen[ki][item] = 1;
        popSum[ki] += counts[item];
        popN[ki]++;
      }
    }
    if ((n + 1) % progressEvery === 0) log(`[${model.name}] ranked ${n + 1}/${cases.length}`);
  }

  const metrics: Record<string, MetricValue> = {};
  const coverage: Record<string, number> = {};
  const avgPopularity: Record<string, number> = {};
  const bootRng = new Rng(options.seed ^ 0xb007);
  for (let ki = 0; ki < ks.length; ki++) {
    const k = ks[ki];
    for (const [name, fn] of [
      ["HR", hitAt],
      ["NDCG", ndcgAt],
      ["MRR", mrrAt],
    ] as const) {
      const values = Float64Array.from(ranks, (r) => fn(r, k));
      metrics[`${name}@${k}`] = {
        value: mean(values),
        ci95: bootstrapInterval(values, bootRng, options.bootstrapResamples ?? 1000),
      };
    }
    let covered = 0;
    for (const v of seen[ki]) covered += v;
    coverage[`@${k}`] = covered / task.train.numItems;
    avgPopularity[`@${k}`] = popN[ki] === 0 ? 0 : popSum[ki] / popN[ki];
  }
  const segments = segmentMetrics(
    ranks,
    cases.map((c) => caseSegments(c, counts)),
    ks,
    options.seed,
    options.bootstrapResamples ?? 1000,
  );
  const latencyMs =
    (options.latencyRequests ?? 500) > 0
      ? measureLatency(model, task.test, options.latencyRequests ?? 500, new Rng(options.seed ^ 0x1a7e))
      : measureLatency(model, [], 0, new Rng(0));
  log(
    `[${model.name}] latency wall p50 ${latencyMs.p50.toFixed(3)} p99 ${latencyMs.p99.toFixed(3)} ms, cpu p50 ${latencyMs.cpuP50.toFixed(3)} p99 ${latencyMs.cpuP99.toFixed(3)} ms`,
  );
  return {
    model: model.name,
    split,
    cases: cases.length,
    metrics,
    coverage,
    avgPopularity,
    fitSeconds,
    fitCpuSeconds,
    peakRssMb,
    heapAfterFitMb,
    latencyMs,
    targetsInHistory,
    refit: options.refit === true && split === "test",
    segments,
    caseRanks: ranks,
  };
}

/**
 * A model with a serving top-N path (the embedding models): `recommend(q, k, exclude)` returns exactly
 * `topK(scoreAll(q), k, exclude)` (test/ml/models/scoring.test.ts) without a per-request numItems-sized array.
 */
export interface TopNRecommender {
  recommend(query: Query, k: number, exclude?: Int32Array | ReadonlySet<number>): Int32Array;
}

export function hasRecommend(model: object): model is TopNRecommender {
  return typeof (model as Partial<TopNRecommender>).recommend === "function";
}

/** One serving request as the latency figure times it: the model's `recommend` when it has one, else scoreAll + topK. */
export function serveTopN(model: Recommender, query: Query, topN: number): Int32Array {
  return hasRecommend(model)
    ? model.recommend(query, topN, query.history)
    : topK(model.scoreAll(query), topN, query.history);
}

/**
 * Builds `requests` serving queries of exactly `historyLength` items from the held-out cases: most histories
 * are shorter, so other users' histories are prepended until the request really carries `historyLength`.
 */
export function latencyQueries(cases: EvalCase[], requests: number, rng: Rng, historyLength = 50): Query[] {
  const pool = cases.filter((c) => c.query.history.length > 0);
  const queries: Query[] = [];
  if (pool.length === 0) return queries;
  for (let r = 0; r < requests; r++) {
    const c = pool[rng.int(pool.length)];
    const parts: EvalCase[] = [c];
    let len = c.query.history.length;
    while (len < historyLength && parts.length < 1000) {
      const other = pool[rng.int(pool.length)];
      parts.unshift(other);
      len += other.query.history.length;
    }
    const items = new Int32Array(len);
    const stamps = new Float64Array(len);
    let at = 0;
    for (const p of parts) {
      items.set(p.query.history, at);
      if (p.query.timestamps !== undefined) stamps.set(p.query.timestamps, at);
      at += p.query.history.length;
    }
    const from = Math.max(0, len - historyLength);
    queries.push({ history: items.slice(from), timestamps: stamps.slice(from), now: c.query.now });
  }
  return queries;
}

/**
 * Wall and CPU time (process.cpuUsage) of each query served one at a time, after `warmup` untimed requests
 * (the first queries again) so that the JIT has compiled the hot path.
 */
export function timeRequests(
  model: Recommender,
  queries: Query[],
  topN: number,
  warmup = 100,
): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let w = 0; w < Math.min(warmup, queries.length); w++) serveTopN(model, queries[w], topN);
  for (const q of queries) {
    const c = process.cpuUsage();
    const t = performance.now();
    serveTopN(model, q, topN);
    wall.push(performance.now() - t);
    const dc = process.cpuUsage(c);
    cpu.push((dc.user + dc.system) / 1000);
  }
  return { wall, cpu };
}

/**
 * Serving latency: one request = a 50-item history (short ones extended with other users' items) -> top 100
 * over all items, history excluded (`recommend` where the model has it, else scoreAll + topK), timed per
 * request after a short warm-up.
 */
export function measureLatency(model: Recommender, cases: EvalCase[], requests: number, rng: Rng) {
  const historyLength = 50;
  const topN = 100;
  const queries = latencyQueries(cases, requests, rng, historyLength);
  if (queries.length === 0)
    return {
      p50: Number.NaN,
      p99: Number.NaN,
      cpuP50: Number.NaN,
      cpuP99: Number.NaN,
      requests: 0,
      historyLength,
      topN,
    };
  const { wall: times, cpu: cpuTimes } = timeRequests(model, queries, topN);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    cpuP50: percentile(cpuTimes, 50),
    cpuP99: percentile(cpuTimes, 99),
    requests: times.length,
    historyLength,
    topN,
  };
}
