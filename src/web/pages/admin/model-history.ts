import type { Marker, PanelSpec, Span, StackedSteps } from "../../../lib/charts/svg";
import { PALETTE, percent } from "../../../lib/charts/svg";

/**
 * The admin models page's charts, built from what `GET /v1/admin/models` returns (the selection store's
 * experiments with their per-arm outcomes, the registry's versions with their offline metrics, the decision
 * log): pure functions from that overview to chart panels, so they are tested without a browser.
 *
 * What the store keeps decides what can be drawn over time: each experiment's arms hold cumulative counts
 * (impressions, clicks) for the experiment's whole run, not a per-hour history, so online CTR is drawn as one
 * span per experiment and arm (its estimate and 95% interval over the time it ran), and traffic as each
 * experiment's realised split of shown items; between experiments the live version serves everything.
 */

interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}
interface Arm {
  impressions: number;
  clicks: number;
  requests: number;
  ctr: Interval;
}
export interface ExperimentLike {
  id: string;
  model: string;
  kind: string;
  status: string;
  champion: string;
  challenger: string;
  share: number;
  startedAt: number;
  endedAt: number | null;
  arms: { champion: Arm; challenger: Arm };
}
export interface DecisionLike {
  ts: number;
  model: string;
  action: string;
  fromVersion: string | null;
  toVersion: string | null;
  reason: string;
}
export interface ModelLike {
  model: string;
  live: { version: string; since: number } | null;
  versions: { version: string; createdAt: number; metrics: Record<string, number> }[];
}

/** Offline quality metrics the learner records per version (src/recsys/learner/evaluate.ts: qualityMetrics). */
export const OFFLINE_METRICS = ["ndcg@10", "hr@10"] as const;

export const ARM_COLOURS = { champion: PALETTE[0]!, challenger: PALETTE[1]! } as const;
/** Darker fills for the stacked traffic areas (large areas: calmer, and white text-free). */
const SHARE_COLOURS = { champion: "#5b8fc7", challenger: "#e08a4f" } as const;

const ACTION_COLOURS: Record<string, string> = {
  promoted: "#009E73",
  refreshed: "#009E73",
  rolled_back: "#b3261e",
  broken: "#b3261e",
  pinned: "#7b3fa0",
  unpinned: "#7b3fa0",
};

export const actionColour = (action: string): string => ACTION_COLOURS[action] ?? "#6b7280";

/** The time range every chart of a model shares, so the three line up: first version or experiment to now. */
export function timeRange(m: ModelLike, exps: ExperimentLike[], decisions: DecisionLike[], now: number) {
  const starts = [
    ...m.versions.map((v) => v.createdAt),
    ...exps.map((e) => e.startedAt),
    ...decisions.map((d) => d.ts),
  ];
  const lo = starts.length ? Math.min(...starts) : now - 3_600_000;
  return { min: lo, max: Math.max(now, lo + 60_000) };
}

/** Decisions as vertical markers (labelled when few enough not to collide). */
export function decisionMarkers(decisions: DecisionLike[]): Marker[] {
  return decisions.map((d) => ({
    x: d.ts,
    colour: actionColour(d.action),
    title: `${d.action}${d.fromVersion || d.toVersion ? ` ${d.fromVersion ?? "—"} → ${d.toVersion ?? "—"}` : ""}: ${d.reason}`,
    ...(decisions.length <= 4 ? { label: d.action.replace("_", " ") } : {}),
  }));
}

type Panel = Omit<PanelSpec, "width" | "height">;

/** Offline metrics per version, over the versions' creation times; the live version marked. */
export function offlinePanel(m: ModelLike, range: { min: number; max: number }): Panel | null {
  const names = OFFLINE_METRICS.filter((k) => m.versions.some((v) => typeof v.metrics[k] === "number"));
  if (names.length === 0) return null;
  const live = m.versions.find((v) => v.version === m.live?.version);
  return {
    xAxis: { kind: "time", ...range },
    yAxis: {},
    lines: names.map((k, i) => ({
      name: k,
      colour: PALETTE[(i + 2) % PALETTE.length]!,
      points: m.versions
        .filter((v) => typeof v.metrics[k] === "number")
        .map((v) => ({ x: v.createdAt, y: v.metrics[k]!, title: `${v.version}: ${k} ${v.metrics[k]!.toFixed(4)}` })),
    })),
    markers: live ? [{ x: live.createdAt, colour: "#1c2430", title: `live: ${live.version}`, label: "live" }] : [],
  };
}

