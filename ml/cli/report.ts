import type { ModelReport } from "../eval/evaluate.js";

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
