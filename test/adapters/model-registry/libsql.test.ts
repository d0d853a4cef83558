import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import type { Client } from "@libsql/client";
import {
  ArtifactCorruptError,
  ArtifactMissingError,
  LibsqlArtifactRegistry,
} from "../../../src/adapters/model-registry/libsql";
import { createTestDb, type TestDb } from "../../helpers/app";

/** The version's `model_registry` row (the metadata record every registry reader shares), parsed. */
async function registryRow(client: Client, model: string, version: string) {
  const { rows } = await client.execute({
    sql: "SELECT params, artifact_location FROM model_registry WHERE model = ? AND version = ?",
    args: [model, version],
  });
  const r = rows[0];
  return r
    ? { params: JSON.parse(String(r.params)) as unknown, artifact_location: String(r.artifact_location) }
    : undefined;
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.cleanup());

let clock = Date.UTC(2026, 5, 1);
const now = (): number => (clock += 1000);

/** An artifact with every dtype, unaligned lengths and non-ASCII item ids: several chunks at 1 KiB. */
function artifact(seed: number, items = 300): ModelArtifact {
  const f32 = new Float32Array(items * 3).map((_, i) => Math.sin(i + seed));
  return {
    model: "m",
    params: { dim: 3, seed, nested: { a: [1, 2] } },
    blobs: {
      vectors: f32,
      neighbours: new Int32Array(items * 2 + 1).map((_, i) => (i * 7 + seed) % items),
      counts: new Uint32Array(5).map((_, i) => i * 1e9),
      weights: new Float64Array(3).map((_, i) => Math.PI * (i + seed)),
    },
    itemIds: Array.from({ length: items }, (_, i) => `B0${i}-é${seed}`),
  };
}

function expectSame(a: ModelArtifact, b: ModelArtifact): void {
  expect(a.params).toEqual(b.params);
  expect(a.itemIds).toEqual(b.itemIds);
  expect(Object.keys(a.blobs).sort()).toEqual(Object.keys(b.blobs).sort());
  for (const [name, blob] of Object.entries(b.blobs)) {
    expect(a.blobs[name].constructor).toBe(blob.constructor);
    expect(Array.from(a.blobs[name])).toEqual(Array.from(blob));
  }
}

async function chunkCount(model: string, version: string): Promise<number> {
  const { rows } = await t.db.$client.execute({
    sql: "SELECT count(*) AS n FROM model_artifact_chunks WHERE model = ? AND version = ?",
    args: [model, version],
  });
  return Number(rows[0].n);
}

