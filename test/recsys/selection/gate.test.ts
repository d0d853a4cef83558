import { describe, expect, it } from "vitest";
import { offlineGate } from "../../../src/recsys/selection/gate";

describe("offline gate", () => {
  it("uses the paired difference on the recent window when the learner recorded it", () => {
    const pass = offlineGate(
      { "ndcg@10": 0.1, "delta_ndcg@10": -0.001, "delta_ndcg@10_lo": -0.01, "delta_ndcg@10_hi": 0.008 },
      {},
    );
    expect(pass.verdict).toBe("pass");
    const fail = offlineGate({ "delta_ndcg@10": -0.02, "delta_ndcg@10_lo": -0.03, "delta_ndcg@10_hi": -0.01 }, {});
    expect(fail).toMatchObject({ verdict: "fail", reason: expect.stringContaining("ndcg@10") });
    expect(fail.numbers["delta_ndcg@10_hi"]).toBe(-0.01);
  });

  it("otherwise compares the two versions' intervals: worse only when they do not overlap", () => {
    const champion = { "ndcg@10": 0.2, "ndcg@10_lo": 0.18, "ndcg@10_hi": 0.22 };
    expect(offlineGate({ "ndcg@10": 0.19, "ndcg@10_lo": 0.17, "ndcg@10_hi": 0.21 }, champion).verdict).toBe("pass");
    expect(offlineGate({ "ndcg@10": 0.1, "ndcg@10_lo": 0.08, "ndcg@10_hi": 0.12 }, champion).verdict).toBe("fail");
  });

  it("says so when nothing comparable was measured (no silent pass)", () => {
    expect(offlineGate({ trainMs: 100, interactions: 10 }, { "ndcg@10": 0.2 })).toMatchObject({
      verdict: "unmeasured",
    });
    expect(offlineGate({}, {}).verdict).toBe("unmeasured");
  });
});
