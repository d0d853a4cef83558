import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { ArtifactMissingError, LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import { MemoryArtifactRegistry } from "../../../src/adapters/model-registry/memory";
import { makeVersion } from "../../../src/adapters/model-registry/version";
import type { ModelRegistry } from "../../../src/ports/model-registry";
import { createTestDb, type TestDb } from "../../helpers/app";

// One ModelRegistry contract, run against every adapter: tests that use the in-process registry must see
// exactly what the libSQL one (Node default, Workers) would do.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.cleanup());

const art = (n: number, version?: string): ModelArtifact => ({
  model: "m",
  version,
  params: { n },
  blobs: { w: new Float32Array(n).map((_, i) => i / 7), ids: new Int32Array(n).map((_, i) => n - i) },
  itemIds: Array.from({ length: n }, (_, i) => `P${i}`),
});

let seq = 0;
const adapters: [string, (now: () => number) => ModelRegistry][] = [
  ["memory", (now) => new MemoryArtifactRegistry(now)],
  ["libsql", (now) => new LibsqlArtifactRegistry(t.db.$client, { now, chunkBytes: 64 })],
];

describe.each(adapters)("ModelRegistry contract: %s", (_name, make) => {
  let clock = Date.UTC(2026, 6, 1);
  const registry = () => make(() => (clock += 1000));
  // The libSQL adapter shares one database across tests: every test uses its own model names.
  const model = (what: string) => `${what}-${++seq}`;

  it("starts empty: no live version, no pointer", async () => {
    const reg = registry();
    const m = model("empty");
    expect(await reg.live(m)).toBeNull();
    expect(await reg.liveVersion(m)).toBeNull();
    expect(await reg.livePointer(m)).toBeNull();
    expect(await reg.versions(m)).toEqual([]);
    expect(await reg.models()).not.toContain(m);
  });

  it("without a pointer live() is the newest version; versions() lists newest first with sizes", async () => {
    const reg = registry();
    const m = model("newest");
    const v1 = await reg.register(m, art(5), { q: 1 });
    const v2 = await reg.register(m, art(6), { q: 2 });
    expect(v1).not.toBe(v2);
    expect(await reg.liveVersion(m)).toBe(v2);
    const live = await reg.live(m);
    expect(live?.version).toBe(v2);
    expect(live?.metrics).toEqual({ q: 2 });
    expect(Array.from(live!.artifact.blobs.w)).toEqual(Array.from(art(6).blobs.w));
    expect(live!.artifact.itemIds).toEqual(art(6).itemIds);
    const versions = await reg.versions(m);
    expect(versions.map((v) => v.version)).toEqual([v2, v1]);
    expect(versions[0]).toMatchObject({ model: m, metrics: { q: 2 }, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(versions[0].byteLength).toBeGreaterThan(0);
    expect(await reg.versions(m, 1)).toHaveLength(1);
    expect(await reg.models()).toContain(m);
  });

  it("live: true moves the pointer with its reason; live: false leaves it", async () => {
    const reg = registry();
    const m = model("pointer");
    const v1 = await reg.register(m, art(3), {}, { live: true, reason: "first" });
    expect(await reg.livePointer(m)).toMatchObject({ version: v1, reason: "first" });
    const v2 = await reg.register(m, art(4), {});
    expect(await reg.liveVersion(m)).toBe(v1);
    expect((await reg.live(m))?.version).toBe(v1);
    await reg.setLive(m, v2, "promoted by test");
    expect(await reg.livePointer(m)).toMatchObject({ version: v2, reason: "promoted by test" });
    expect((await reg.load(m, v1)).version).toBe(v1);
  });

  it("keeps an artifact's own version and creation time; identical bytes again are a no-op, others refused", async () => {
    const reg = registry();
    const m = model("own");
    const createdAt = Date.UTC(2025, 0, 2);
    expect(await reg.register(m, art(4, "v-own"), { q: 1 }, { createdAt })).toBe("v-own");
    expect((await reg.load(m, "v-own")).createdAt).toBe(createdAt);
    expect(await reg.register(m, art(4, "v-own"), { q: 1 }, { createdAt })).toBe("v-own");
    expect(await reg.versions(m)).toHaveLength(1);
    await expect(reg.register(m, art(5, "v-own"), { q: 1 })).rejects.toThrow(/different content/);
  });

  it("refuses to load or point at a version it does not hold", async () => {
    const reg = registry();
    const m = model("unknown");
    await reg.register(m, art(2), {});
    await expect(reg.load(m, "nope")).rejects.toBeInstanceOf(ArtifactMissingError);
    await expect(reg.setLive(m, "nope", "x")).rejects.toBeInstanceOf(ArtifactMissingError);
    expect(await reg.livePointer(m)).toBeNull();
  });
});

describe("makeVersion", () => {
  it("makes sortable versions that change with the fingerprint", () => {
    const at = new Date("2026-03-04T05:06:07.890Z");
    expect(makeVersion(at, "a")).toMatch(/^20260304T050607-[0-9a-f]{8}$/);
    expect(makeVersion(at, "a")).not.toBe(makeVersion(at, "b"));
    expect(makeVersion(new Date("2026-03-04T05:06:08Z"), "a") > makeVersion(at, "a")).toBe(true);
  });
});
