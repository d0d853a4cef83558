/**
 * The simulator's challenger figure (issue 14.7: "show, in docs with charts"): over the run's impressions, the
 * challenger's traffic share (allocated by selection, and observed in its experiment) and both arms' CTR with
 * 95% intervals, with the moments that decide the figures marked: its experiment's start, its 1,000th
 * impression and the decision that ended it. Drawn with the shared SVG panels (src/lib/charts/svg.ts).
 */
import {
  INK,
  legend,
  MUTED,
  PALETTE,
  panel,
  percent,
  svgDocument,
  esc,
  type ChartPoint,
} from "../../../src/lib/charts/svg";
import { wilson } from "./outcomes";
import type { ChallengerSample, ChallengerSummary } from "./timeline";

const W = 760;
const H = 250;
const COLOURS = { champion: PALETTE[0], challenger: PALETTE[1], observed: PALETTE[2] };

const thousands = (n: number): string => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));

export function renderChallengerChart(
  title: string,
  traffic: { summary: ChallengerSummary; samples: readonly ChallengerSample[] },
): string {
  const samples = traffic.samples;
  const every = Math.max(1, Math.ceil(samples.length / 8));
  const labels = samples.map((s, i) => (i % every === 0 || i === samples.length - 1 ? thousands(s.impressions) : ""));
  const xAxis = { kind: "index" as const, labels, title: "feed impressions served in the run (all shoppers)" };
  const markers = [];
  const started = samples.findIndex((s) => s.status !== "queued");
  if (started >= 0) markers.push({ x: started, colour: MUTED, title: "its experiment starts", label: "start" });
  const at1000 = samples.findIndex((s) => s.challenger.impressions >= 1000);
  if (at1000 >= 0)
    markers.push({ x: at1000, colour: INK, title: "the challenger's 1,000th impression", label: "1,000th" });
  const decided = traffic.summary.decision;
  const ended = samples.findIndex((s, i) => i > started && started >= 0 && s.status !== "running");
  if (decided && ended >= 0)
    markers.push({
      x: ended,
      colour: PALETTE[3],
      title: `${decided.action}: ${decided.reason}`,
      label: decided.action,
    });

  // Arm totals stay in the samples after the experiment ends: draw them only while it ran (and at its end).
  const running = (i: number): boolean => started >= 0 && i >= started && (ended < 0 || i <= ended);
  const share = panel({
    x: 0,
    y: 50,
    width: W,
    height: H,
    title: "Challenger's share of its experiment's traffic",
    margin: { bottom: 46 },
    xAxis,
    yAxis: { format: percent, min: 0, max: 1 },
    lines: [
      {
        name: "allocated by selection",
        colour: COLOURS.challenger,
        shape: "step",
        points: samples.map((s, i) => ({ x: i, y: s.share })),
      },
      {
        name: "observed (its impressions / both arms')",
        colour: COLOURS.observed,
        dashed: true,
        points: samples.flatMap((s, i) => {
          const both = s.champion.impressions + s.challenger.impressions;
          return both > 0 && running(i) ? [{ x: i, y: s.challenger.impressions / both }] : [];
        }),
      },
    ],
    markers,
  });
  const ctrPoints = (arm: "champion" | "challenger"): ChartPoint[] =>
    samples.flatMap((s, i) => {
      const iv = wilson(s[arm].clicks, s[arm].impressions);
      return s[arm].impressions >= 50 && running(i) ? [{ x: i, y: iv.rate, lo: iv.lo, hi: iv.hi }] : [];
    });
  const ctr = panel({
    x: 0,
    y: 60 + H,
    width: W,
    height: H,
    title: "CTR per arm since the experiment started (bands: 95% Wilson intervals)",
    margin: { bottom: 46 },
    xAxis,
    yAxis: { format: percent },
    lines: [
      { name: "champion", colour: COLOURS.champion, points: ctrPoints("champion") },
      { name: "challenger", colour: COLOURS.challenger, points: ctrPoints("challenger") },
    ],
    markers,
  });
  const body = [
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    legend(
      [
        { name: "champion", colour: COLOURS.champion },
        { name: "challenger (allocated share)", colour: COLOURS.challenger },
        { name: "observed share", colour: COLOURS.observed },
      ],
      40,
      40,
    ),
    share,
    ctr,
  ].join("\n");
  return `${svgDocument({ width: W, height: 2 * H + 70, title, body, standalone: true })}\n`;
}
