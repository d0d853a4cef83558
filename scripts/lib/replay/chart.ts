/**
 * Quality over time as an SVG file: one panel per surface and metric, the frozen and the learning run as lines
 * over the time windows with their 95% intervals as bands. Drawn with the shared server-side chart module
 * (src/lib/charts/svg.ts, also behind the admin models page): plain SVG text, deterministic and diffable in docs,
 * no headless browser needed to draw a dozen lines.
 */
import { esc, legend, panel, percent, svgDocument } from "../../../src/lib/charts/svg";
import type { Interval } from "./metrics";
import type { WindowReport } from "./report";
import type { Surface } from "./run";

const W = 440;
const H = 280;
const COLORS = { off: "#6b7280", on: "#2563eb" } as const;
const NAMES = { off: "loop frozen (LEARNER=off)", on: "loop on (LEARNER=on)" } as const;

function metricPanel(
  x: number,
  y: number,
  title: string,
  windows: readonly WindowReport[],
  get: (w: WindowReport) => { off?: Interval; on?: Interval },
  timeLabel: (t: number) => string,
): string {
  return panel({
    x,
    y,
    width: W,
    height: H,
    title,
    margin: { bottom: 46, right: 40 },
    xAxis: {
      kind: "index",
      labels: windows.map((w) => String(w.window)),
      sublabels: windows.map((w) => `to ${timeLabel(w.to)}`),
      title: "time window (equal event counts)",
    },
    yAxis: { format: percent },
    lines: (["off", "on"] as const).map((mode) => ({
      name: NAMES[mode],
      colour: COLORS[mode],
      points: windows.flatMap((w, i) => {
        const iv = get(w)[mode];
        return iv ? [{ x: i, y: iv.mean, lo: iv.lo, hi: iv.hi }] : [];
      }),
    })),
  });
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
  const body = [
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    legend(
      [
        { name: NAMES.off, colour: COLORS.off },
        { name: `${NAMES.on}; bands: 95% CI`, colour: COLORS.on },
      ],
      width / 2 - 220,
      40,
    ),
    ...surfaces.flatMap((s, r) => [
      metricPanel(0, 50 + r * H, `${s}: HR@${k}`, windows, (w) => w.metrics[s]?.hr ?? {}, timeLabel),
      metricPanel(W, 50 + r * H, `${s}: NDCG@${k}`, windows, (w) => w.metrics[s]?.ndcg ?? {}, timeLabel),
    ]),
  ].join("\n");
  return `${svgDocument({ width, height, title, body, standalone: true })}\n`;
}
