import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers/app";
import { json } from "../helpers/auth";
import { createApp } from "../../src/app";
import { Recsys } from "../../src/recsys/recsys";
import type { ModelRegistry } from "../../src/ports/model-registry";
import { pid, postEvents, recsysApp, sid, views, type FeedBody } from "./fixtures";

let t: TestApp;
let recsys: Recsys;
let app: ReturnType<typeof createApp>;
const logs: string[] = [];

beforeAll(async () => {
  t = await recsysApp();
  // A second holder over the same registry, vector index and database, as another server process would be;
  // retired vector collections are dropped at once so the test can see it.
  recsys = new Recsys({ ...t.deps.recsys.o, log: (msg) => void logs.push(msg), retiredVectorGraceMs: 0 });
  await recsys.start(t.db, { trainMissing: false, seed: 7 });
  app = createApp({ ...t.deps, recsys });
});
afterAll(() => t.cleanup());

const registry = (): ModelRegistry => recsys.o.registry;
/** Registers the live artifact of `model` again under a new version: a rotation as the scheduler makes one. */
async function rotate(model: string, version: string): Promise<void> {
  const live = await registry().live(model);
  if (!live) throw new Error(`no live ${model}`);
  await registry().register(model, { ...live.artifact, version }, live.metrics, { live: true });
}
const feed = async (): Promise<FeedBody> => {
  const res = await app.request("/v1/feed?limit=10", { headers: { "x-session-id": sid(600) } });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<FeedBody>(res);
};

describe("Recsys.reloadIfChanged: model versions rotated in the registry reach serving without a restart", () => {
  it("does nothing while the registry's live versions are the served ones", async () => {
    const r = await recsys.reloadIfChanged();
    expect(r.reloaded).toBe(false);
    expect(r.changed).toEqual([]);
    expect(r.to).toBe(r.from);
  });

  it("swaps the whole model set when one model's live version moves, and the feed names the new version", async () => {
    await postEvents(t, { "x-session-id": sid(600) }, views([pid(1, 1), pid(1, 2)], "rl"));
    const before = await feed();
    await rotate("covisitation", "covisitation-rotated-1");
    const r = await recsys.reloadIfChanged();
    expect(r.reloaded).toBe(true);
    expect(r.changed.map((c) => [c.model, c.to])).toEqual([["covisitation", "covisitation-rotated-1"]]);
    expect(recsys.models.version).toBe(r.to);
    expect(recsys.models.components.covisitation).toBe("covisitation-rotated-1");
    const after = await feed();
    expect(after.modelVersion).toBe(r.to);
    expect(after.modelVersion).not.toBe(before.modelVersion);
    expect(after.items.length).toBe(10);
    expect(logs).toContain("recsys: models reloaded");
    expect((await recsys.reloadIfChanged()).reloaded).toBe(false);
  });

  it("a new vector model gets its own collection, requests search it, and the replaced one is dropped", async () => {
    const old = recsys.models.vectors?.version;
    expect(old).toBeTruthy();
    await rotate("fism-bpr", "fism-bpr-rotated-1");
    expect((await recsys.reloadIfChanged()).reloaded).toBe(true);
    const now = recsys.models.vectors?.version;
    expect(now).toBe("fism-fism-bpr-rotated-1");
    expect(await t.deps.vectors.liveVersion()).toBe(now);
    await new Promise((r) => setTimeout(r, 10)); // the drop runs on a timer (grace 0 here)
    expect(await t.deps.vectors.listVersions()).not.toContain(old);
    const f = await feed();
    expect(f.sources.used).toContain("vector");
    expect(f.degraded).toBe(false);
  });

  it("a page of a snapshot made before the swap still pages over its own list (no repeats)", async () => {
    const res = await app.request("/v1/feed?limit=5", { headers: { "x-session-id": sid(601) } });
    const first = await json<FeedBody>(res);
    await rotate("session-knn", "session-knn-rotated-1");
    expect((await recsys.reloadIfChanged()).reloaded).toBe(true);
    const next = await json<FeedBody>(
      await app.request(`/v1/feed?limit=5&cursor=${first.nextCursor}`, { headers: { "x-session-id": sid(601) } }),
    );
    expect(next.snapshotId).toBe(first.snapshotId);
    expect(next.modelVersion).toBe(first.modelVersion);
    const ids = new Set(first.items.map((i) => i.productId));
    expect(next.items.some((i) => ids.has(i.productId))).toBe(false);
  });

  it("a version that cannot be loaded leaves the current models serving, and the error reaches the caller", async () => {
    // The registry names a live popularity version whose artifact is gone: the reload's load must fail.
    let gone = false;
    const inner = registry();
    const failing = new Recsys({
      ...recsys.o,
      registry: {
        load: (m, v) => inner.load(m, v),
        versions: (m, limit) => inner.versions(m, limit),
        models: () => inner.models(),
        livePointer: (m) => inner.livePointer(m),
        setLive: (m, v, reason) => inner.setLive(m, v, reason),
        liveVersion: async (m) =>
          gone && m === "popularity" ? "popularity-gone" : ((await registry().live(m))?.version ?? null),
        live: async (m) => {
          if (gone && m === "popularity") throw new Error("artifact popularity-gone: file missing");
          return registry().live(m);
        },
        register: (m, a, metrics, o) => registry().register(m, a, metrics, o),
        annotate: (m, v, metrics) => inner.annotate(m, v, metrics),
      },
    });
    await failing.start(t.db, { trainMissing: false, seed: 7 });
    const kept = failing.models;
    gone = true;
    await expect(failing.reloadIfChanged()).rejects.toThrow(/popularity-gone/);
    expect(failing.models).toBe(kept);
    // And once the registry is whole again, the next poll finds nothing to do.
    gone = false;
    expect((await failing.reloadIfChanged()).reloaded).toBe(false);
  });

  it("before start there is nothing to reload: a typed not-ready error", async () => {
    const cold = new Recsys({ ...recsys.o });
    await expect(cold.reloadIfChanged()).rejects.toThrow(/reload before start/);
  });
});
