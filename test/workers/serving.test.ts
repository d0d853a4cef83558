import { afterAll, describe, expect, it } from "vitest";
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory";
import { loadConfig } from "../../src/config";
import { randomId, timeOrderedId } from "../../src/context";
import { bootstrapModels } from "../../src/recsys/models/bootstrap";
import { LibsqlArtifactRegistry } from "../../src/adapters/model-registry/libsql";
import { MemoryArtifactRegistry } from "../../src/adapters/model-registry/memory";
import { publishModels } from "../../src/recsys/models/publish";
import { createDbEventLog } from "../../src/adapters/event-log/libsql";
import { buildWorkerServing, MODEL_RETRY_MS, needsModels, REFRESH_MS } from "../../workers/serving";
import { buildApiWorkerDeps } from "../../src/deps/api-worker";
import { nullLogger } from "../../src/ports/logger";
import { createTestApp, type TestApp } from "../helpers/app";
import { seedRecsysData } from "../recsys/fixtures";

// The api Worker's serving wiring, run in Node against the real libSQL engine with a controlled clock
// (the workerd suite covers the same path through SELF, but cannot wait out REFRESH_MS).
let t: TestApp;
afterAll(() => t?.cleanup());

describe("buildWorkerServing", () => {
  it("loads from the libSQL registry once published, and a later refresh picks up a rotated version", async () => {
    t = await createTestApp();
    await seedRecsysData(t, 40);
    let clock = Date.UTC(2026, 0, 2);
    const deps = {
      config: loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: "silent" }),
      db: t.db,
      clock: () => clock,
      newId: randomId,
      logger: nullLogger,
    };
    const ws = buildWorkerServing(buildApiWorkerDeps(deps));
    const recsys = ws.deps.recsys;
    const waited: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void waited.push(p) };

    await expect(ws.models.get()).rejects.toThrow(
      /no published version of popularity, covisitation, session-knn, fism-bpr/,
    );
    const source = new MemoryArtifactRegistry(() => clock);
    const events = createDbEventLog(t.db, () => clock, timeOrderedId);
    await bootstrapModels({
      db: t.db,
      registry: source,
      events,
      vectors: new MemoryVectorIndex(),
      now: clock,
      log: () => {},
      trainMissing: true,
      seed: 3,
    });
    const registry = new LibsqlArtifactRegistry(t.db.$client, { now: () => clock });
    await publishModels(source, registry);

    // still inside the back-off: no new attempt
    await expect(ws.models.get()).rejects.toThrow(/no published version/);
    clock += MODEL_RETRY_MS;
    await Promise.all([ws.models.get(), ws.models.get()]);
    expect(recsys.ready).toBe(true);
    const first = recsys.models.components.popularity;
    expect(first).toBe(await registry.liveVersion("popularity"));
    expect(ws.maybeRefresh(ctx)).toBeNull();

    const live = (await registry.live("popularity"))!;
    clock += 1000;
    const next = await registry.register("popularity", { ...live.artifact, version: undefined }, live.metrics, {
      live: true,
      reason: "test rotation",
    });
    clock += REFRESH_MS;
    const work = ws.maybeRefresh(ctx);
    expect(work).not.toBeNull();
    expect(waited).toHaveLength(1);
    await work;
    expect(recsys.models.components.popularity).toBe(next);
    expect(ws.maybeRefresh(ctx)).toBeNull();
  });

  it("only the recommendation routes and pages wait for models", () => {
    expect(needsModels("/v1/feed")).toBe(true);
    expect(needsModels("/v1/recommendations/session")).toBe(true);
    expect(needsModels("/v1/products/B00X/recommendations")).toBe(true);
    expect(needsModels("/v1/products/B00X")).toBe(false);
    expect(needsModels("/v1/products")).toBe(false);
    expect(needsModels("/v1/events")).toBe(false);
    expect(needsModels("/healthz")).toBe(false);
    // Storefront pages that render recommendations: the home feed and product pages.
    expect(needsModels("/")).toBe(true);
    expect(needsModels("/p/B00X")).toBe(true);
    expect(needsModels("/search")).toBe(false);
    expect(needsModels("/cart")).toBe(false);
  });
});
