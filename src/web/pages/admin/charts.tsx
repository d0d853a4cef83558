import { raw } from "hono/html";
import { legend, panel, type PanelSpec, svgDocument } from "../../../lib/charts/svg";

/**
 * A chart on the admin models page: the shared server-side SVG module (src/lib/charts/svg.ts, also drawing
 * the replay benchmark's figure) inside a <figure>. Why no chart library: tens of points per chart, and SVG
 * drawn on the server costs no JavaScript (the storefront's budget is 60 KB on any page), shows before any
 * script runs, works without JavaScript, passes the page CSP (presentation attributes, no inline styles or
 * scripts), and is readable by screen readers through <title>/<desc> and the tables beside it.
 */
export function Chart(props: {
  id: string;
  title: string;
  /** The long description a screen reader gets (what the chart shows, in words). */
  desc: string;
  panel: Omit<PanelSpec, "width" | "height">;
  legend: { name: string; colour: string; band?: boolean }[];
  caption?: string;
}) {
  // Two drawings of the same data: SVG text scales with the drawing, so a phone gets one drawn narrower (its
  // labels stay readable) and CSS shows one of them (the other is display:none, out of the accessibility tree).
  const draw = (width: number, height: number, id: string) =>
    svgDocument({
      width,
      height,
      title: props.title,
      desc: props.desc,
      id,
      body: legend(props.legend, 56, 16) + panel({ ...props.panel, y: 16, width, height: height - 16 }),
    });
  return (
    <figure class="chart">
      <div class="chart-wide">{raw(draw(720, 250, props.id))}</div>
      <div class="chart-narrow">{raw(draw(400, 260, `${props.id}-n`))}</div>
      <figcaption>
        <strong>{props.title}</strong>
        {props.caption ? <span class="muted"> {props.caption}</span> : null}
      </figcaption>
    </figure>
  );
}
