/**
 * Quality over time as an SVG: one panel per surface and metric, the frozen and the learning run as lines over
 * the time windows with their 95% intervals as bands. Written by hand rather than with a chart library: the
 * project has none (adding a dependency is not this change's call), a headless browser only to draw a dozen
 * lines would make the benchmark depend on chromium, and plain SVG text is deterministic and diffable in docs.
 */
import type { Interval } from "./metrics";
import type { WindowReport } from "./report";
import type { Surface } from "./run";

const W = 440;
const H = 280;
const M = { left: 56, right: 16, top: 34, bottom: 46 };
const COLORS = { off: "#6b7280", on: "#2563eb" } as const;

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

function niceMax(v: number): number {
  if (!(v > 0)) return 0.1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function panel(
  x0: number,
  y0: number,
  title: string,
  windows: readonly WindowReport[],
  get: (w: WindowReport) => { off?: Interval; on?: Interval },
  timeLabel: (t: number) => string,
): string {
  const n = windows.length;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  let top = 0;
  for (const w of windows) for (const i of Object.values(get(w))) if (i) top = Math.max(top, i.hi, i.mean);
  const ymax = niceMax(top * 1.05);
  const px = (i: number) => x0 + M.left + (n === 1 ? pw / 2 : (i * pw) / (n - 1));
  const py = (v: number) => y0 + M.top + ph - (v / ymax) * ph;
  const out: string[] = [
    `<text x="${x0 + W / 2}" y="${y0 + 20}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (ymax * t) / 4;
    const y = py(v);
    out.push(`<line x1="${x0 + M.left}" x2="${x0 + W - M.right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x0 + M.left - 6}" y="${y + 4}" text-anchor="end">${fmt(100 * v)}%</text>`);
  }
  windows.forEach((w, i) => {
    out.push(`<text x="${px(i)}" y="${y0 + H - M.bottom + 14}" text-anchor="middle">${w.window}</text>`);
    out.push(
      `<text x="${px(i)}" y="${y0 + H - M.bottom + 26}" text-anchor="middle" font-size="9" fill="#6b7280">to ${esc(timeLabel(w.to))}</text>`,
    );
  });
  out.push(
    `<text x="${x0 + M.left + pw / 2}" y="${y0 + H - 4}" text-anchor="middle">time window (equal event counts)</text>`,
  );
  for (const mode of ["off", "on"] as const) {
    const pts = windows.map((w, i) => ({ i, iv: get(w)[mode] })).filter((p) => p.iv !== undefined) as {
      i: number;
      iv: Interval;
    }[];
    if (pts.length === 0) continue;
    const band = [
      ...pts.map((p) => `${px(p.i)},${py(p.iv.hi)}`),
      ...[...pts].reverse().map((p) => `${px(p.i)},${py(p.iv.lo)}`),
    ];
    out.push(`<polygon points="${band.join(" ")}" fill="${COLORS[mode]}" fill-opacity="0.15" stroke="none"/>`);
    out.push(
      `<polyline points="${pts.map((p) => `${px(p.i)},${py(p.iv.mean)}`).join(" ")}" fill="none" stroke="${COLORS[mode]}" stroke-width="2"/>`,
    );
    for (const p of pts) out.push(`<circle cx="${px(p.i)}" cy="${py(p.iv.mean)}" r="3" fill="${COLORS[mode]}"/>`);
  }
  return out.join("\n");
}

export function renderChart(
  title: string,
  windows: readonly WindowReport[],
  surfaces: readonly Surface[],
  k: number,
  timeLabel: (t: number) => string = String,
): string {
  const width = 2 * W;
  const height = surfaces.length * H + 60;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${width / 2 - 170}" y="30" width="12" height="4" fill="${COLORS.off}"/><text x="${width / 2 - 152}" y="36">loop frozen (LEARNER=off)</text>`,
    `<rect x="${width / 2 + 20}" y="30" width="12" height="4" fill="${COLORS.on}"/><text x="${width / 2 + 38}" y="36">loop on (LEARNER=on); bands: 95% CI</text>`,
  ];
  surfaces.forEach((s, r) => {
    const y = 50 + r * H;
    parts.push(panel(0, y, `${s}: HR@${k}`, windows, (w) => w.metrics[s]?.hr ?? {}, timeLabel));
    parts.push(panel(W, y, `${s}: NDCG@${k}`, windows, (w) => w.metrics[s]?.ndcg ?? {}, timeLabel));
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
