/**
 * The challenger's live traffic over a simulator run (issue 14's figures: a random challenger under 5% of
 * traffic after 1,000 of its impressions and never promoted; a better one promoted within 20,000): after every
 * round of shopper steps, the run samples the challenger's experiment from the selection store (what
 * `GET /v1/admin/models` shows: its status, allocated share and both arms' folded impressions and clicks) beside
 * the simulator's own impression count. `summarizeChallenger` reads the figures off those samples.
 */

export interface ArmSample {
  impressions: number;
  clicks: number;
}

export interface ChallengerSample {
  step: number;
  /** Feed impressions the simulator has seen so far (all shoppers, all versions). */
  impressions: number;
  /** `queued` before its experiment starts; then the experiment's status. */
  status: string;
  experimentId: string | null;
  /** The challenger's allocated share of interleaved slots (the bandit's; 0 once ended). */
  share: number;
  champion: ArmSample;
  challenger: ArmSample;
}

export interface ChallengerDecision {
  action: string;
  ts: number;
  reason: string;
  /** Both arms' impressions when the decision was taken (from the decision's numbers). */
  impressions?: { champion: number; challenger: number };
}

export interface ChallengerSummary {
  version: string;
  registeredAtImpressions: number;
  /** Simulator impressions when its experiment was first seen running (null: it never ran). */
  startedAtImpressions: number | null;
  /** The experiment's final status, or `queued` when it never started. */
  outcome: string;
  promoted: boolean;
  /** The decision that ended its experiment, with both arms' impressions then. */
  decision: ChallengerDecision | null;
  /** Its impressions, and share of its experiment's impressions, when it had 1,000 impressions (null: never). */
  at1000: { step: number; allocatedShare: number; observedShare: number; status: string } | null;
  /** The same once its experiment had served 1,000 impressions (both arms): its share from there on. */
  atExperiment1000: { step: number; allocatedShare: number; observedShare: number; status: string } | null;
  /** Highest share it was allocated once it had 1,000 impressions (0 when it never got there or was ended). */
  maxShareAfter1000: number;
  /** Its share of its experiment's impressions over the whole experiment. */
  observedShare: number | null;
  challengerImpressions: number;
  experimentImpressions: number;
}

const total = (s: ChallengerSample): number => s.champion.impressions + s.challenger.impressions;

export function summarizeChallenger(
  version: string,
  registeredAtImpressions: number,
  samples: readonly ChallengerSample[],
  decision: ChallengerDecision | null,
): ChallengerSummary {
  const started = samples.find((s) => s.experimentId !== null);
  const last = samples[samples.length - 1];
  const i1000 = samples.findIndex((s) => s.challenger.impressions >= 1000);
  const at = i1000 >= 0 ? samples[i1000] : null;
  const atExp = samples.find((s) => total(s) >= 1000) ?? null;
  const point = (x: ChallengerSample) => ({
    step: x.step,
    allocatedShare: x.status === "running" ? x.share : 0,
    observedShare: x.challenger.impressions / Math.max(1, total(x)),
    status: x.status,
  });
  const after = i1000 >= 0 ? samples.slice(i1000).filter((s) => s.status === "running") : [];
  const final =
    decision?.impressions ??
    (last ? { champion: last.champion.impressions, challenger: last.challenger.impressions } : null);
  const experimentImpressions = final ? final.champion + final.challenger : 0;
  return {
    version,
    registeredAtImpressions,
    startedAtImpressions: started ? started.impressions : null,
    outcome: last?.status ?? "queued",
    promoted: decision?.action === "promoted",
    decision,
    at1000: at ? point(at) : null,
    atExperiment1000: atExp ? point(atExp) : null,
    maxShareAfter1000: after.reduce((m, s) => Math.max(m, s.share), 0),
    observedShare: final && experimentImpressions > 0 ? final.challenger / experimentImpressions : null,
    challengerImpressions: final?.challenger ?? 0,
    experimentImpressions,
  };
}

/** A markdown table of every `every`-th sample (and the first and last), for the console report. */
export function timelineTable(samples: readonly ChallengerSample[], every: number): string {
  const lines = [
    "| step | impressions (all) | status | allocated share | champion impressions | challenger impressions | challenger share of experiment | challenger CTR % | champion CTR % |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const ctr = (a: ArmSample) => (a.impressions > 0 ? ((100 * a.clicks) / a.impressions).toFixed(2) : "-");
  samples.forEach((s, i) => {
    if (i % every !== 0 && i !== samples.length - 1 && samples[i - 1]?.status === s.status) return;
    const share = total(s) > 0 ? `${((100 * s.challenger.impressions) / total(s)).toFixed(1)}%` : "-";
    lines.push(
      `| ${s.step + 1} | ${s.impressions} | ${s.status} | ${s.share.toFixed(3)} | ${s.champion.impressions} | ${s.challenger.impressions} | ${share} | ${ctr(s.challenger)} | ${ctr(s.champion)} |`,
    );
  });
  return lines.join("\n");
}
