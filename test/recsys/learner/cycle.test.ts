import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelArtifact } from "../../../ml/core/recommender";
import type { ModelRegistry } from "../../../src/ports/model-registry";
import { runLearnerCycle, type LearnerReport } from "../../../src/recsys/learner/cycle";
import { offlineGate } from "../../../src/recsys/selection/gate";
import { json } from "../../helpers/auth";
import { NOW, pid, postEvents, sid } from "../fixtures";
import { learnerTestApp, type LearnerTestApp } from "./helpers";

let t: LearnerTestApp;
beforeAll(async () => {
  t = await learnerTestApp();
}, 60_000);
afterAll(() => t.cleanup());

/** `pairs` sessions each view `a` then `b` (2 events per session). */
async function pairedViews(a: string, b: string, pairs: number, tag: string, ts = NOW - 60_000): Promise<void> {
  for (let s = 0; s < pairs; s++)
    await postEvents(t, { "x-session-id": sid(`${tag}-${s}`) }, [
      { id: `${tag}${s}a`, type: "view", item_id: a, ts: ts + s * 10 },
      { id: `${tag}${s}b`, type: "view", item_id: b, ts: ts + s * 10 + 5 },
    ]);
}

const run = (id: string | undefined, report: LearnerReport) => report.models.find((m) => m.model === id);
const load = async (model: string, version: string | undefined): Promise<ModelArtifact> =>
  (await t.registry.load(model, String(version))).artifact;

describe("runLearnerCycle on the real libSQL engine", () => {
  it("registers every serving model with window metrics against the live version, without moving live", async () => {
    const liveBefore = await t.registry.liveVersion("covisitation");
    await pairedViews(pid(0, 1), pid(2, 3), 20, "m");
    const r = await runLearnerCycle(t.learnerDeps(), { mode: "full", evalWindow: 30 });
    expect(r.mode).toBe("full");
    expect(r.failed).toBe(false);
    for (const model of ["popularity", "covisitation", "session-knn", "fism-bpr"]) {
      const m = run(model, r);
      expect(m?.status, JSON.stringify(m)).toBe("registered");
      expect(m?.metrics?.["eval.cases"]).toBeGreaterThan(0);
      for (const k of ["hr@10", "hr@10_lo", "hr@10_hi", "ndcg@10", "live_ndcg@10", "delta_ndcg@10_lo"])
        expect(typeof m?.metrics?.[k], `${model} ${k}`).toBe("number");
      expect(m?.metrics?.["learner.eventSeq"]).toBe(r.eventSeq);
    }
    expect(run("ranker", r)?.status).toBe("skipped"); // no logged impressions yet
    expect(await t.registry.liveVersion("covisitation")).toBe(liveBefore);
  });

  it("an incremental cycle produces exactly what a full retrain on the same log produces", async () => {
    await runLearnerCycle(t.learnerDeps(), { mode: "full" });
    await pairedViews(pid(3, 0), pid(1, 11), 10, "inc");
    const inc = await runLearnerCycle(t.learnerDeps(), { backlogThreshold: 1e9 });
    expect(inc.mode).toBe("incremental");
    expect(inc.newEvents).toBe(20);
    expect(run("popularity", inc)?.kind).toBe("incremental");
    expect(run("covisitation", inc)?.kind).toBe("incremental");
    expect(run("covisitation", inc)?.metrics?.["learner.rowsRefit"]).toBeLessThan(48);
    expect(run("fism-bpr", inc)?.status).toBe("skipped");
    const full = await runLearnerCycle(t.learnerDeps(), { mode: "full" });
    expect(full.eventSeq).toBe(inc.eventSeq);

    const ci = await load("covisitation", run("covisitation", inc)?.version);
    const cf = await load("covisitation", run("covisitation", full)?.version);
    for (const blob of ["offsets", "neighbours", "weights", "prior"]) expect(ci.blobs[blob]).toEqual(cf.blobs[blob]);
    // The new pair is in: b follows a.
    const a = ci.itemIds.indexOf(pid(3, 0));
    const off = ci.blobs.offsets as Int32Array;
    const row = Array.from((ci.blobs.neighbours as Int32Array).subarray(off[a], off[a + 1]), (i) => ci.itemIds[i]);
    expect(row).toContain(pid(1, 11));

    const pi = await load("popularity", run("popularity", inc)?.version);
    const pf = await load("popularity", run("popularity", full)?.version);
    const [ca, cb] = [pi.blobs.counts as Float64Array, pf.blobs.counts as Float64Array];
    expect(ca.length).toBe(cb.length);
    for (let i = 0; i < ca.length; i++) expect(Math.abs(ca[i] - cb[i])).toBeLessThan(1e-9 * Math.max(1, cb[i]));
    expect(pi.params.asOf).toBe(pf.params.asOf);
  });

  it("is idle when nothing new was logged, and registers nothing", async () => {
    const r = await runLearnerCycle(t.learnerDeps(), { backlogThreshold: 1e9 });
    expect(r.mode).toBe("idle");
    expect(r.models.filter((m) => m.status === "registered")).toEqual([]);
  });

  it("a backlog past the threshold triggers a full run", async () => {
    await pairedViews(pid(2, 0), pid(0, 7), 3, "bl");
    const r = await runLearnerCycle(t.learnerDeps(), { backlogThreshold: 6 });
    expect(r.mode).toBe("full");
    expect(r.reason).toMatch(/backlog of 6 interactions/);
    expect(run("fism-bpr", r)?.status).toBe("registered");
  });

  it("a model that fails is reported with its error and the others still register", async () => {
    await pairedViews(pid(2, 1), pid(0, 8), 2, "fail");
    const failing: ModelRegistry = Object.create(t.registry, {
      register: {
        value: (
          model: string,
          ...rest: Parameters<ModelRegistry["register"]> extends [string, ...infer R] ? R : never
        ) => (model === "session-knn" ? Promise.reject(new Error("disk full")) : t.registry.register(model, ...rest)),
      },
    });
    const r = await runLearnerCycle(t.learnerDeps({ registry: failing }), { backlogThreshold: 1e9 });
    expect(r.failed).toBe(true);
    expect(run("session-knn", r)).toMatchObject({ status: "failed", reason: "disk full" });
    expect(run("popularity", r)?.status).toBe("registered");
    expect(run("covisitation", r)?.status).toBe("registered");
    expect(t.logs.some((l) => l.msg.startsWith("learner: model failed"))).toBe(true);
  });
});

