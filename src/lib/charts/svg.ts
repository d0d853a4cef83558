/**
 * Charts as SVG text, drawn on the server: the admin models page (src/web/pages/admin/charts.tsx) and the replay
 * benchmark's figure (scripts/lib/replay/chart.ts) both use these panels. Plain strings and arithmetic only (no
 * DOM, no node:*), so it runs in workerd as on Node, costs the pages no JavaScript, and its output is
 * deterministic (diffable in docs). Presentation attributes only, no inline style: the page CSP allows none.
 *
 * A panel is one plot area with axes: lines (optionally with an interval band per point), spans (a value held
 * over a time range with its interval, e.g. an experiment's CTR), stacked step areas (traffic shares) and
 * vertical markers (decisions). Every mark carries a <title>, so hovering names it and screen readers can reach
 * it; the figure as a whole is labelled by the caller.
 */

export interface ChartPoint {
  x: number;
  y: number;
  /** A 95% interval around y, drawn as a band (lines) or a whisker. */
  lo?: number;
  hi?: number;
  /** The point's tooltip; default "<series> <x> <y>". */
  title?: string;
}

export interface LineSeries {
  name: string;
  colour: string;
  points: ChartPoint[];
  /** "line" joins the points; "step" holds each value until the next point. Default "line". */
  shape?: "line" | "step";
  dashed?: boolean;
}

/** A value held from x0 to x1 (an experiment arm's CTR over the experiment), its interval as a band. */
export interface Span {
  x0: number;
  x1: number;
  y: number;
  lo?: number;
  hi?: number;
  colour: string;
  title: string;
}

/** Layers stacked bottom-up over the same x steps: each layer's value holds from its x until the next x. */
export interface StackedSteps {
  /** Step starts (ascending); the last step runs to `end`. */
  xs: number[];
  end: number;
  layers: { name: string; colour: string; values: number[]; titles?: string[] }[];
}

export interface Marker {
  x: number;
  colour: string;
  title: string;
  /** A short label drawn at the top of the line (omit when markers are dense). */
  label?: string;
}

export interface XAxis {
  /** "time": x in unix ms, UTC ticks; "index": x = 0..n-1 with `labels[i]` (and optional `sublabels[i]`). */
  kind: "time" | "index";
  labels?: string[];
  sublabels?: string[];
  title?: string;
  /** Force the range (e.g. to include "now"). */
  min?: number;
  max?: number;
}

export interface YAxis {
  title?: string;
  format?: (v: number) => string;
  /** The axis starts at 0 unless told otherwise; `max` fixes the top (e.g. 1 for shares). */
  min?: number;
  max?: number;
}

export interface PanelSpec {
  /** Placement inside the enclosing <svg>. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  title?: string;
  xAxis: XAxis;
  yAxis: YAxis;
  lines?: LineSeries[];
  spans?: Span[];
  steps?: StackedSteps;
  markers?: Marker[];
  margin?: Partial<Margin>;
}

interface Margin {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const INK = "#1c2430";
export const MUTED = "#4f5b6b";
const GRID = "#d9dee5";

/** Okabe–Ito (colour-blind safe), each with at least 3:1 contrast on white for lines and marks. */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9", "#000000"];

/** Escapes text for SVG/XML content and attribute values. */
export const esc = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!);

const r1 = (v: number) => Math.round(v * 10) / 10;

/** Ticks at 1, 2, 2.5 or 5 × 10^k covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 4): { ticks: number[]; lo: number; hi: number } {
  if (!(hi > lo)) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { ticks, lo: first, hi: last };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  30 * DAY,
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/** "Dec 7" or "Dec 7 14:30" (UTC): a day label when ticks fall on midnights. */
export function timeLabel(ms: number, withTime: boolean): string {
  const d = new Date(ms);
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  return withTime ? `${day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}` : day;
}

/** UTC time ticks at a round interval (minutes to months), about `count` of them. */
export function timeTicks(lo: number, hi: number, count = 5): { ticks: number[]; withTime: boolean } {
  const span = Math.max(hi - lo, MINUTE);
  // Up to count + 1 ticks: a range a hair over 6 days still gets ticks every 2 days for count 3.
  const step = TIME_STEPS.find((s) => span / s < count + 1) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(t);
  return { ticks, withTime: step < DAY };
}

