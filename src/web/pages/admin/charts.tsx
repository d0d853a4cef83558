/**
 * Charts for the admin models page, drawn on the server as inline SVG. Why not a chart library: the page needs
 * a few line and bar charts of tens of points; SVG from the server costs no JavaScript (the storefront's budget
 * is 60 KB on any page), renders before any script runs (no layout shift, fast LCP), works without JavaScript,
 * passes the page CSP (presentation attributes, no inline styles or scripts) and is readable by screen readers
 * through <title>/<desc> and the data table each chart sits next to.
 */

export interface Point {
  x: number;
  y: number;
  label?: string;
}
export interface Series {
  name: string;
  points: Point[];
}

/** Colour-blind-safe palette (Okabe–Ito), each with AA contrast on white. */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
/** Dark fills, so the white labels on them keep AA contrast. */
const SHARE_COLOURS = ["#0b5394", "#8a3b00", "#0b6e4f"];
const W = 640;
const H = 220;
const PAD = { l: 52, r: 12, t: 12, b: 36 };

const fmtDate = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace("T", " ");
const fmtNum = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

/** A line chart of one or more series over time (x in unix ms). */
export function LineChart(props: { title: string; series: Series[]; yLabel: string; id: string }) {
  const pts = props.series.flatMap((s) => s.points);
  if (pts.length === 0) return <p class="muted">{`${props.title}: no data yet.`}</p>;
  let [x0, x1] = [Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x))];
  let [y0, y1] = [Math.min(0, ...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.y))];
  if (x0 === x1) [x0, x1] = [x0 - 60_000, x1 + 60_000];
  if (y0 === y1) y1 = y0 + 1;
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const yTicks = [0, 0.5, 1].map((f) => y0 + f * (y1 - y0));
  const xTicks = [0, 0.5, 1].map((f) => x0 + f * (x1 - x0));
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-labelledby={`${props.id}-t ${props.id}-d`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${props.id}-t`}>{props.title}</title>
        <desc id={`${props.id}-d`}>
          {props.series
            .map((s) => `${s.name}: ${s.points.map((p) => `${fmtDate(p.x)} ${fmtNum(p.y)}`).join(", ")}`)
            .join("; ")}
        </desc>
        <rect x="0" y="0" width={W} height={H} fill="#ffffff" />
        {yTicks.map((y) => (
          <g>
            <line x1={PAD.l} x2={W - PAD.r} y1={sy(y)} y2={sy(y)} stroke="#d9dee5" stroke-width="1" />
            <text x={PAD.l - 6} y={sy(y) + 4} text-anchor="end" font-size="11" fill="#4f5b6b">
              {fmtNum(y)}
            </text>
          </g>
        ))}
        {xTicks.map((x, i) => (
          <text
            x={sx(x)}
            y={H - PAD.b + 16}
            text-anchor={i === 0 ? "start" : i === 2 ? "end" : "middle"}
            font-size="11"
            fill="#4f5b6b"
          >
            {fmtDate(x)}
          </text>
        ))}
        <text x="12" y={PAD.t + 8} font-size="11" fill="#4f5b6b" transform={`rotate(-90 12 ${H / 2})`}>
          {props.yLabel}
        </text>
        {props.series.map((s, i) => {
          const colour = PALETTE[i % PALETTE.length];
          const sorted = [...s.points].sort((a, b) => a.x - b.x);
          return (
            <g>
              <polyline
                points={sorted.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ")}
                fill="none"
                stroke={colour}
                stroke-width="2"
              />
              {sorted.map((p) => (
                <circle cx={sx(p.x)} cy={sy(p.y)} r="3.5" fill={colour}>
                  <title>{`${s.name} ${p.label ?? ""} ${fmtDate(p.x)}: ${fmtNum(p.y)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <strong>{props.title}</strong>{" "}
        {props.series.map((s, i) => (
          <span class="legend">
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" fill={PALETTE[i % PALETTE.length]} />
            </svg>{" "}
            {s.name}{" "}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** One horizontal bar split into shares (traffic between champion and challenger). */
export function ShareBar(props: { title: string; shares: { name: string; share: number }[] }) {
  let x = 0;
  const total = props.shares.reduce((n, s) => n + s.share, 0) || 1;
  return (
    <figure class="chart">
      <svg
        viewBox="0 0 400 28"
        width="400"
        height="28"
        role="img"
        aria-label={`${props.title}: ${props.shares.map((s) => `${s.name} ${Math.round((s.share / total) * 100)}%`).join(", ")}`}
      >
        {props.shares.map((s, i) => {
          const w = (s.share / total) * 400;
          const el = (
            <g>
              <rect x={x} y="0" width={w} height="28" fill={SHARE_COLOURS[i % SHARE_COLOURS.length]} />
              {w > 60 ? (
                <text x={x + 6} y="19" font-size="12" fill="#ffffff">
                  {`${s.name} ${Math.round((s.share / total) * 100)}%`}
                </text>
              ) : null}
            </g>
          );
          x += w;
          return el;
        })}
      </svg>
      <figcaption>{props.title}</figcaption>
    </figure>
  );
}
