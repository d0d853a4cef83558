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
  const width = 720;
  const height = 250;
  const body = legend(props.legend, 56, 16) + panel({ ...props.panel, y: 16, width, height: height - 16 });
  return (
    <figure class="chart">
      {raw(svgDocument({ width, height, title: props.title, desc: props.desc, id: props.id, body }))}
      <figcaption>
        <strong>{props.title}</strong>
        {props.caption ? <span class="muted"> {props.caption}</span> : null}
      </figcaption>
    </figure>
  );
}
