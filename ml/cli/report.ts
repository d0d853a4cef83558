import { type MetricValue, type ModelReport, SEGMENTS } from "../eval/evaluate.js";

/** Fixed-width text table of model reports (one row per model). */
export function formatTable(reports: ModelReport[], ks: number[]): string {
  const headers = ["model"];
  for (const k of ks) headers.push(`HR@${k}`, `NDCG@${k}`, `MRR@${k}`);
  headers.push(
    `cov@${ks[0]}`,
    `pop@${ks[0]}`,
    "fit s",
    "fit CPU s",
    "maxRSS MB",
    "p50 ms",
    "p99 ms",
    "cpu p50",
    "cpu p99",
  );
  const rows = reports.map((r) => {
    const row = [r.model];
    for (const k of ks) {
      for (const m of ["HR", "NDCG", "MRR"]) {
        const v = r.metrics[`${m}@${k}`];
        row.push(`${v.value.toFixed(4)} ±${((v.ci95[1] - v.ci95[0]) / 2).toFixed(4)}`);
      }
    }
    row.push(
      r.coverage[`@${ks[0]}`].toFixed(3),
      r.avgPopularity[`@${ks[0]}`].toFixed(1),
      r.fitSeconds.toFixed(1),
      r.fitCpuSeconds.toFixed(1),
      r.peakRssMb.toFixed(0),
      r.latencyMs.p50.toFixed(3),
      r.latencyMs.p99.toFixed(3),
      r.latencyMs.cpuP50.toFixed(3),
      r.latencyMs.cpuP99.toFixed(3),
    );
    return row;
  });
  const widths = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]): string => cells.map((c, j) => c.padEnd(widths[j])).join("  ");
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** `value ±half-interval` of a metric. */
export function cell(v: MetricValue | undefined): string {
  if (v === undefined) return "–";
  return `${v.value.toFixed(4)} ±${((v.ci95[1] - v.ci95[0]) / 2).toFixed(4)}`;
}

/**
 * One fixed-width table per metric at K: a row per model, a column per segment (its case count in the header),
 * each cell the value and half its bootstrap 95% interval.
 */
export function formatSegmentTables(reports: ModelReport[], k: number): string {
  const segs = SEGMENTS.filter((s) => reports.some((r) => r.segments[s] !== undefined));
  const out: string[] = [];
  for (const metric of [`HR@${k}`, `NDCG@${k}`]) {
    const headers = [metric, ...segs.map((s) => `${s} (n=${reports[0]?.segments[s]?.cases ?? 0})`)];
    const rows = reports.map((r) => [r.model, ...segs.map((s) => cell(r.segments[s]?.metrics[metric]))]);
    const widths = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
    const line = (cells: string[]): string => cells.map((c, j) => c.padEnd(widths[j])).join("  ");
    out.push([line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
  }
  return out.join("\n\n");
}
