import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibsqlModelRegistry } from "../../../ml/registry/libsql-registry.js";
import type { ModelRecord } from "../../../ml/registry/registry.js";
import { createTestDb, type TestDb } from "../../helpers/app";

function record(model: string, version: string, created: string): ModelRecord {
  return {
    model,
    version,
    params: { k: 1, nested: { a: [1, 2] } },
    data_window: { source: "x.txt", from: "2020-01-01T00:00:00.000Z", to: null, interactions: 10 },
    metrics: { "valid_NDCG@10": 0.5 },
    artifact_location: `/tmp/${model}/${version}`,
    created_at: created,
  };
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.cleanup());

describe("libSQL model registry (model_registry table)", () => {
  it("registers, lists oldest first, gets and finds the latest version, round-tripping every field", async () => {
    const reg = new LibsqlModelRegistry(t.db.$client);
    await reg.register(record("covisitation", "v2", "2026-01-02T00:00:00.000Z"));
    await reg.register(record("covisitation", "v1", "2026-01-01T00:00:00.000Z"));
    await reg.register(record("popularity", "v1", "2026-01-03T00:00:00.000Z"));
    expect((await reg.list()).length).toBe(3);
    expect((await reg.list("covisitation")).map((r) => r.version)).toEqual(["v1", "v2"]);
    expect((await reg.latest("covisitation"))?.version).toBe("v2");
    expect(await reg.get("popularity", "v1")).toEqual(record("popularity", "v1", "2026-01-03T00:00:00.000Z"));
    expect(await reg.latest("hybrid")).toBeUndefined();
    expect(await reg.get("popularity", "nope")).toBeUndefined();
  });

  it("refuses a duplicate version and keeps the stored record intact", async () => {
    const reg = new LibsqlModelRegistry(t.db.$client);
    await reg.register(record("dup", "v1", "2026-02-01T00:00:00.000Z"));
    const changed = { ...record("dup", "v1", "2026-02-01T00:00:00.000Z"), artifact_location: "/elsewhere" };
    await expect(reg.register(changed)).rejects.toThrow(/already registered/);
    expect((await reg.get("dup", "v1"))?.artifact_location).toBe("/tmp/dup/v1");
  });
});
