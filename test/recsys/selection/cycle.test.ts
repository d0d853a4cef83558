import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultRanker } from "../../../src/recsys/feed/rank";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import type { EventLog, EventRecord } from "../../../src/ports/event-log";
import { EVENT_SEQ } from "../../../src/recsys/learner/assess";
import { runSelectionCycle, type SelectionDeps, type SelectionReport } from "../../../src/recsys/selection/cycle";
import type { Arm } from "../../../src/recsys/selection/interleave";
import { liveSetKey } from "../../../src/recsys/selection/live";
import { queuedVersions } from "../../../src/recsys/selection/queue";
import { SelectionStore } from "../../../src/recsys/selection/store";
import { createDbEventLog } from "../../../src/adapters/event-log/libsql";
import { createTestDb, type TestDb } from "../../helpers/app";

let t: TestDb;
let now: number;
let n: number;
let registry: LibsqlArtifactRegistry;
let store: SelectionStore;
let events: EventLog;
let deps: SelectionDeps;

beforeEach(async () => {
  t = await createTestDb();
  now = Date.UTC(2026, 11, 1);
  n = 0;
  const clock = () => now;
  const newId = () => `id-${String(++n).padStart(6, "0")}`;
  registry = new LibsqlArtifactRegistry(t.db.$client, { now: () => (now += 1000) });
  store = new SelectionStore(t.db);
  events = createDbEventLog(t.db, clock, newId);
  deps = { store, registry, events, now: clock, newId, models: ["ranker"] };
});
afterEach(() => t.cleanup());

const ranker = () => ({ ...defaultRanker().toArtifact(), version: undefined });
const passing = { "ndcg@10": 0.1, "delta_ndcg@10": 0.01, "delta_ndcg@10_lo": -0.002, "delta_ndcg@10_hi": 0.02 };

let snap = 0;
/** One interleaved feed page of 10 items (arms alternate as drawn) and the clicks on it, as the feed logs them. */
function page(experiment: string, clicksOn: (arm: Arm, position: number) => boolean): EventRecord[] {
  const snapshotId = `snap-${++snap}`;
  const arms: Arm[] = Array.from({ length: 10 }, (_, j) => (j % 2 === 0 ? "champion" : "challenger"));
  const out: EventRecord[] = [
    {
      clientEventId: `imp:${snapshotId}:0`,
      type: "impression",
      itemId: null,
      listingId: null,
      userId: null,
      sessionId: `s-${snap}`,
      ts: now,
      context: {
        snapshotId,
        offset: 0,
        items: arms.map((_, j) => `p${j}`),
        experiment,
        arms,
        positions: arms.map((_, j) => j),
      },
    },
  ];
  arms.forEach((arm, j) => {
    if (!clicksOn(arm, j)) return;
    out.push({
      clientEventId: `c:${snapshotId}:${j}`,
      type: "click",
      itemId: null,
      listingId: null,
      userId: null,
      sessionId: `s-${snap}`,
      ts: now,
      context: { recommendationId: `${snapshotId}.${j}` },
    });
  });
  return out;
}

async function play(experiment: string, pages: number, ctr: Record<Arm, number>, seed = 1): Promise<void> {
  let s = seed;
  const random = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < pages; i++) await events.append(page(experiment, (arm) => random() < ctr[arm]));
}

