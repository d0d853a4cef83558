import { createScheduledController, env, SELF } from "cloudflare:test";
import { createClient } from "@libsql/client/web";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory";
import { timeOrderedId } from "../../src/context";
import { createDatabase } from "../../src/db/database";
import { bootstrapModels } from "../../src/recsys/models/bootstrap";
import { LibsqlArtifactRegistry } from "../../src/adapters/model-registry/libsql";
import { MemoryArtifactRegistry } from "../../src/adapters/model-registry/memory";
import { publishModels, PUBLISHED_MODELS } from "../../src/recsys/models/publish";
import { createDbEventLog } from "../../src/adapters/event-log/libsql";
import scheduler from "../../workers/scheduler";
import { MODEL_RETRY_MS } from "../../workers/serving";

// Runs inside workerd: the api Worker (SELF) loads its models from the libSQL registry over Hrana, and the
// scheduler's model jobs run against the same database.
const client = createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN });
const db = createDatabase(client);
afterAll(() => client.close());

interface FeedBody {
  items: { productId: string; sources: string[] }[];
  modelVersion: string;
}

const SESSION = "wdrecsys-session-1";

/** Interaction events for the fixture catalog: sessions that view cameras with lenses, headphones together. */
async function seedEvents(): Promise<void> {
  const baskets = [
    ["W-CAM-1", "W-LENS-1", "W-CAM-2"],
    ["W-CAM-1", "W-LENS-1"],
    ["W-CAM-2", "W-LENS-1", "W-CBL-1"],
    ["W-HP-1", "W-HP-2"],
    ["W-HP-1", "W-HP-2", "W-CBL-1"],
    ["W-PH-1", "W-CBL-1", "W-HP-1"],
  ];
  const t0 = Date.UTC(2026, 2, 1);
  const stmts = baskets.flatMap((items, s) =>
    items.map((item, j) => ({
      sql: "INSERT INTO events (id, anon_id, parent_asin, type, ts) VALUES (?, ?, ?, 'view', ?)",
      args: [`wd-ev-${s}-${j}`, `wd-seed-session-${s}`, item, t0 + s * 3_600_000 + j * 60_000],
    })),
  );
  await client.batch(stmts, "write");
}

/**
 * What a maintainer does with `npm run publish-models --train-missing`, inside workerd: train the serving
 * models from the database into an in-memory registry, then publish them into the libSQL registry.
 */
async function trainAndPublish(): Promise<void> {
  const source = new MemoryArtifactRegistry();
  const events = createDbEventLog(db, Date.now, timeOrderedId);
  await bootstrapModels({
    db,
    registry: source,
    events,
    vectors: new MemoryVectorIndex(),
    now: Date.now(),
    log: () => {},
    trainMissing: true,
  });
  const report = await publishModels(source, new LibsqlArtifactRegistry(client, { chunkBytes: 4096 }), {});
  expect(report.map((r) => r.status)).toEqual(PUBLISHED_MODELS.map(() => "published"));
}

async function feed(): Promise<Response> {
  return SELF.fetch("http://localhost/v1/feed?limit=5", { headers: { "x-session-id": SESSION } });
}