const defaultFormat = (v: number) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? String(r1(v)) : String(Number(v.toPrecision(2)));

/** Values in 0..1 as percentages: 0.0421 → "4.2%". */
export const percent = (v: number): string => `${r1(100 * v)}%`;

/** One plot area with axes and marks, as an SVG <g>. */
export function panel(spec: PanelSpec): string {
  const m: Margin = { left: 56, right: 14, top: spec.title ? 28 : 12, bottom: 40, ...spec.margin };
  const ox = spec.x ?? 0;
  const oy = spec.y ?? 0;
  const pw = spec.width - m.left - m.right;
  const ph = spec.height - m.top - m.bottom;
  const lines = spec.lines ?? [];
  const spans = spec.spans ?? [];

  // Ranges over everything drawn.
  const xsAll: number[] = [
    ...lines.flatMap((s) => s.points.map((p) => p.x)),
    ...spans.flatMap((s) => [s.x0, s.x1]),
    ...(spec.steps ? [...spec.steps.xs, spec.steps.end] : []),
    ...(spec.markers ?? []).map((mk) => mk.x),
  ];
  const ysAll: number[] = [
    ...lines.flatMap((s) => s.points.flatMap((p) => [p.y, p.hi ?? p.y, p.lo ?? p.y])),
    ...spans.flatMap((s) => [s.y, s.hi ?? s.y, s.lo ?? s.y]),
  ];
  if (spec.steps) {
    for (let i = 0; i < spec.steps.xs.length; i++)
      ysAll.push(spec.steps.layers.reduce((n, l) => n + (l.values[i] ?? 0), 0));
  }
  const isIndex = spec.xAxis.kind === "index";
  let x0 = spec.xAxis.min ?? (isIndex ? 0 : Math.min(...xsAll));
  let x1 = spec.xAxis.max ?? (isIndex ? Math.max(0, (spec.xAxis.labels?.length ?? 1) - 1) : Math.max(...xsAll));
  if (!Number.isFinite(x0) || !Number.isFinite(x1)) [x0, x1] = [0, 1];
  if (x1 <= x0) [x0, x1] = isIndex ? [x0 - 0.5, x1 + 0.5] : [x0 - HOUR, x1 + HOUR];
  const yNice = niceTicks(spec.yAxis.min ?? Math.min(0, ...ysAll), spec.yAxis.max ?? Math.max(...ysAll, 0) * 1.05);
  const [y0, y1] = [spec.yAxis.min ?? yNice.lo, spec.yAxis.max ?? yNice.hi];
  const px = (x: number) => r1(ox + m.left + (isIndex && x1 - x0 === 0 ? pw / 2 : ((x - x0) / (x1 - x0)) * pw));
  const py = (y: number) => r1(oy + m.top + ph - ((y - y0) / (y1 - y0)) * ph);
  const fy = spec.yAxis.format ?? defaultFormat;
  const out: string[] = [`<g>`];

  if (spec.title)
    out.push(
      `<text x="${ox + m.left}" y="${oy + 18}" font-size="13" font-weight="bold" fill="${INK}">${esc(spec.title)}</text>`,
    );
  // Y grid and labels.
  for (const v of yNice.ticks.filter((t) => t >= y0 - 1e-9 && t <= y1 + 1e-9)) {
    out.push(
      `<line x1="${ox + m.left}" x2="${ox + m.left + pw}" y1="${py(v)}" y2="${py(v)}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${ox + m.left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="11" fill="${MUTED}">${esc(fy(v))}</text>`,
    );
  }
  if (spec.yAxis.title)
    out.push(
      `<text x="${ox + 12}" y="${oy + m.top + ph / 2}" text-anchor="middle" font-size="11" fill="${MUTED}" transform="rotate(-90 ${ox + 12} ${oy + m.top + ph / 2})">${esc(spec.yAxis.title)}</text>`,
    );
  // X labels.
  const base = oy + m.top + ph;
  out.push(`<line x1="${ox + m.left}" x2="${ox + m.left + pw}" y1="${base}" y2="${base}" stroke="${MUTED}"/>`);
  if (isIndex) {
    (spec.xAxis.labels ?? []).forEach((label, i) => {
      out.push(
        `<text x="${px(i)}" y="${base + 15}" text-anchor="middle" font-size="11" fill="${MUTED}">${esc(label)}</text>`,
      );
      const sub = spec.xAxis.sublabels?.[i];
      if (sub)
        out.push(
          `<text x="${px(i)}" y="${base + 27}" text-anchor="middle" font-size="9" fill="${MUTED}">${esc(sub)}</text>`,
        );
    });
  } else {
    const { ticks, withTime } = timeTicks(x0, x1, Math.max(2, Math.floor(pw / 90)));
    for (const t of ticks) {
      out.push(
        `<line x1="${px(t)}" x2="${px(t)}" y1="${base}" y2="${base + 4}" stroke="${MUTED}"/>`,
        `<text x="${px(t)}" y="${base + 16}" text-anchor="middle" font-size="11" fill="${MUTED}">${esc(timeLabel(t, withTime))}</text>`,
      );
    }
  }
  if (spec.xAxis.title)
    out.push(
      `<text x="${ox + m.left + pw / 2}" y="${oy + spec.height - 4}" text-anchor="middle" font-size="11" fill="${MUTED}">${esc(spec.xAxis.title)}</text>`,
    );

  if (spec.steps) out.push(stackedSteps(spec.steps, px, py, fy));
  for (const s of spans) out.push(span(s, px, py));
  for (const s of lines) out.push(line(s, px, py, fy, spec.xAxis));
  for (const mk of spec.markers ?? []) {
    const x = px(mk.x);
    out.push(
      `<g><title>${esc(mk.title)}</title><line x1="${x}" x2="${x}" y1="${oy + m.top}" y2="${base}" stroke="${mk.colour}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
        `<path d="M${x - 5} ${oy + m.top - 8}h10l-5 7z" fill="${mk.colour}"/>` +
        (mk.label
          ? // Near the right edge the label goes left of its line, inside the plot.
            x > ox + m.left + pw * 0.85
            ? `<text x="${x - 4}" y="${oy + m.top + 10}" text-anchor="end" font-size="10" fill="${INK}">${esc(mk.label)}</text>`
            : `<text x="${x + 4}" y="${oy + m.top + 10}" font-size="10" fill="${INK}">${esc(mk.label)}</text>`
          : "") +
        `</g>`,
    );
  }
  out.push(`</g>`);
  return out.join("");
}

function line(
  s: LineSeries,
  px: (x: number) => number,
  py: (y: number) => number,
  fy: (v: number) => string,
  xAxis: XAxis,
): string {
  const pts = [...s.points].sort((a, b) => a.x - b.x);
  if (pts.length === 0) return "";
  const out: string[] = [];
  const banded = pts.filter((p) => p.lo !== undefined && p.hi !== undefined);
  if (banded.length > 1) {
    const upper = banded.map((p) => `${px(p.x)},${py(p.hi!)}`);
    const lower = [...banded].reverse().map((p) => `${px(p.x)},${py(p.lo!)}`);
    out.push(`<polygon points="${[...upper, ...lower].join(" ")}" fill="${s.colour}" fill-opacity="0.15"/>`);
  } else if (banded.length === 1) {
    const p = banded[0]!;
    out.push(
      `<line x1="${px(p.x)}" x2="${px(p.x)}" y1="${py(p.lo!)}" y2="${py(p.hi!)}" stroke="${s.colour}" stroke-width="2"/>`,
    );
  }
  const d =
    s.shape === "step"
      ? pts.map((p, i) => (i === 0 ? `M${px(p.x)} ${py(p.y)}` : `H${px(p.x)}V${py(p.y)}`)).join("")
      : pts.map((p, i) => `${i === 0 ? "M" : "L"}${px(p.x)} ${py(p.y)}`).join("");
  out.push(
    `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
  );
  for (const p of pts) {
    const xText = xAxis.kind === "index" ? (xAxis.labels?.[p.x] ?? String(p.x)) : timeLabel(p.x, true);
    const interval = p.lo !== undefined && p.hi !== undefined ? ` (${fy(p.lo)}–${fy(p.hi)})` : "";
    out.push(
      `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="3.5" fill="${s.colour}"><title>${esc(p.title ?? `${s.name}, ${xText}: ${fy(p.y)}${interval}`)}</title></circle>`,
    );
  }
  return `<g>${out.join("")}</g>`;
}

function span(s: Span, px: (x: number) => number, py: (y: number) => number): string {
  const [a, b] = [px(s.x0), Math.max(px(s.x1), px(s.x0) + 3)];
  const band =
    s.lo !== undefined && s.hi !== undefined
      ? `<rect x="${a}" y="${py(s.hi)}" width="${r1(b - a)}" height="${r1(Math.max(py(s.lo) - py(s.hi), 1))}" fill="${s.colour}" fill-opacity="0.18"/>`
      : "";
  return `<g><title>${esc(s.title)}</title>${band}<line x1="${a}" x2="${b}" y1="${py(s.y)}" y2="${py(s.y)}" stroke="${s.colour}" stroke-width="3"/></g>`;
}

function stackedSteps(
  st: StackedSteps,
  px: (x: number) => number,
  py: (y: number) => number,
  fy: (v: number) => string,
): string {
  const out: string[] = [];
  const below = st.xs.map(() => 0);
  for (const layer of st.layers) {
    st.xs.forEach((x, i) => {
      const v = layer.values[i] ?? 0;
      if (v <= 0) return;
      const next = st.xs[i + 1] ?? st.end;
      const [a, b] = [px(x), px(next)];
      const [top, bottom] = [py(below[i]! + v), py(below[i]!)];
      const title = layer.titles?.[i] ?? `${layer.name}: ${fy(v)}`;
      out.push(
        `<rect x="${a}" y="${top}" width="${r1(Math.max(b - a, 1))}" height="${r1(bottom - top)}" fill="${layer.colour}"><title>${esc(title)}</title></rect>`,
      );
      below[i]! += v;
    });
  }
  return `<g>${out.join("")}</g>`;
}

/** A row of legend swatches (colour + name) starting at (x, y); returns the SVG and the row's width. */
export function legend(items: { name: string; colour: string; band?: boolean }[], x: number, y: number): string {
  let at = x;
  const out: string[] = [];
  for (const it of items) {
    out.push(
      `<rect x="${at}" y="${y - 9}" width="14" height="10" fill="${it.colour}"${it.band ? ' fill-opacity="0.35"' : ""}/>`,
      `<text x="${at + 19}" y="${y}" font-size="11" fill="${INK}">${esc(it.name)}</text>`,
    );
    at += 19 + it.name.length * 6.2 + 16;
  }
  return out.join("");
}

/**
 * A complete <svg> around panels. `standalone` adds the XML namespace and a white background (a file); inline
 * in a page it is an image labelled by `title` (role=img) with `desc` as its long description.
 */
export function svgDocument(o: {
  width: number;
  height: number;
  title: string;
  desc?: string;
  id?: string;
  body: string;
  standalone?: boolean;
}): string {
  const t = o.id ? `${o.id}-t` : "";
  const d = o.id && o.desc ? `${o.id}-d` : "";
  const labelled = o.id ? ` role="img" aria-labelledby="${[t, d].filter(Boolean).join(" ")}"` : ' role="img"';
  return (
    `<svg${o.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : ""} viewBox="0 0 ${o.width} ${o.height}" width="${o.width}" height="${o.height}"` +
    ` font-family="system-ui, sans-serif" font-size="11"${labelled}>` +
    `<title${t ? ` id="${t}"` : ""}>${esc(o.title)}</title>` +
    (o.desc ? `<desc${d ? ` id="${d}"` : ""}>${esc(o.desc)}</desc>` : "") +
    `<rect width="${o.width}" height="${o.height}" fill="#ffffff"/>` +
    o.body +
    `</svg>`
  );
}