describe("runSelectionCycle on the real libSQL engine", () => {
  it("starts an experiment for a new version that passes the offline gate, then promotes it on clicks", async () => {
    const v1 = await registry.register("ranker", ranker(), { "ndcg@10": 0.1 }, { live: true });
    const v2 = await registry.register("ranker", ranker(), passing);
    const first = await runSelectionCycle(deps);
    // Registered outside the learner: it enters the queue, and being alone in it, starts at once.
    expect(first.decisions).toEqual([
      expect.objectContaining({ model: "ranker", action: "queued" }),
      expect.objectContaining({ model: "ranker", action: "experiment_started" }),
    ]);
    const [exp] = await store.running();
    expect(exp).toMatchObject({ kind: "challenge", champion: v1, challenger: v2, share: 0.2 });

    await play(exp.id, 120, { champion: 0.05, challenger: 0.2 });
    const second = await runSelectionCycle(deps);
    expect(second.folded.impressions).toBe(1200);
    const stats = await store.armStats(exp.id);
    expect(stats.champion.impressions).toBe(600);
    expect(stats.challenger.impressions).toBe(600);
    expect(stats.challenger.clicks).toBeGreaterThan(stats.champion.clicks);
    expect(second.decisions.map((d) => d.action)).toContain("promoted");
    expect((await registry.livePointer("ranker"))?.version).toBe(v2);

    // A guard follows: the previous version keeps a small share against the new champion.
    const [guard] = await store.running();
    expect(guard).toMatchObject({ kind: "guard", champion: v2, challenger: v1, share: 0.1 });
    const log = await store.decisions(10, "ranker");
    expect(log[0]).toMatchObject({ action: "promoted", fromVersion: v1, toVersion: v2, actor: "selection" });
    expect(log[0].numbers).toMatchObject({ pChallengerBetter: expect.any(Number), lift: expect.any(Object) });
  });

  it("rejects a worse challenger quickly: its share falls first, then it is dropped and never promoted", async () => {
    const v1 = await registry.register("ranker", ranker(), {}, { live: true });
    await registry.register("ranker", ranker(), {});
    deps.policy = { assessWaitMs: 0 }; // no learner here to assess it: it starts unmeasured at once
    await runSelectionCycle(deps);
    const [exp] = await store.running();
    expect(exp.share).toBe(0.03); // unmeasured offline: a smaller start
    await play(exp.id, 8, { champion: 0.2, challenger: 0 });
    await runSelectionCycle(deps);
    const after = await store.experiment(exp.id);
    expect(after?.status).toBe("running");
    expect(after?.share).toBeLessThan(0.05);
    await play(exp.id, 30, { champion: 0.2, challenger: 0 }, 7);
    const r = await runSelectionCycle(deps);
    expect(r.decisions.map((d) => d.action)).toContain("rejected");
    expect((await registry.livePointer("ranker"))?.version).toBe(v1);
    // Tried once: later cycles do not restart it.
    expect((await runSelectionCycle(deps)).decisions).toEqual([]);
  });

  it("waits for the learner's assessment of a version registered without window metrics, then gates on it", async () => {
    await registry.register("ranker", ranker(), {}, { live: true });
    const outside = await registry.register("ranker", ranker(), {});
    // Within the wait: queued, no experiment (the learner assesses it within a cycle or two).
    expect((await runSelectionCycle(deps)).decisions).toEqual([expect.objectContaining({ action: "queued" })]);
    expect(await store.running()).toEqual([]);
    // The learner's assessment finds it worse on the recent window: held, never on live traffic.
    await registry.annotate("ranker", outside, {
      "eval.cases": 400,
      "ndcg@10": 0.05,
      "delta_ndcg@10": -0.04,
      "delta_ndcg@10_lo": -0.05,
      "delta_ndcg@10_hi": -0.03,
      "eval.assessedAt": now,
    });
    const r = await runSelectionCycle(deps);
    expect(r.decisions).toEqual([expect.objectContaining({ action: "held" })]);
    expect(r.decisions[0].reason).toMatch(/worse than the champion/);
    expect(await store.running()).toEqual([]);
  });

  it("starts an unassessed challenger unmeasured once the assessment wait has passed", async () => {
    await registry.register("ranker", ranker(), {}, { live: true });
    await registry.register("ranker", ranker(), {});
    expect((await runSelectionCycle(deps)).decisions).toEqual([expect.objectContaining({ action: "queued" })]);
    now += 181_000;
    const r = await runSelectionCycle(deps);
    expect(r.decisions).toEqual([expect.objectContaining({ action: "experiment_started" })]);
    expect((await store.running())[0].share).toBe(0.03);
  });

  it("holds a version the offline gate finds worse, with its numbers, and one whose artifact is broken", async () => {
    const v1 = await registry.register("ranker", ranker(), {}, { live: true });
    const worse = await registry.register("ranker", ranker(), {
      "delta_ndcg@10": -0.03,
      "delta_ndcg@10_lo": -0.05,
      "delta_ndcg@10_hi": -0.01,
    });
    const r = await runSelectionCycle(deps);
    expect(r.decisions).toEqual([
      expect.objectContaining({ action: "queued" }),
      expect.objectContaining({ action: "held", reason: expect.stringContaining("offline gate") }),
    ]);
    expect(await store.running()).toEqual([]);
    const [held] = await store.decisions(1);
    expect(held).toMatchObject({ fromVersion: v1, toVersion: worse });
    expect(held.numbers).toMatchObject({ "delta_ndcg@10_hi": -0.01 });

    const broken = await registry.register("ranker", ranker(), passing);
    await t.db.$client.execute({
      sql: "UPDATE model_artifact_chunks SET bytes = zeroblob(length(bytes)) WHERE model = 'ranker' AND version = ?",
      args: [broken],
    });
    const r2 = await runSelectionCycle(deps);
    expect(r2.decisions).toEqual([
      expect.objectContaining({ action: "queued" }),
      expect.objectContaining({ action: "held", reason: expect.stringContaining("does not load") }),
    ]);
  });

  it("a guard rolls back a promoted version that starts failing", async () => {
    const v1 = await registry.register("ranker", ranker(), {}, { live: true });
    const v2 = await registry.register("ranker", ranker(), passing);
    await runSelectionCycle(deps);
    const [exp] = await store.running();
    await play(exp.id, 120, { champion: 0.05, challenger: 0.2 });
    await runSelectionCycle(deps);
    expect((await registry.livePointer("ranker"))?.version).toBe(v2);
    const [guard] = await store.running();
    // Serving counted its requests: the new champion fails one in four.
    await store.addArmStats(guard.id, "champion", { requests: 40, errors: 10, latencyMsSum: 200 });
    await store.addArmStats(guard.id, "challenger", { requests: 5, latencyMsSum: 25 });
    const r = await runSelectionCycle(deps);
    expect(r.decisions).toEqual([
      expect.objectContaining({ action: "rolled_back", reason: expect.stringContaining("error rate") }),
    ]);
    expect((await registry.livePointer("ranker"))?.version).toBe(v1);
    expect((await store.experiment(guard.id))?.status).toBe("rolled_back");
  });

  it("rolls back a live version whose artifact breaks, to what served before it", async () => {
    const v1 = await registry.register("ranker", ranker(), {}, { live: true });
    const v2 = await registry.register("ranker", ranker(), {});
    await registry.setLive("ranker", v2, "by hand");
    await t.db.$client.execute({
      sql: "UPDATE model_artifact_chunks SET bytes = zeroblob(length(bytes)) WHERE model = 'ranker' AND version = ?",
      args: [v2],
    });
    const r = await runSelectionCycle({ ...deps, verified: new Set() });
    expect(r.decisions[0]).toMatchObject({ action: "rolled_back", reason: expect.stringContaining("broken artifact") });
    expect((await registry.livePointer("ranker"))?.version).toBe(v1);
  });

  it("rolls back the model that changed last when the live set starts failing on live traffic", async () => {
    const v1 = await registry.register("ranker", ranker(), {}, { live: true });
    const v2 = await registry.register("ranker", ranker(), {});
    await registry.setLive("ranker", v2, "deployed by hand");
    // Serving counted first pages on the live set: one in four failed.
    await store.addArmStats(liveSetKey({ ranker: v2 }), "champion", { requests: 40, errors: 10, latencyMsSum: 100 });
    const r = await runSelectionCycle(deps);
    expect(r.decisions[0]).toMatchObject({
      action: "rolled_back",
      reason: expect.stringContaining("error rate 25.0%"),
    });
    expect((await registry.livePointer("ranker"))?.version).toBe(v1);
    // The healthy set is judged on its own counts: nothing more happens.
    expect((await runSelectionCycle(deps)).decisions).toEqual([]);
  });

  it("a count model's fresher learner version goes live on the offline gate alone; a worse one is held", async () => {
    const d = { ...deps, models: ["popularity"] };
    const pop = () => ({
      model: "popularity",
      params: {},
      blobs: { counts: new Float32Array(4) },
      itemIds: ["a", "b", "c", "d"],
    });
    const v1 = await registry.register("popularity", pop(), { "learner.eventSeq": 10 }, { live: true });
    const v2 = await registry.register("popularity", pop(), { "learner.eventSeq": 20, ...passing });
    const r = await runSelectionCycle(d);
    expect(r.decisions).toEqual([expect.objectContaining({ action: "refreshed", model: "popularity" })]);
    expect((await registry.livePointer("popularity"))?.version).toBe(v2);
    expect(await store.running()).toEqual([]);
    const worse = await registry.register("popularity", pop(), {
      "learner.eventSeq": 30,
      "delta_ndcg@10": -0.05,
      "delta_ndcg@10_lo": -0.08,
      "delta_ndcg@10_hi": -0.02,
    });
    expect((await runSelectionCycle(d)).decisions).toEqual([expect.objectContaining({ action: "held" })]);
    expect((await registry.livePointer("popularity"))?.version).toBe(v2);
    expect(worse).not.toBe(v1);
    expect((await runSelectionCycle(d)).decisions).toEqual([]);
  });

  it("a pinned model stays on its pin: no experiment starts, a moved pointer is put back", async () => {
    const v1 = await registry.register("ranker", ranker(), {}, { live: true });
    const v2 = await registry.register("ranker", ranker(), passing);
    await store.setPin({ model: "ranker", version: v1, pinnedBy: "admin-1", pinnedAt: now, reason: "holiday freeze" });
    await registry.setLive("ranker", v2, "moved by hand");
    const r = await runSelectionCycle(deps);
    expect(r.decisions).toEqual([expect.objectContaining({ action: "pinned" })]);
    expect((await registry.livePointer("ranker"))?.version).toBe(v1);
    expect(await store.running()).toEqual([]);
  });

  it("credits a click once, and only to recommendations of an experiment", async () => {
    await registry.register("ranker", ranker(), {}, { live: true });
    await registry.register("ranker", ranker(), passing);
    await runSelectionCycle(deps);
    const [exp] = await store.running();
    const evs = page(exp.id, (_, j) => j === 1);
    const click = evs[1];
    await events.append([...evs, { ...click, clientEventId: "again", ts: now + 1 }]);
    await events.append([{ ...click, clientEventId: "stranger", context: { recommendationId: "other-snap.1" } }]);
    await runSelectionCycle(deps);
    const stats = await store.armStats(exp.id);
    expect(stats.challenger.clicks).toBe(1);
    expect(stats.champion.clicks).toBe(0);
  });
});