/** Online CTR per experiment and arm, each a span over the time it ran with its 95% interval. */
export function onlinePanel(
  exps: ExperimentLike[],
  decisions: DecisionLike[],
  range: { min: number; max: number },
  now: number,
): Panel | null {
  const measured = exps.filter((e) => e.arms.champion.impressions + e.arms.challenger.impressions > 0);
  if (measured.length === 0) return null;
  const spans: Span[] = measured.flatMap((e) =>
    (["champion", "challenger"] as const)
      .filter((arm) => e.arms[arm].impressions > 0)
      .map((arm) => {
        const a = e.arms[arm];
        const version = arm === "champion" ? e.champion : e.challenger;
        return {
          x0: e.startedAt,
          x1: e.endedAt ?? now,
          y: a.ctr.estimate,
          lo: a.ctr.lo,
          hi: a.ctr.hi,
          colour: ARM_COLOURS[arm],
          title:
            `${e.kind} ${e.status}, ${arm} ${version}: CTR ${percent(a.ctr.estimate)} ` +
            `(95% ${percent(a.ctr.lo)}–${percent(a.ctr.hi)}), ${a.clicks} clicks / ${a.impressions} impressions`,
        };
      }),
  );
  return {
    xAxis: { kind: "time", ...range },
    yAxis: { format: percent },
    spans,
    markers: decisionMarkers(decisions),
  };
}

/**
 * Traffic shares over time: during each experiment its realised split of shown items (the challenger arm's
 * impressions over both arms'; the current allocation while nothing was shown yet), else all on live.
 */
export function trafficPanel(
  m: ModelLike,
  exps: ExperimentLike[],
  decisions: DecisionLike[],
  range: { min: number; max: number },
  now: number,
): Panel {
  const steps: StackedSteps = {
    xs: [],
    end: range.max,
    layers: [
      { name: "live / champion", colour: SHARE_COLOURS.champion, values: [], titles: [] },
      { name: "challenger", colour: SHARE_COLOURS.challenger, values: [], titles: [] },
    ],
  };
  const [champ, chall] = steps.layers as [StackedSteps["layers"][0], StackedSteps["layers"][0]];
  const push = (x: number, share: number, champion: string, challenger: string | null) => {
    steps.xs.push(x);
    champ.values.push(1 - share);
    chall.values.push(share);
    champ.titles!.push(`${champion}: ${percent(1 - share)} of shown items`);
    chall.titles!.push(challenger ? `${challenger} (challenger): ${percent(share)} of shown items` : "");
  };
  const liveAt = liveHistory(m, decisions);
  push(range.min, 0, liveAt(range.min) ?? "live version", null);
  for (const e of [...exps].sort((a, b) => a.startedAt - b.startedAt)) {
    push(e.startedAt, realisedShare(e), e.champion, e.challenger);
    const end = e.endedAt ?? now;
    if (end < range.max) push(end, 0, liveAt(end + 1) ?? e.champion, null);
  }
  return {
    xAxis: { kind: "time", ...range },
    yAxis: { min: 0, max: 1, format: percent },
    steps,
    markers: decisionMarkers(decisions),
  };
}

export function realisedShare(e: ExperimentLike): number {
  const shown = e.arms.champion.impressions + e.arms.challenger.impressions;
  return shown > 0 ? e.arms.challenger.impressions / shown : e.status === "running" ? e.share : 0;
}

/** Which version was live at a time, from the decisions that moved the pointer (newest known otherwise). */
function liveHistory(m: ModelLike, decisions: DecisionLike[]): (t: number) => string | null {
  const moves = decisions
    .filter((d) => d.toVersion && ["promoted", "rolled_back", "pinned", "refreshed", "broken"].includes(d.action))
    .sort((a, b) => a.ts - b.ts);
  return (t) => {
    let v: string | null = moves.length ? (moves[0]!.fromVersion ?? null) : (m.live?.version ?? null);
    for (const d of moves) if (d.ts <= t) v = d.toVersion;
    return v;
  };
}
