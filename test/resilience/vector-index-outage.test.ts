/**
 * Qdrant unreachable at start and during serving, with the fake Qdrant (test/adapters/vector-index/fake-qdrant.ts,
 * every request checked against Qdrant's OpenAPI document) stopped and restarted. The vector index is chosen
 * from config as the entries choose it (circuit breaker included). Models load without it, feeds answer from
 * the other sources (degraded, naming `vector`), and once it answers the item vectors are published and vector
 * recall is back, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectVectorIndex } from "../../src/adapters/select";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { buildServingDeps } from "../../src/deps/serving";
import { FEED_SOURCES } from "../../src/recsys/feed/feed-service";
import { startFakeQdrant, type FakeQdrant } from "../adapters/vector-index/fake-qdrant";
import { createTestApp, type TestApp } from "../helpers/app";
import { pid, postEvents, seedRecsysData, sid, views, type FeedBody } from "../recsys/fixtures";

let qdrant: FakeQdrant;
let t: TestApp;
const session = { "x-session-id": sid("qdrant-1") };
const feed = async () => {
  const res = await t.app.request("/v1/feed?limit=10", { headers: session });
  expect(res.status).toBe(200);
  return { res, body: (await res.json()) as FeedBody };
};

beforeAll(async () => {
  qdrant = await startFakeQdrant();
  await qdrant.stop(); // down before the server starts
  const config = loadConfig({ NODE_ENV: "test", QDRANT_URL: qdrant.url });
  const budgets = Object.fromEntries(FEED_SOURCES.map((s) => [s.name, { timeoutMs: 2000, count: 100 }]));
  const base = await createTestApp({ vectors: selectVectorIndex(config) });
  const recsys = buildServingDeps({ ...base.deps, feed: { budgets } }).recsys;
  await seedRecsysData(base);
  // Must not throw: the vector index is not needed to serve.
  await recsys.start(base.db, { trainMissing: true, seed: 7 });
  t = { ...base, deps: { ...base.deps, recsys }, app: createApp({ ...base.deps, recsys }) };
  expect((await postEvents(t, session, views([pid(0, 1), pid(1, 2)], "q"))).status).toBe(200);
}, 60_000);

afterAll(async () => {
  t?.deps.recsys.stop();
  await t?.cleanup();
  await qdrant?.close();
});

describe("vector index (Qdrant) outage", () => {
  it("down at start: models load, the feed answers from the other sources, degraded, naming vector", async () => {
    expect(t.deps.recsys.ready).toBe(true);
    const { res, body } = await feed();
    expect(body.degraded).toBe(true);
    expect(body.sources.failed).toEqual([{ source: "vector", reason: "error" }]);
    expect(body.sources.used).toEqual(expect.arrayContaining(["covisitation", "session_knn", "trending"]));
    expect(body.items.length).toBe(10);
    expect(res.headers.get("x-degraded")).toBe("vector");
    const product = await t.app.request(`/v1/products/${pid(0, 3)}/recommendations?limit=5`, { headers: session });
    expect(product.status).toBe(200);
    expect(await product.json()).toMatchObject({ degraded: true });
    const ready = await t.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "degraded", down: ["vector_index"] });
  });

  it("back: the vectors are published and vector recall serves again, no restart", async () => {
    await qdrant.restart();
    const deadline = Date.now() + 20_000;
    let body: FeedBody | null = null;
    while (Date.now() < deadline) {
      body = (await feed()).body;
      if (!body.degraded) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(body?.degraded).toBe(false);
    expect(body?.sources.used).toContain("vector");
    expect(qdrant.violations).toEqual([]);
  }, 30_000);

  it("down again while serving: degraded at once, no 500, and back after the restart", async () => {
    await qdrant.stop();
    for (let i = 0; i < 5; i++) {
      const { body } = await feed();
      expect(body.degraded).toBe(true);
      expect(body.sources.failed).toEqual([{ source: "vector", reason: "error" }]);
    }
    await qdrant.restart();
    const deadline = Date.now() + 15_000;
    let degraded = true;
    while (degraded && Date.now() < deadline) {
      degraded = (await feed()).body.degraded;
      if (degraded) await new Promise((r) => setTimeout(r, 250));
    }
    expect(degraded).toBe(false);
  }, 30_000);
});