describe("recommendations in the api Worker, models from the libSQL registry", () => {
  it("answers 503 until models are published, then serves a non-empty feed (failed loads are retried)", async () => {
    const before = await feed();
    expect(before.status).toBe(503);
    expect(before.headers.get("retry-after")).toBe("5");
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe("service_unavailable");

    await seedEvents();
    await trainAndPublish();
    // within the back-off the Worker does not try again; after it, the next request loads the models
    await new Promise((r) => setTimeout(r, MODEL_RETRY_MS + 100));

    const [a, b] = await Promise.all([
      feed(),
      SELF.fetch("http://localhost/v1/recommendations/session?limit=5", { headers: { "x-session-id": SESSION } }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const body = (await a.json()) as FeedBody;
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.modelVersion).toMatch(/\w+/);

    // a view in this session brings in the co-visitation neighbours the published model learned
    const ev = await SELF.fetch("http://localhost/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", "x-session-id": SESSION },
      body: JSON.stringify({ events: [{ id: "wd-view-1", type: "view", item_id: "W-CAM-1", session_id: SESSION }] }),
    });
    expect(ev.status).toBe(200);
    const rec = await SELF.fetch("http://localhost/v1/products/W-CAM-1/recommendations?limit=5");
    expect(rec.status).toBe(200);
    const recBody = (await rec.json()) as FeedBody;
    expect(recBody.items.map((i) => i.productId)).toContain("W-LENS-1");
  });

  it("the scheduler's model jobs run and are recorded in scheduler_runs (initial pointers, then an experiment)", async () => {
    const reg = new LibsqlArtifactRegistry(client);
    const cron = "*/15 * * * *";
    const at = Date.UTC(2026, 3, 2, 8, 0) + Math.floor(Math.random() * 1e6);
    await scheduler.scheduled(createScheduledController({ cron, scheduledTime: at }), env);
    type Detail = { jobs: { name: string; status: string; result: Record<string, unknown> }[] };
    const detailOf = async (scheduledAt: number): Promise<{ status: string; detail: Detail }> => {
      const { rows } = await client.execute({
        sql: "SELECT status, detail FROM scheduler_runs WHERE cron = ? AND scheduled_at = ?",
        args: [cron, scheduledAt],
      });
      expect(rows).toHaveLength(1);
      return { status: String(rows[0].status), detail: JSON.parse(String(rows[0].detail)) as Detail };
    };
    const first = await detailOf(at);
    expect(first.status).toBe("ok");
    const names = first.detail.jobs.map((j) => j.name);
    expect(names).toEqual(expect.arrayContaining(["model-artifacts-sweep", "model-rotation", "model-event-backlog"]));
    const rotation = first.detail.jobs.find((j) => j.name === "model-rotation")!;
    expect(rotation.status).toBe("ok");
    const decisions = rotation.result.decisions as { model: string; action: string }[];
    for (const m of PUBLISHED_MODELS)
      expect(decisions.find((d) => d.model === m)?.action, m).toMatch(/^(initialised|kept)$/);
    for (const m of PUBLISHED_MODELS) expect(await reg.livePointer(m), m).not.toBeNull();
    const backlog = first.detail.jobs.find((j) => j.name === "model-event-backlog")!;
    expect(backlog).toMatchObject({ status: "ok", result: { newerEvents: expect.any(Number) } });
    // Interactions only (not impressions or negatives), with the table's name for the cart event.
    const since = Date.parse(String(backlog.result.liveSince));
    const expected = await client.execute({
      sql: "SELECT count(*) AS n FROM events WHERE ts > ? AND type IN ('view', 'click', 'cart_add', 'favorite', 'purchase')",
      args: [since],
    });
    expect(backlog.result.newerEvents).toBe(Number(expected.rows[0].n));

    // A newer popularity version is not promoted for being newer: the next run starts an online experiment.
    const live = (await reg.live("popularity"))!;
    const next = await reg.register(
      "popularity",
      { ...live.artifact, version: undefined },
      // Window metrics as the learner records them (not worse, paired): no wait for an assessment. Registered
      // from outside the learner (no `learner.*` bookkeeping): its own lineage in selection's queue.
      {
        ...Object.fromEntries(Object.entries(live.metrics).filter(([k]) => !k.startsWith("learner."))),
        interactions: (live.metrics.interactions ?? 0) + 1,
        "eval.cases": 40,
        "ndcg@10": 0.1,
        "delta_ndcg@10": 0,
        "delta_ndcg@10_lo": -0.01,
        "delta_ndcg@10_hi": 0.01,
      },
      { createdAt: live.createdAt + 1000 },
    );
    await scheduler.scheduled(createScheduledController({ cron, scheduledTime: at + 1 }), env);
    const second = await detailOf(at + 1);
    const rotated = second.detail.jobs.find((j) => j.name === "model-rotation")!.result.decisions as {
      model: string;
      action: string;
    }[];
    expect(rotated.find((d) => d.model === "popularity")).toMatchObject({ action: "kept" });
    const selection = second.detail.jobs.find((j) => j.name === "model-selection")!;
    expect(selection.status).toBe("ok");
    expect(selection.result.decisions).toEqual(
      expect.arrayContaining([expect.objectContaining({ model: "popularity", action: "experiment_started" })]),
    );
    expect((await reg.livePointer("popularity"))?.version).toBe(live.version);
    const { rows } = await client.execute({
      sql: "SELECT champion, challenger, status FROM model_experiments WHERE model = 'popularity'",
      args: [],
    });
    expect(rows.map((r) => [r.champion, r.challenger, r.status])).toEqual([[live.version, next, "running"]]);
  });
});
