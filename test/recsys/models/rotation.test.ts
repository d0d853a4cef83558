import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { LibsqlArtifactRegistry } from "../../../src/recsys/models/libsql-artifact-registry";
import { rotateModel, rotateModels } from "../../../src/recsys/models/rotation";
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

describe("rotateModel over the libSQL registry", () => {
  it("sets an initial pointer and never promotes a newer version: that is online selection's decision", async () => {
    const v1 = await reg.register("r1", art(1), { interactions: 100 });
    expect(await rotateModel(reg, "r1")).toMatchObject({ action: "initialised", to: v1 });
    expect((await reg.livePointer("r1"))?.version).toBe(v1);

    const newer = await reg.register("r1", art(3), { interactions: 150, "ndcg@10": 0.9 });
    // With a pointer, a newer version waits: neither the registry nor rotation makes it live.
    expect((await reg.live("r1"))?.version).toBe(v1);
    expect(await rotateModel(reg, "r1")).toMatchObject({
      action: "kept",
      to: v1,
      held: [{ version: newer, reason: "awaiting online selection" }],
    });
    expect((await reg.live("r1"))?.version).toBe(v1);
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
    expect(all.map((d) => d.model)).toEqual(["r1", "r3", "r4"]);
  });
});
