import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import { MemoryArtifactRegistry } from "../../../src/adapters/model-registry/memory";
import { publishModels } from "../../../src/recsys/models/publish";
import { createTestDb, type TestDb } from "../../helpers/app";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.cleanup());

const art = (model: string, n: number): ModelArtifact => ({
  model,
  params: { n },
  blobs: { v: new Float32Array(n).map((_, i) => i / 3), idx: new Int32Array(n).map((_, i) => n - i) },
  itemIds: Array.from({ length: n }, (_, i) => `P${i}`),
});

describe("publishModels", () => {
  it("copies each live version with its id, metrics and creation time; a second run changes nothing", async () => {
    let clock = Date.UTC(2026, 1, 1);
    const source = new MemoryArtifactRegistry(() => (clock += 1000));
    const srcPop = await source.register("popularity", art("popularity", 50), { interactions: 7, trainMs: 3 });
    await source.register("covisitation", art("covisitation", 40), { interactions: 7 });
    const target = new LibsqlArtifactRegistry(t.db.$client, { chunkBytes: 128 });

    const first = await publishModels(source, target, { models: ["popularity", "covisitation", "fism-bpr"] });
    expect(first.map((r) => [r.model, r.status])).toEqual([
      ["popularity", "published"],
      ["covisitation", "published"],
      ["fism-bpr", "missing"],
    ]);
    const pop = await target.live("popularity");
    const want = (await source.live("popularity"))!;
    expect(pop?.version).toBe(srcPop);
    expect(pop?.metrics).toEqual({ interactions: 7, trainMs: 3 });
    expect(pop?.createdAt).toBe(want.createdAt);
    expect(Array.from(pop!.artifact.blobs.v)).toEqual(Array.from(want.artifact.blobs.v));
    expect(pop!.artifact.itemIds).toEqual(want.artifact.itemIds);

    const second = await publishModels(source, target, { models: ["popularity", "covisitation"] });
    expect(second.map((r) => r.status)).toEqual(["already", "already"]);
    expect(await target.versions("popularity")).toHaveLength(1);
  });

  it("without --live a model with a pointer keeps it; with --live the pointer moves", async () => {
    const source = new MemoryArtifactRegistry();
    const target = new LibsqlArtifactRegistry(t.db.$client);
    const v1 = await target.register("session-knn", art("session-knn", 10), {}, { live: true });
    const v2 = await source.register("session-knn", { ...art("session-knn", 11), version: "s-v2" }, {});
    await publishModels(source, target, { models: ["session-knn"] });
    expect((await target.live("session-knn"))?.version).toBe(v1);
    await publishModels(source, target, { models: ["session-knn"], live: true });
    expect((await target.live("session-knn"))?.version).toBe(v2);
  });
});

describe("npm run publish-models (CLI)", () => {
  const run = (args: string[], url = t.url) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/publish-models.ts", ...args], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" },
      timeout: 60_000,
    });

  it("copies another database's live versions into DATABASE_URL and exits 1 naming a missing model", async () => {
    const from = await createTestDb();
    try {
      const files = new LibsqlArtifactRegistry(from.db.$client, { now: () => Date.UTC(2026, 2, 1) });
      const version = await files.register("ranker", art("ranker", 5), { interactions: 2 });
      const ok = run(["--from", from.url, "--models", "ranker", "--live", "--chunk-kb", "1"]);
      expect(ok.stderr).not.toMatch(/Error/);
      expect(ok.status).toBe(0);
      expect(JSON.parse(ok.stdout).models).toEqual([
        { model: "ranker", status: "published", version, bytes: expect.any(Number) },
      ]);
      const reg = new LibsqlArtifactRegistry(t.db.$client);
      expect((await reg.live("ranker"))?.version).toBe(version);
      expect((await reg.livePointer("ranker"))?.reason).toBe("published live");

      const missing = run(["--from", from.url, "--models", "ranker,popularity"]);
      expect(missing.status).toBe(1);
      expect(JSON.parse(missing.stdout).models.map((m: { status: string }) => m.status)).toEqual([
        "already",
        "missing",
      ]);
    } finally {
      from.cleanup();
    }
  });

  it("without --from copies nothing and reports what DATABASE_URL's registry serves", async () => {
    const own = await createTestDb();
    try {
      const version = await new LibsqlArtifactRegistry(own.db.$client).register("ranker", art("ranker", 4), {});
      const res = run(["--models", "ranker,popularity"], own.url);
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(/nothing to publish without --from/);
      const out = JSON.parse(res.stdout);
      expect(out.from).toBeNull();
      expect(out.models).toEqual([
        { model: "ranker", status: "already", version, bytes: expect.any(Number) },
        { model: "popularity", status: "missing" },
      ]);
      expect(await new LibsqlArtifactRegistry(own.db.$client).versions("ranker")).toHaveLength(1);
    } finally {
      own.cleanup();
    }
  });

  it("refuses --from naming DATABASE_URL itself", () => {
    const res = run(["--from", t.url]);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/DATABASE_URL itself/);
  });
});
