import { describe, expect, it } from "vitest";
import { DEFAULT_SELECTION_POLICY as P, judge } from "../../../src/recsys/selection/cycle";
import { EMPTY_ARM } from "../../../src/recsys/selection/store";

const arm = (impressions: number, clicks: number, extra: Partial<typeof EMPTY_ARM> = {}) => ({
  ...EMPTY_ARM,
  impressions,
  clicks,
  ...extra,
});

describe("judge (one experiment's decision)", () => {
  const challenge = { kind: "challenge" as const, share: 0.2 };
  const guard = { kind: "guard" as const, share: 0.1 };

  it("keeps measuring with Thompson's share while the evidence is thin", () => {
    const v = judge(challenge, { champion: arm(200, 20), challenger: arm(50, 5) }, P);
    expect(v.action).toBe("continue");
  });

  it("promotes a challenger that is better with enough impressions on both arms", () => {
    const v = judge(challenge, { champion: arm(2000, 100), challenger: arm(600, 60) }, P);
    expect(v).toMatchObject({ action: "promote" });
    // Not before both arms reached the minimum.
    expect(judge(challenge, { champion: arm(2000, 100), challenger: arm(200, 40) }, P).action).toBe("continue");
  });

  it("rejects a worse challenger fast, and one that fails or is slow", () => {
    expect(judge(challenge, { champion: arm(900, 90), challenger: arm(120, 0) }, P).action).toBe("reject");
    const failing = judge(
      challenge,
      { champion: arm(100, 10, { requests: 50 }), challenger: arm(100, 10, { requests: 30, errors: 5 }) },
      P,
    );
    expect(failing).toMatchObject({ action: "reject", reason: expect.stringContaining("error rate") });
    const slow = judge(
      challenge,
      {
        champion: arm(100, 10, { requests: 50, latencyMsSum: 50 * 4 }),
        challenger: arm(100, 10, { requests: 50, latencyMsSum: 50 * 80 }),
      },
      P,
    );
    expect(slow).toMatchObject({ action: "reject", reason: expect.stringContaining("latency") });
  });

  it("a guard rolls back a promoted version whose quality drops, or that starts failing", () => {
    expect(judge(guard, { champion: arm(1500, 30), challenger: arm(200, 30) }, P).action).toBe("rollback");
    expect(
      judge(
        guard,
        { champion: arm(100, 10, { requests: 40, errors: 10 }), challenger: arm(20, 2, { requests: 5 }) },
        P,
      ),
    ).toMatchObject({ action: "rollback", reason: expect.stringContaining("error rate") });
    expect(judge(guard, { champion: arm(4600, 460), challenger: arm(500, 50) }, P).action).toBe("end");
  });

  it("an undecided experiment gives way after 20,000 impressions when others wait in the queue, else runs on", () => {
    // A near tie: 8.0% against 8.1%, far from either threshold.
    const tie = { champion: arm(15_000, 1_200), challenger: arm(6_000, 486) };
    expect(judge(challenge, tie, P, true)).toMatchObject({ action: "end", reason: expect.stringContaining("queue") });
    expect(judge(challenge, tie, P, false).action).toBe("continue");
    expect(judge(challenge, { champion: arm(12_000, 960), challenger: arm(6_000, 486) }, P, true).action).toBe(
      "continue",
    );
  });
});