describe("nothing a user did is forgotten on restart", () => {
  it("80 paired events move an item up a product's recommendations, and it is still there after a restart", async () => {
    const a = pid(3, 4);
    const b = pid(1, 9); // a laptop-phone pair no reviewer ever made
    const recs = async (app: typeof t.app): Promise<string[]> => {
      const res = await app.request(`/v1/products/${a}/recommendations?limit=20`, {
        headers: { "x-session-id": sid("restart-probe") },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await json<{ items: { productId: string }[] }>(res)).items.map((i) => i.productId);
    };
    const before = await recs(t.app);
    expect(before.indexOf(b) === -1 || before.indexOf(b) > 5).toBe(true);
    await pairedViews(a, b, 40, "rs");
    const r = await runLearnerCycle(t.learnerDeps(), { promote: true, backlogThreshold: 1e9 });
    expect(r.mode).toBe("incremental");
    expect((await t.recsys.reloadIfChanged()).reloaded).toBe(true);
    const after = await recs(t.app);
    expect(after.indexOf(b)).toBeGreaterThanOrEqual(0);
    expect(after.indexOf(b)).toBeLessThan(5);

    const restarted = await t.restart();
    const again = await recs(restarted.app);
    expect(again.indexOf(b)).toBeGreaterThanOrEqual(0);
    expect(again.indexOf(b)).toBeLessThan(5);
    expect(restarted.recsys.models.components.covisitation).toBe(run("covisitation", r)?.version);
  });

  it("scores the live version only on events it was not trained on, so a same-recipe retrain is not held", async () => {
    // A live version trained on the whole log: its own training events must not be the window it is scored on.
    const promoted = await runLearnerCycle(t.learnerDeps(), { mode: "full", promote: true, evalWindow: 40 });
    const liveSeq = promoted.eventSeq;
    await pairedViews(pid(2, 5), pid(0, 7), 15, "oos");
    const r = await runLearnerCycle(t.learnerDeps(), { backlogThreshold: 1e9, evalWindow: 40 });
    for (const model of ["popularity", "covisitation", "session-knn"]) {
      const m = run(model, r)?.metrics ?? {};
      expect(m["eval.fromSeq"], model).toBeGreaterThan(liveSeq);
      expect(m["eval.liveOutOfSample"], model).toBe(1);
      expect(m["eval.cases"], model).toBeGreaterThan(0);
      const live = await t.registry.live(model);
      const gate = offlineGate(m, live?.metrics ?? {});
      expect(gate.verdict, `${model}: ${gate.reason}`).not.toBe("fail");
    }
  });
});
