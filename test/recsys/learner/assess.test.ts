import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ASSESSED_AT, windowFrom } from "../../../src/recsys/learner/assess";
import { runLearnerCycle } from "../../../src/recsys/learner/cycle";
import { offlineGate } from "../../../src/recsys/selection/gate";
import { NOW, pid, postEvents, sid } from "../fixtures";
import { learnerTestApp, type LearnerTestApp } from "./helpers";

let t: LearnerTestApp;
beforeAll(async () => {
  t = await learnerTestApp();
}, 60_000);
afterAll(() => t.cleanup());

async function pairedViews(a: string, b: string, pairs: number, tag: string): Promise<void> {
  for (let s = 0; s < pairs; s++)
    await postEvents(t, { "x-session-id": sid(`${tag}-${s}`) }, [
      { id: `${tag}${s}a`, type: "view", item_id: a, ts: NOW - 60_000 + s * 10 },
      { id: `${tag}${s}b`, type: "view", item_id: b, ts: NOW - 60_000 + s * 10 + 5 },
    ]);
}

describe("the learner's assessment of versions it did not train", () => {
  it("scores an outside version on the recent window against live, so the gate holds a bad one", async () => {
    await pairedViews(pid(0, 1), pid(2, 3), 25, "a");
    await runLearnerCycle(t.learnerDeps(), { mode: "full", promote: true, evalWindow: 60 });
    await pairedViews(pid(0, 1), pid(2, 3), 25, "b");
    const own = await runLearnerCycle(t.learnerDeps(), { backlogThreshold: 1e9, evalWindow: 60 });
    // The learner's own versions carry window metrics from registration: nothing to assess.
    expect(own.assessed).toEqual([]);

    // An anti-popularity version registered by hand, without metrics: the least viewed items first.
    const live = await t.registry.live("popularity");
    if (!live) throw new Error("no live popularity");
    const scores = live.artifact.blobs.scores as Float32Array;
    const anti = { ...live.artifact, version: "zz-anti", blobs: { scores: Float32Array.from(scores, (s) => -s) } };
    const outside = await t.registry.register("popularity", anti, {});
    const r = await runLearnerCycle(t.learnerDeps(), { backlogThreshold: 1e9, evalWindow: 60 });
    expect(r.mode).toBe("idle"); // assessment does not wait for new events
    expect(r.assessed).toEqual([
      expect.objectContaining({ model: "popularity", version: outside, status: "assessed" }),
    ]);

    const stored = (await t.registry.versions("popularity", 10)).find((v) => v.version === outside);
    expect(stored?.metrics[ASSESSED_AT]).toBeGreaterThan(0);
    expect(stored?.metrics["eval.cases"]).toBeGreaterThan(0);
    expect(stored?.metrics["eval.liveOutOfSample"]).toBe(1);
    expect(stored?.metrics["delta_hr@10_hi"]).toBeLessThan(0);
    const gate = offlineGate(stored?.metrics ?? {}, (await t.registry.live("popularity"))?.metrics ?? {});
    expect(gate.verdict).toBe("fail");
    // Assessed once: the next cycle leaves it alone.
    expect((await runLearnerCycle(t.learnerDeps(), { backlogThreshold: 1e9 })).assessed).toEqual([]);
  });

  it("assesses the queue's head first: the oldest outside version, past a broken one, after newer retrains", async () => {
    const live = await t.registry.live("popularity");
    if (!live) throw new Error("no live popularity");
    const broken = await t.registry.register("popularity", { ...live.artifact, version: "zz-broken" }, {});
    await t.db.$client.execute({
      sql: "UPDATE model_artifact_chunks SET bytes = zeroblob(length(bytes)) WHERE model = 'popularity' AND version = ?",
      args: [broken],
    });
    const first = await t.registry.register("popularity", { ...live.artifact, version: "zz-first" }, {});
    const second = await t.registry.register("popularity", { ...live.artifact, version: "zz-second" }, {});
    // Learner retrains land after them (this cycle registers popularity again, then assesses).
    await pairedViews(pid(0, 1), pid(2, 3), 25, "c");
    const r = await runLearnerCycle(t.learnerDeps(), { mode: "full", evalWindow: 60 });
    expect((await t.registry.versions("popularity", 1))[0].metrics["learner.eventSeq"]).toBeGreaterThan(0);
    const popularity = (r.assessed ?? []).filter((a) => a.model === "popularity");
    expect(popularity).toEqual([
      expect.objectContaining({ version: broken, status: "failed" }),
      expect.objectContaining({ version: first, status: "assessed" }),
    ]);
    const next = await runLearnerCycle(t.learnerDeps(), { backlogThreshold: 1e9, evalWindow: 60 });
    expect((next.assessed ?? []).filter((a) => a.model === "popularity" && a.status === "assessed")).toEqual([
      expect.objectContaining({ version: second }),
    ]);
  });

  it("starts the window after the live version's own training data", () => {
    const live = (metrics: Record<string, number>) => ({ version: "v", artifact: {} as never, metrics, createdAt: 0 });
    expect(windowFrom(100, live({ "learner.eventSeq": 150 }))).toEqual({ from: 151, liveOutOfSample: true });
    expect(windowFrom(100, live({ "learner.eventSeq": 40 }))).toEqual({ from: 100, liveOutOfSample: true });
    expect(windowFrom(100, live({ "learner.eventSeq": 150, "learner.trainedToSeq": 90 }))).toEqual({
      from: 100,
      liveOutOfSample: true,
    });
    expect(windowFrom(100, live({}))).toEqual({ from: 100, liveOutOfSample: false });
    expect(windowFrom(100, null)).toEqual({ from: 100, liveOutOfSample: true });
  });
});
