import { describe, expect, it } from "vitest";
import { renderChallengerChart } from "../../scripts/lib/simulate/chart";
import type { ChallengerSample } from "../../scripts/lib/simulate/timeline";

const sample = (i: number, status: string, share: number, ch: number, cl: number): ChallengerSample => ({
  step: i,
  impressions: 1000 * i,
  status,
  experimentId: status === "queued" ? null : "e1",
  share,
  champion: { impressions: ch, clicks: Math.round(ch * 0.1) },
  challenger: { impressions: cl, clicks: Math.round(cl * 0.05) },
});

describe("simulator challenger chart", () => {
  it("marks the start, the 1,000th challenger impression and the ending decision", () => {
    const samples = [
      sample(1, "queued", 0, 0, 0),
      sample(2, "running", 0.03, 900, 30),
      sample(3, "running", 0.01, 30_000, 1_000),
      sample(4, "rejected", 0, 30_000, 1_000),
    ];
    const svg = renderChallengerChart("random challenger", {
      summary: {
        version: "v",
        registeredAtImpressions: 1000,
        startedAtImpressions: 2000,
        outcome: "rejected",
        promoted: false,
        decision: { action: "rejected", ts: 0, reason: "challenger worse" },
        at1000: null,
        atExperiment1000: null,
        maxShareAfter1000: 0,
        observedShare: null,
        challengerImpressions: 1000,
        experimentImpressions: 31_000,
      },
      samples,
    });
    expect(svg.startsWith("<svg")).toBe(true);
    for (const label of ["start", "1,000th", "rejected: challenger worse"]) expect(svg).toContain(label);
    expect(svg).toContain("random challenger");
  });
});
