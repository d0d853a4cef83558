import { describe, expect, it } from "vitest";
import { esc, niceTicks, panel, percent, svgDocument, timeLabel, timeTicks } from "../../../src/lib/charts/svg";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1);

describe("shared SVG charts", () => {
  it("nice ticks cover the range at 1/2/2.5/5 steps", () => {
    expect(niceTicks(0, 0.163, 4)).toEqual({ ticks: [0, 0.05, 0.1, 0.15, 0.2], lo: 0, hi: 0.2 });
    expect(niceTicks(0, 1, 4).ticks).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // A flat range still gets an axis.
    expect(niceTicks(5, 5).ticks.length).toBeGreaterThan(1);
  });

  it("time ticks fall on UTC midnights for multi-day ranges, with times for short ones", () => {
    const days = timeTicks(T0 + 3_600_000, T0 + 5 * DAY, 5);
    expect(days.withTime).toBe(false);
    expect(days.ticks.every((t) => t % DAY === 0)).toBe(true);
    expect(timeLabel(days.ticks[0]!, false)).toBe("Dec 2");
    const hours = timeTicks(T0, T0 + 4 * 3_600_000, 5);
    expect(hours.withTime).toBe(true);
    expect(timeLabel(hours.ticks[1]!, true)).toBe("Dec 1 01:00");
  });

  it("escapes every text it draws (titles come from reasons admins type)", () => {
    expect(esc(`<script>"x" & 'y'`)).toBe("&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;");
    const svg = panel({
      width: 400,
      height: 200,
      title: "<b>",
      xAxis: { kind: "time" },
      yAxis: { format: percent },
      lines: [{ name: "a", colour: "#000", points: [{ x: T0, y: 0.1, title: "</title><script>" }] }],
      markers: [{ x: T0, colour: "#f00", title: 'reason "<img>"', label: "<pin>" }],
    });
    expect(svg).not.toMatch(/<script|<img|<b>|<pin>/);
    expect(svg).toContain("&lt;/title&gt;&lt;script&gt;");
  });

  it("draws lines with interval bands, spans, stacked steps and markers at their coordinates", () => {
    const svg = panel({
      width: 400,
      height: 200,
      margin: { left: 50, right: 10, top: 10, bottom: 40 },
      xAxis: { kind: "time", min: T0, max: T0 + 4 * DAY },
      yAxis: { min: 0, max: 1, format: percent },
      lines: [
        {
          name: "ctr",
          colour: "#123456",
          points: [
            { x: T0, y: 0.5, lo: 0.4, hi: 0.6 },
            { x: T0 + 4 * DAY, y: 1, lo: 0.9, hi: 1 },
          ],
        },
      ],
      spans: [{ x0: T0 + DAY, x1: T0 + 2 * DAY, y: 0.25, lo: 0, hi: 0.5, colour: "#abcdef", title: "exp 1" }],
      steps: {
        xs: [T0, T0 + 2 * DAY],
        end: T0 + 4 * DAY,
        layers: [
          { name: "live", colour: "#111111", values: [1, 0.7] },
          { name: "challenger", colour: "#222222", values: [0, 0.3] },
        ],
      },
      markers: [{ x: T0 + 2 * DAY, colour: "#333333", title: "promoted" }],
    });
    // Plot area: x 50..390 over 4 days (85 px a day), y 10..160 over 0..1 (150 px).
    expect(svg).toContain('<path d="M50 85L390 10" fill="none" stroke="#123456"');
    expect(svg).toContain('<polygon points="50,70 390,10 390,25 50,100"');
    expect(svg).toContain('<line x1="135" x2="220" y1="122.5" y2="122.5" stroke="#abcdef"');
    expect(svg).toContain('<rect x="135" y="85" width="85" height="75" fill="#abcdef" fill-opacity="0.18"/>');
    // Stacked: live 100% then 70%, challenger 30% on top of it from day 2.
    expect(svg).toContain('<rect x="50" y="10" width="170" height="150" fill="#111111">');
    expect(svg).toContain('<rect x="220" y="55" width="170" height="105" fill="#111111">');
    expect(svg).toContain('<rect x="220" y="10" width="170" height="45" fill="#222222">');
    expect(svg).toContain('<line x1="220" x2="220" y1="10" y2="160" stroke="#333333"');
    expect(svg).toContain(">100%</text>");
  });

  it("index axes label each window; a document is labelled for screen readers", () => {
    const body = panel({
      width: 300,
      height: 200,
      xAxis: { kind: "index", labels: ["w1", "w2"], sublabels: ["to a", "to b"] },
      yAxis: {},
      lines: [
        {
          name: "on",
          colour: "#000",
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 2 },
          ],
        },
      ],
    });
    expect(body).toContain(">w2</text>");
    expect(body).toContain(">to b</text>");
    const doc = svgDocument({ width: 300, height: 200, title: "T", desc: "D", id: "c1", body });
    expect(doc).toMatch(/^<svg viewBox="0 0 300 200"[^>]* role="img" aria-labelledby="c1-t c1-d">/);
    expect(doc).toContain('<title id="c1-t">T</title><desc id="c1-d">D</desc>');
    expect(svgDocument({ width: 1, height: 1, title: "f", body: "", standalone: true })).toContain(
      'xmlns="http://www.w3.org/2000/svg"',
    );
  });

  it("imports nothing from node: (it runs in workerd)", async () => {
    const { readFileSync } = await import("node:fs");
    const src = readFileSync(new URL("../../../src/lib/charts/svg.ts", import.meta.url), "utf8");
    expect(src).not.toMatch(/from "node:|require\(/);
  });
});
