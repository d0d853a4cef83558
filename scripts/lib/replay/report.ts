/**
 * The replay report: per surface and time window, HR@k and NDCG@k of each run with 95% bootstrap intervals and
 * the paired difference (on − off) over the same cases. Pure: built from the runs' cases.
 */
import { bootstrapInterval, hitAt, ndcgAt, pairedDifference, type Interval } from "./metrics";
import type { Case, Mode, RunResult, Surface } from "./run";
import { windowBounds } from "./split";

export interface MetricCompare {
  off?: Interval;
  on?: Interval;
  /** on − off, paired by case; present when both runs exist. */
  diff?: Interval;
}

export interface WindowReport {
  window: number;
  /** Time range of the window's cases (Unix ms, or positions on the position clock). */
  from: number;
  to: number;
  n: number;
  metrics: Partial<Record<Surface, { hr: MetricCompare; ndcg: MetricCompare }>>;
}

export interface ComparisonInput {
  k: number;
  surfaces: readonly Surface[];
  windows: number;
  /** Replayed event times, in replay order (window time ranges). */
  times: readonly number[];
  runs: Partial<Record<Mode, RunResult>>;
  seed: number;
}

function column(cases: readonly Case[], surface: Surface, from: number, to: number, f: (rank: number) => number) {
  const out = new Float64Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = f(cases[i].ranks[surface] ?? 0);
  return out;
}

function compare(
  input: ComparisonInput,
  surface: Surface,
  from: number,
  to: number,
  f: (rank: number) => number,
  seed: number,
): MetricCompare {
  const out: MetricCompare = {};
  const cols: Partial<Record<Mode, Float64Array>> = {};
  for (const mode of ["off", "on"] as const) {
    const run = input.runs[mode];
    if (!run) continue;
    cols[mode] = column(run.cases, surface, from, to, f);
    out[mode] = bootstrapInterval(cols[mode], { seed });
  }
  if (cols.off && cols.on) out.diff = pairedDifference(cols.off, cols.on, { seed });
  return out;
}

function metricsFor(input: ComparisonInput, from: number, to: number, seed: number): WindowReport["metrics"] {
  const m: WindowReport["metrics"] = {};
  for (const s of input.surfaces) {
    m[s] = {
      hr: compare(input, s, from, to, (r) => hitAt(r, input.k), seed),
      ndcg: compare(input, s, from, to, (r) => ndcgAt(r, input.k), seed + 1),
    };
  }
  return m;
}

export function buildComparison(input: ComparisonInput): { windows: WindowReport[]; overall: WindowReport } {
  const n = input.times.length;
  const bounds = windowBounds(n, input.windows);
  const windows: WindowReport[] = [];
  for (let w = 0; w + 1 < bounds.length; w++) {
    const [from, to] = [bounds[w], bounds[w + 1]];
    windows.push({
      window: w + 1,
      from: input.times[from],
      to: input.times[to - 1],
      n: to - from,
      metrics: metricsFor(input, from, to, input.seed + 10 * w),
    });
  }
  const overall = {
    window: 0,
    from: input.times[0],
    to: input.times[n - 1],
    n,
    metrics: metricsFor(input, 0, n, input.seed),
  };
  return { windows, overall };
}

/** Plain-text table for the terminal and for docs. */
export function formatComparison(
  windows: readonly WindowReport[],
  overall: WindowReport,
  k: number,
  timeLabel: (t: number) => string,
): string {
  const pct = (i?: Interval) =>
    i ? `${(100 * i.mean).toFixed(1)} [${(100 * i.lo).toFixed(1)}, ${(100 * i.hi).toFixed(1)}]` : "-";
  const lines: string[] = [];
  const surfaces = Object.keys(overall.metrics) as Surface[];
  for (const s of surfaces) {
    lines.push(`surface ${s}: HR@${k} / NDCG@${k} in %, 95% bootstrap intervals; diff = on − off, paired by case`);
    lines.push("| window | time | n | HR off | HR on | HR diff | NDCG off | NDCG on | NDCG diff |");
    lines.push("|---|---|---|---|---|---|---|---|---|");
    for (const w of [...windows, overall]) {
      const m = w.metrics[s];
      if (!m) continue;
      const name = w.window === 0 ? "all" : String(w.window);
      lines.push(
        `| ${name} | ${timeLabel(w.from)} – ${timeLabel(w.to)} | ${w.n} | ${pct(m.hr.off)} | ${pct(m.hr.on)} | ${pct(m.hr.diff)} | ${pct(m.ndcg.off)} | ${pct(m.ndcg.on)} | ${pct(m.ndcg.diff)} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}
