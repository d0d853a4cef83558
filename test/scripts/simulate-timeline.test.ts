import { describe, expect, it } from "vitest";
import { type ChallengerSample, summarizeChallenger, timelineTable } from "../../scripts/lib/simulate/timeline";

const sample = (
  step: number,
  impressions: number,
  status: string,
  share: number,
  champion: number,
  challenger: number,
): ChallengerSample => ({
  step,
  impressions,
  status,
  experimentId: status === "queued" ? null : "exp-1",
  share,
  champion: { impressions: champion, clicks: Math.round(champion * 0.08) },
  challenger: { impressions: challenger, clicks: Math.round(challenger * 0.05) },
});

describe("summarizeChallenger (the simulator's challenger figures)", () => {
  it("reads the share at its 1,000th impression, the highest share after it, and the ending decision", () => {
    const samples = [
      sample(10, 5_000, "queued", 0, 0, 0),
      sample(11, 5_600, "running", 0.03, 500, 20),
      sample(20, 40_000, "running", 0.02, 30_000, 900),
      sample(21, 45_000, "running", 0.01, 34_000, 1_010),
      sample(22, 50_000, "rejected", 0, 38_000, 1_050),
    ];
    const s = summarizeChallenger("r", 5_000, samples, {
      action: "rejected",
      ts: 1,
      reason: "P(challenger better) 0.04",
      impressions: { champion: 37_900, challenger: 1_049 },
    });
    expect(s).toMatchObject({
      startedAtImpressions: 5_600,
      outcome: "rejected",
      promoted: false,
      at1000: { step: 21, allocatedShare: 0.01, status: "running" },
      maxShareAfter1000: 0.01,
      challengerImpressions: 1_049,
      experimentImpressions: 38_949,
    });
    expect(s.at1000?.observedShare).toBeCloseTo(1_010 / 35_010, 6);
    expect(s.atExperiment1000).toMatchObject({ step: 20, allocatedShare: 0.02 });
    expect(s.observedShare).toBeCloseTo(1_049 / 38_949, 6);
    // Every 2nd row, plus status changes and the last: steps 11, 12, 21, 23 (step 22 skipped).
    expect(
      timelineTable(samples, 2)
        .split("\n")
        .slice(2)
        .map((l) => l.split(" | ")[0]),
    ).toEqual(["| 11", "| 12", "| 21", "| 23"]);
  });

  it("a challenger that never ran, or was decided before 1,000 impressions, has no share at 1,000", () => {
    const never = summarizeChallenger("r", 100, [sample(1, 200, "queued", 0, 0, 0)], null);
    expect(never).toMatchObject({ startedAtImpressions: null, outcome: "queued", at1000: null, observedShare: null });
    const early = summarizeChallenger(
      "r",
      100,
      [sample(1, 200, "running", 0.03, 300, 40), sample(2, 900, "rejected", 0, 3000, 120)],
      {
        action: "rejected",
        ts: 2,
        reason: "worse",
        impressions: { champion: 3000, challenger: 120 },
      },
    );
    expect(early).toMatchObject({ at1000: null, maxShareAfter1000: 0, promoted: false, challengerImpressions: 120 });
  });
});