describe("the candidate queue (one experiment at a time)", () => {
  /** A learner retrain (it records the event position it was trained to) that passes the offline gate. */
  const retrain = (seq: number) => registry.register("ranker", ranker(), { [EVENT_SEQ]: seq, ...passing });
  /** A version registered outside the learner (publish-models, the simulator, by hand), already assessed. */
  const outside = () => registry.register("ranker", ranker(), passing);
  const acts = (r: SelectionReport) => r.decisions.map((d) => d.action);
  const running = async () => {
    const all = await store.running();
    expect(all).toHaveLength(1);
    return all[0];
  };
  const reject = (experiment: string, seed = 7) => play(experiment, 30, { champion: 0.2, challenger: 0 }, seed);

  it("an outside version waits behind a running experiment while learner retrains land, then gets its own", async () => {
    await registry.register("ranker", ranker(), { [EVENT_SEQ]: 1 }, { live: true });
    const l1 = await retrain(2);
    await runSelectionCycle(deps);
    const first = await running();
    expect(first.challenger).toBe(l1);

    const o = await outside();
    const l2 = await retrain(3);
    const l3 = await retrain(4);
    const r = await runSelectionCycle(deps);
    expect(r.decisions).toEqual([
      expect.objectContaining({ action: "superseded", reason: expect.stringContaining(l3) }),
      expect.objectContaining({ action: "queued", reason: expect.stringContaining("position 1 of 2") }),
    ]);
    // Recorded once, not every cycle.
    expect((await runSelectionCycle(deps)).decisions).toEqual([]);

    await reject(first.id);
    const r2 = await runSelectionCycle(deps);
    expect(acts(r2)).toEqual(["rejected", "experiment_started"]);
    const second = await running();
    expect(second.challenger).toBe(o);
    const [started] = await store.decisions(1, "ranker");
    expect(started).toMatchObject({ action: "experiment_started", toVersion: o });
    expect(started.numbers).toMatchObject({ lineage: "outside" });

    // The learner lineage's newest retrain is next; the one it superseded never gets traffic.
    await reject(second.id, 9);
    const r3 = await runSelectionCycle(deps);
    expect(acts(r3)).toEqual(["rejected", "experiment_started"]);
    expect((await running()).challenger).toBe(l3);
    const superseded = (await store.decisions(50, "ranker")).filter((d) => d.action === "superseded");
    expect(superseded).toEqual([expect.objectContaining({ toVersion: l2, numbers: { supersededBy: l3 } })]);
    expect((await store.experiments()).map((e) => e.challenger)).not.toContain(l2);
  });

  it("outside versions go first in, first out; after an outside experiment a waiting learner retrain goes next", async () => {
    await registry.register("ranker", ranker(), { [EVENT_SEQ]: 1 }, { live: true });
    const o1 = await outside();
    const o2 = await outside(); // newer, same model: it does not supersede o1
    const l1 = await retrain(2);
    const r = await runSelectionCycle(deps);
    expect(acts(r)).toEqual(["queued", "queued", "experiment_started"]);
    expect((await running()).challenger).toBe(o1);

    await reject((await running()).id);
    await runSelectionCycle(deps);
    // o2 has waited longer, but the last experiment was an outside version's: the learner's turn.
    expect((await running()).challenger).toBe(l1);

    await reject((await running()).id, 9);
    await runSelectionCycle(deps);
    expect((await running()).challenger).toBe(o2);
  });

  it("an outside version whose artifact breaks while queued is held when its turn comes; the next one starts", async () => {
    const v1 = await registry.register("ranker", ranker(), { [EVENT_SEQ]: 1 }, { live: true });
    await retrain(2);
    await runSelectionCycle(deps);
    const first = await running();
    const broken = await outside();
    const next = await outside();
    await runSelectionCycle(deps);
    await t.db.$client.execute({
      sql: "UPDATE model_artifact_chunks SET bytes = zeroblob(length(bytes)) WHERE model = 'ranker' AND version = ?",
      args: [broken],
    });
    await reject(first.id);
    const r = await runSelectionCycle(deps);
    expect(r.decisions).toEqual([
      expect.objectContaining({ action: "rejected" }),
      expect.objectContaining({ action: "held", reason: expect.stringContaining("does not load") }),
      expect.objectContaining({ action: "experiment_started" }),
    ]);
    expect((await running()).challenger).toBe(next);
    expect((await registry.livePointer("ranker"))?.version).toBe(v1);
    // Held once: never offered again.
    await reject((await running()).id, 9);
    expect(acts(await runSelectionCycle(deps))).toEqual(["rejected"]);
  });

  it("the queue holds its slot for the head's assessment instead of letting a newer retrain jump it", async () => {
    await registry.register("ranker", ranker(), { [EVENT_SEQ]: 1 }, { live: true });
    const unassessed = await registry.register("ranker", ranker(), {});
    await retrain(2);
    expect(acts(await runSelectionCycle(deps))).toEqual(["queued"]);
    expect(await store.running()).toEqual([]);
    now += 181_000; // no assessment came: it starts unmeasured, at the smaller share
    expect(acts(await runSelectionCycle(deps))).toEqual(["experiment_started"]);
    expect(await running()).toMatchObject({ challenger: unassessed, share: 0.03 });
  });

  it("a pinned model's queue waits for the unpin", async () => {
    const v1 = await registry.register("ranker", ranker(), { [EVENT_SEQ]: 1 }, { live: true });
    await store.setPin({ model: "ranker", version: v1, pinnedBy: "admin-1", pinnedAt: now, reason: "freeze" });
    const o = await outside();
    expect((await runSelectionCycle(deps)).decisions).toEqual([]);
    await store.removePin("ranker");
    expect(acts(await runSelectionCycle(deps))).toEqual(["queued", "experiment_started"]);
    expect((await running()).challenger).toBe(o);
  });

  it("pruning keeps a queued version while newer retrains land", async () => {
    await registry.register("ranker", ranker(), { [EVENT_SEQ]: 1 }, { live: true });
    const o = await outside();
    for (let seq = 2; seq < 16; seq++) await retrain(seq);
    const keep = await queuedVersions({ store, registry }, ["ranker"]);
    expect(keep.map((k) => k.version)).toContain(o);
    const pruned = await registry.pruneVersions({ keepNewest: 10, keepPrevious: 2, keep });
    expect(pruned.length).toBeGreaterThan(0);
    expect(pruned.map((p) => p.version)).not.toContain(o);
    await expect(registry.load("ranker", o)).resolves.toMatchObject({ version: o });
  });
});