describe("LibsqlArtifactRegistry (real libSQL engine)", () => {
  it("round-trips an artifact stored in many chunks; live = newest until a pointer exists", async () => {
    const reg = new LibsqlArtifactRegistry(t.db.$client, { now, chunkBytes: 1024 });
    expect(await reg.live("rt")).toBeNull();
    const a1 = artifact(1);
    const v1 = await reg.register("rt", a1, { interactions: 10, "valid_NDCG@10": 0.2 });
    expect(await chunkCount("rt", v1)).toBeGreaterThan(5);
    const live1 = await reg.live("rt");
    expect(live1?.version).toBe(v1);
    expect(live1?.metrics).toEqual({ interactions: 10, "valid_NDCG@10": 0.2 });
    expect(live1?.artifact.version).toBe(v1);
    expectSame(live1!.artifact, a1);

    const v2 = await reg.register("rt", artifact(2), { interactions: 12 });
    expect((await reg.live("rt"))?.version).toBe(v2);
    // the metadata is the one model_registry record
    const rec = await registryRow(t.db.$client, "rt", v2);
    expect(rec?.artifact_location).toBe(`libsql:model_artifact_chunks/rt/${v2}`);
    expect(rec?.params).toEqual(artifact(2).params);

    expect(await reg.liveVersion("rt")).toBe(v2);
    await reg.setLive("rt", v1, "pinned by test");
    expect((await reg.live("rt"))?.version).toBe(v1);
    expect(await reg.liveVersion("rt")).toBe(v1);
    expect(await reg.liveVersion("none")).toBeNull();
    expect(await reg.livePointer("rt")).toMatchObject({ version: v1, reason: "pinned by test" });
    expect((await reg.versions("rt")).map((v) => v.version)).toEqual([v2, v1]);

    const v3 = await reg.register("rt", artifact(3), {}, { live: true });
    expect((await reg.live("rt"))?.version).toBe(v3);
  });

  it("keeps an artifact's own version (publishing) and is idempotent for identical bytes", async () => {
    const reg = new LibsqlArtifactRegistry(t.db.$client, { now, chunkBytes: 4096 });
    const a = { ...artifact(4), version: "20260101T000000-abcdef01" };
    expect(await reg.register("pub", a, { interactions: 1 })).toBe(a.version);
    expect(await reg.register("pub", a, { interactions: 1 })).toBe(a.version);
    expect(await reg.versions("pub")).toHaveLength(1);
    await expect(reg.register("pub", { ...artifact(5), version: a.version }, {})).rejects.toThrow(
      /already stored with different content/,
    );
    expectSame((await reg.live("pub"))!.artifact, a);
  });

  it("never returns a version whose chunks are not all written; sweeps it once abandoned", async () => {
    const reg = new LibsqlArtifactRegistry(t.db.$client, { now, chunkBytes: 1024 });
    const good = await reg.register("half", artifact(6), {});
    // A publisher that died after two of its chunks: storage row `writing`, no registry row.
    const c = t.db.$client;
    await c.execute({
      sql: "INSERT INTO model_artifacts (model, version, status, manifest, chunk_count, byte_length, sha256, started_at) VALUES ('half', 'zz-partial', 'writing', '{}', 9, 9000, 'x', ?)",
      args: [clock],
    });
    for (const seq of [0, 1])
      await c.execute({
        sql: "INSERT INTO model_artifact_chunks VALUES ('half', 'zz-partial', ?, ?, 'x')",
        args: [seq, new Uint8Array(1000)],
      });
    expect((await reg.live("half"))?.version).toBe(good);
    expect((await reg.versions("half")).map((v) => v.version)).toEqual([good]);
    await expect(reg.setLive("half", "zz-partial", "x")).rejects.toBeInstanceOf(ArtifactMissingError);
    await expect(reg.load("half", "zz-partial")).rejects.toBeInstanceOf(ArtifactMissingError);

    expect(await reg.sweepAbandoned(60 * 60 * 1000)).toEqual([]);
    clock += 2 * 60 * 60 * 1000;
    expect(await reg.sweepAbandoned(60 * 60 * 1000)).toEqual([{ model: "half", version: "zz-partial" }]);
    expect(await chunkCount("half", "zz-partial")).toBe(0);
    expect(await chunkCount("half", good)).toBeGreaterThan(0);
  });

  it("completion is checked against the chunks present: a chunk lost mid-upload leaves the version invisible", async () => {
    // A client whose chunk writes silently drop seq 1 (like a sweep racing the upload).
    const c = t.db.$client;
    const lossy = new Proxy(c, {
      get(target, prop, receiver) {
        if (prop === "execute") {
          return (stmt: { sql: string; args: unknown[] }) =>
            /INTO model_artifact_chunks/.test(stmt.sql) && stmt.args[2] === 1
              ? Promise.resolve({ rowsAffected: 0, rows: [] })
              : target.execute(stmt as never);
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const reg = new LibsqlArtifactRegistry(lossy, { now, chunkBytes: 1024 });
    await expect(reg.register("lossy", artifact(7), {}, { live: true })).rejects.toThrow(/could not be completed/);
    const plain = new LibsqlArtifactRegistry(c, { now });
    expect(await plain.live("lossy")).toBeNull();
    expect(await plain.livePointer("lossy")).toBeNull();
    expect(await registryRow(c, "lossy", "any")).toBeUndefined();
    expect(
      (await c.execute({ sql: "SELECT 1 FROM model_registry WHERE model = ?", args: ["lossy"] })).rows,
    ).toHaveLength(0);
  });

  it("a corrupt or missing chunk of the live version is a clear error, not a wrong model", async () => {
    const reg = new LibsqlArtifactRegistry(t.db.$client, { now, chunkBytes: 1024 });
    const v = await reg.register("bad", artifact(8), {}, { live: true });
    const c = t.db.$client;
    // flip one byte of chunk 2
    const { rows } = await c.execute({
      sql: "SELECT bytes FROM model_artifact_chunks WHERE model = 'bad' AND version = ? AND seq = 2",
      args: [v],
    });
    const bytes = new Uint8Array(rows[0].bytes as ArrayBuffer);
    bytes[10] ^= 0xff;
    await c.execute({
      sql: "UPDATE model_artifact_chunks SET bytes = ? WHERE model = 'bad' AND version = ? AND seq = 2",
      args: [bytes, v],
    });
    await expect(reg.live("bad")).rejects.toThrow(
      new ArtifactCorruptError(`model registry: bad@${v}: chunk 2 of ${await chunkCount("bad", v)} fails its checksum`),
    );

    bytes[10] ^= 0xff;
    await c.execute({
      sql: "UPDATE model_artifact_chunks SET bytes = ? WHERE model = 'bad' AND version = ? AND seq = 2",
      args: [bytes, v],
    });
    expect((await reg.live("bad"))?.version).toBe(v);

    await c.execute({
      sql: "DELETE FROM model_artifact_chunks WHERE model = 'bad' AND version = ? AND seq = 3",
      args: [v],
    });
    await expect(reg.live("bad")).rejects.toThrow(/chunk 3 of \d+ is missing/);
    await expect(reg.live("bad")).rejects.toBeInstanceOf(ArtifactMissingError);

    // a pointer at a version whose storage is gone: an error too (the scheduler rolls back)
    await c.execute({ sql: "DELETE FROM model_artifacts WHERE model = 'bad' AND version = ?", args: [v] });
    await expect(reg.live("bad")).rejects.toThrow(/is not a complete stored version/);
  });

  it("a tampered manifest is refused even when the chunks verify", async () => {
    const reg = new LibsqlArtifactRegistry(t.db.$client, { now, chunkBytes: 1024 });
    const v = await reg.register("manifest", artifact(9), {});
    const c = t.db.$client;
    const { rows } = await c.execute({
      sql: "SELECT manifest FROM model_artifacts WHERE model = 'manifest' AND version = ?",
      args: [v],
    });
    const m = JSON.parse(String(rows[0].manifest)) as { itemIds: { count: number } };
    m.itemIds.count += 1;
    await c.execute({
      sql: "UPDATE model_artifacts SET manifest = ? WHERE model = 'manifest' AND version = ?",
      args: [JSON.stringify(m), v],
    });
    await expect(reg.live("manifest")).rejects.toThrow(/expected 301 string item ids/);
  });

  it("prunes old versions' bytes, keeping the live one, the newest and the ones a rollback would pick", async () => {
    const reg = new LibsqlArtifactRegistry(t.db.$client, { now, chunkBytes: 1024 });
    const v: string[] = [];
    for (let i = 1; i <= 8; i++) v.push(await reg.register("prune", artifact(i, 50), { interactions: i }));
    // v[0]..v[7], oldest first; live is v[3] (e.g. newer ones held on worse metrics).
    await reg.setLive("prune", v[3], "test");
    // An abandoned upload and another model's versions are not this job's business.
    await t.db.$client.execute({
      sql: "INSERT INTO model_artifacts (model, version, status, manifest, chunk_count, byte_length, sha256, started_at) VALUES ('prune', 'zz-writing', 'writing', '{}', 1, 1, 'x', ?)",
      args: [clock],
    });
    const other = await reg.register("prune-other", artifact(9, 50), {});

    const pruned = await reg.pruneVersions({ keepNewest: 3, keepPrevious: 2 });
    // Newest first: v[4] is newer than live but past the 3 newest; v[0] is older than the 2 rollback targets.
    expect(pruned).toEqual([
      { model: "prune", version: v[4] },
      { model: "prune", version: v[0] },
    ]);
    expect((await reg.versions("prune")).map((x) => x.version)).toEqual([v[7], v[6], v[5], v[3], v[2], v[1]]);
    expect(await chunkCount("prune", v[0])).toBe(0);
    await expect(reg.load("prune", v[0])).rejects.toBeInstanceOf(ArtifactMissingError);
    // Metrics history stays; the live model still loads; the other rows are untouched.
    expect(await registryRow(t.db.$client, "prune", v[0])).toBeDefined();
    expectSame((await reg.live("prune"))!.artifact, artifact(4, 50));
    expect(
      (
        await t.db.$client.execute(
          "SELECT status FROM model_artifacts WHERE model = 'prune' AND version = 'zz-writing'",
        )
      ).rows[0]?.status,
    ).toBe("writing");
    expect((await reg.versions("prune-other")).map((x) => x.version)).toEqual([other]);
    // Idempotent: nothing left to prune.
    expect(await reg.pruneVersions({ keepNewest: 3, keepPrevious: 2 })).toEqual([]);
  });

  it("never prunes the live version, even when it is the oldest and nothing else is kept", async () => {
    const reg = new LibsqlArtifactRegistry(t.db.$client, { now, chunkBytes: 1024 });
    const v: string[] = [];
    for (let i = 1; i <= 4; i++) v.push(await reg.register("prune-live", artifact(i, 20), {}));
    await reg.setLive("prune-live", v[0], "rolled back");
    const pruned = await reg.pruneVersions({ keepNewest: 1, keepPrevious: 0 });
    expect(
      pruned
        .filter((p) => p.model === "prune-live")
        .map((p) => p.version)
        .sort(),
    ).toEqual([v[1], v[2]].sort());
    expect((await reg.versions("prune-live")).map((x) => x.version)).toEqual([v[3], v[0]]);
    expect((await reg.live("prune-live"))?.version).toBe(v[0]);
    // Without a pointer the newest counts as live (as for rotation): it is never pruned either.
    const w: string[] = [];
    for (let i = 1; i <= 3; i++) w.push(await reg.register("prune-nopointer", artifact(i, 20), {}));
    await t.db.$client.execute("DELETE FROM model_live WHERE model = 'prune-nopointer'");
    await reg.pruneVersions({ keepNewest: 1, keepPrevious: 0 });
    expect((await reg.versions("prune-nopointer")).map((x) => x.version)).toEqual([w[2]]);
  });
});
