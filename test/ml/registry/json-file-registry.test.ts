import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonFileRegistry } from "../../../ml/registry/json-file-registry.js";
import { makeVersion, type ModelRecord } from "../../../ml/registry/registry.js";

function record(model: string, version: string, created: string): ModelRecord {
  return {
    model,
    version,
    params: { k: 1 },
    data_window: { source: "x.txt", from: null, to: null, interactions: 10 },
    metrics: { "valid_NDCG@10": 0.5 },
    artifact_location: `/tmp/${model}/${version}`,
    created_at: created,
  };
}

describe("JSON file model registry", () => {
  it("registers, lists, gets and finds the latest version; persists across instances", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ml-registry-")), "nested", "registry.json");
    const reg = new JsonFileRegistry(path);
    await reg.register(record("covisitation", "v1", "2026-01-01T00:00:00.000Z"));
    await reg.register(record("covisitation", "v2", "2026-01-02T00:00:00.000Z"));
    await reg.register(record("popularity", "v1", "2026-01-03T00:00:00.000Z"));
    const again = new JsonFileRegistry(path);
    expect((await again.list()).length).toBe(3);
    expect((await again.list("covisitation")).map((r) => r.version)).toEqual(["v1", "v2"]);
    expect((await again.latest("covisitation"))?.version).toBe("v2");
    expect(await again.get("popularity", "v1")).toEqual(record("popularity", "v1", "2026-01-03T00:00:00.000Z"));
    expect(await again.latest("hybrid")).toBeUndefined();
  });

  it("refuses a duplicate version", async () => {
    const reg = new JsonFileRegistry(join(mkdtempSync(join(tmpdir(), "ml-registry-")), "r.json"));
    await reg.register(record("a", "v1", "2026-01-01T00:00:00.000Z"));
    await expect(reg.register(record("a", "v1", "2026-01-01T00:00:00.000Z"))).rejects.toThrow(/already registered/);
  });

  it("makes sortable versions that change with the fingerprint", () => {
    const t = new Date("2026-03-04T05:06:07.890Z");
    expect(makeVersion(t, "a")).toMatch(/^20260304T050607-[0-9a-f]{8}$/);
    expect(makeVersion(t, "a")).not.toBe(makeVersion(t, "b"));
  });
});
