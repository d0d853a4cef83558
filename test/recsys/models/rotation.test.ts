import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import { compareMetrics, rotateModel, rotateModels } from "../../../src/recsys/models/rotation";
import { createTestDb, type TestDb } from "../../helpers/app";

let t: TestDb;
let reg: LibsqlArtifactRegistry;
let clock = Date.UTC(2026, 6, 1);
beforeAll(async () => {
  t = await createTestDb();
  reg = new LibsqlArtifactRegistry(t.db.$client, { now: () => (clock += 1000), chunkBytes: 256 });
});
afterAll(() => t.cleanup());

const art = (seed: number): ModelArtifact => ({
  model: "x",
  params: { seed },
  blobs: { w: new Float32Array(200).fill(seed) },
  itemIds: ["a", "b"],
});

async function corrupt(model: string, version: string, seq = 1): Promise<void> {
  await t.db.$client.execute({
    sql: "UPDATE model_artifact_chunks SET bytes = zeroblob(length(bytes)) WHERE model = ? AND version = ? AND seq = ?",
    args: [model, version, seq],
  });
}

describe("compareMetrics", () => {
  it("compares shared quality metrics, else interactions", () => {
    expect(
      compareMetrics({ "valid_NDCG@10": 0.3, latency_p99_ms: 9 }, { "valid_NDCG@10": 0.3, latency_p99_ms: 1 }).ok,
    ).toBe(true);
    expect(
      compareMetrics({ "valid_NDCG@10": 0.29, "valid_HR@10": 0.5 }, { "valid_NDCG@10": 0.3, "valid_HR@10": 0.4 }),
    ).toMatchObject({ ok: false, reason: expect.stringContaining("valid_NDCG@10") });
    expect(compareMetrics({ interactions: 9 }, { interactions: 10 }).ok).toBe(false);
    expect(compareMetrics({ interactions: 10, trainMs: 5 }, { interactions: 10, trainMs: 1 }).ok).toBe(true);
    expect(compareMetrics({}, {}).ok).toBe(true);
  });
});

describe("rotateModel over the libSQL registry", () => {
  it("sets an initial pointer, promotes a not-worse newer version, holds a worse one", async () => {
    const v1 = await reg.register("r1", art(1), { interactions: 100 });
    expect(await rotateModel(reg, "r1")).toMatchObject({ action: "initialised", to: v1 });
    expect((await reg.livePointer("r1"))?.version).toBe(v1);

    const worse = await reg.register("r1", art(2), { interactions: 50 });
    // without the gate a newer version would serve at once; with a pointer it waits for rotation
    expect((await reg.live("r1"))?.version).toBe(v1);
    const held = await rotateModel(reg, "r1");
    expect(held).toMatchObject({
      action: "kept",
      to: v1,
      held: [{ version: worse, reason: expect.stringContaining("fewer interactions") }],
    });

    const better = await reg.register("r1", art(3), { interactions: 150 });
    expect(await rotateModel(reg, "r1")).toMatchObject({ action: "promoted", from: v1, to: better });
    expect((await reg.live("r1"))?.version).toBe(better);
    expect((await reg.livePointer("r1"))?.reason).toMatch(/^promoted over/);
    expect(await rotateModel(reg, "r1")).toMatchObject({ action: "kept", to: better, reason: "live is the newest" });
  });

  it("does not promote a newer version whose artifact is corrupt", async () => {
    const v1 = await reg.register("r2", art(1), { interactions: 1 }, { live: true });
    const v2 = await reg.register("r2", art(2), { interactions: 2 });
    await corrupt("r2", v2);
    const d = await rotateModel(reg, "r2");
    expect(d).toMatchObject({
      action: "kept",
      to: v1,
      held: [{ version: v2, reason: expect.stringContaining("fails its checksum") }],
    });
  });

  it("rolls back when the live version is corrupt or its chunks are gone, preferring what served before", async () => {
    const v1 = await reg.register("r3", art(1), {});
    const v2 = await reg.register("r3", art(2), {});
    const v3 = await reg.register("r3", art(3), {}, { live: true });
    await corrupt("r3", v3);
    await expect(reg.live("r3")).rejects.toThrow(/checksum/);
    const d = await rotateModel(reg, "r3");
    expect(d).toMatchObject({ action: "rolled_back", from: v3, to: v2 });
    expect((await reg.live("r3"))?.version).toBe(v2);
    // the corrupt newer one is never promoted back
    expect(await rotateModel(reg, "r3")).toMatchObject({ action: "kept", to: v2, held: [{ version: v3 }] });

    await t.db.$client.execute({
      sql: "DELETE FROM model_artifact_chunks WHERE model = 'r3' AND version = ?",
      args: [v2],
    });
    expect(await rotateModel(reg, "r3")).toMatchObject({ action: "rolled_back", from: v2, to: v1, held: [] });
    expect((await reg.live("r3"))?.version).toBe(v1);
  });

  it("reports broken when nothing verifies, and rotateModels covers every stored model", async () => {
    const v = await reg.register("r4", art(1), {}, { live: true });
    await corrupt("r4", v, 0);
    expect(await rotateModel(reg, "r4")).toMatchObject({ action: "broken", from: v, to: null });
    const all = await rotateModels(reg);
    expect(all.map((d) => d.model)).toEqual(["r1", "r2", "r3", "r4"]);
  });
});
