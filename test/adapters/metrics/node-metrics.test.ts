import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import { createApp } from "../../../src/app";
import { loadConfig } from "../../../src/config";
import { buildNodeDeps, type NodeDeps } from "../../../src/deps/node.node.js";
import { nullLogger } from "../../../src/ports/logger";
import { eventBacklog } from "../../../src/recsys/event-backlog";
import { LibsqlLeaseStore } from "../../../src/adapters/lease/libsql";
import { learnerRunStats } from "../../../src/ops/learner-runs";
import { createTestApp, type TestApp } from "../../helpers/app";
import { pid, postEvents, seedRecsysData, sid, views } from "../../recsys/fixtures";

/**
 * The Node server's own assembly (buildNodeDeps) over a seeded database: models trained at start, the
 * learner thread running its first cycle at once, `/metrics` scraped as Prometheus would.
 */
const TOKEN = "metrics-token-0123456789abcdef";
let t: TestApp;
let node: NodeDeps;
let app: ReturnType<typeof createApp>;
let backlogBefore = 0;

beforeAll(async () => {
  t = await createTestApp();
  await seedRecsysData(t, 40);
  // Interactions logged before the server starts: nothing the learner trained includes them yet.
  for (let s = 0; s < 4; s++)
    expect((await postEvents(t, { "x-session-id": sid(`pre-${s}`) }, views([pid(1, s), pid(1, s + 1)]))).status).toBe(
      200,
    );
  // No learner version yet (the bootstrap's models record no event position): every interaction counts.
  backlogBefore = await eventBacklog(t.db, new LibsqlArtifactRegistry(t.db.$client));
  const config = loadConfig({
    DATABASE_URL: t.url,
    METRICS_TOKEN: TOKEN,
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    DEMO_DATA: "false",
    // One learner cycle at start, the next in an hour: the test sees exactly one.
    LEARNER_INTERVAL_SECONDS: "3600",
  });
  node = await buildNodeDeps(config, { db: t.db, logger: nullLogger });
  app = createApp(node.deps);
}, 120_000);
afterAll(async () => {
  await node?.stop();
  t.cleanup();
});

const scrape = async (): Promise<string> => {
  const res = await app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};
const value = (text: string, series: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
};

async function until(what: string, ok: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("/metrics of a Node serving process", () => {
  it("counts the learner's cycle by outcome, with its duration and the last success time", async () => {
    const started = Date.now();
    await until(
      "a learner cycle",
      async () => value(await scrape(), 'recircuit_learner_runs_total{outcome="ok"}') >= 1,
    );
    const text = await scrape();
    expect(value(text, 'recircuit_learner_runs_total{outcome="ok"}')).toBe(1);
    for (const outcome of ["partial", "error", "crashed"])
      expect(value(text, `recircuit_learner_runs_total{outcome="${outcome}"}`)).toBe(0);
    expect(value(text, 'recircuit_learner_run_duration_seconds_count{outcome="ok"}')).toBe(1);
    expect(value(text, 'recircuit_learner_run_duration_seconds_sum{outcome="ok"}')).toBeGreaterThan(0);
    const last = value(text, "recircuit_learner_last_success_timestamp_seconds");
    expect(last * 1000).toBeGreaterThan(started - 120_000);
    expect(last * 1000).toBeLessThanOrEqual(Date.now());
  }, 120_000);

  it("runs its learner thread under the learner lease; an idle cycle is not a run in the database's record", async () => {
    const lease = await new LibsqlLeaseStore(t.db.$client).current("learner");
    expect(lease).toMatchObject({ live: true, holder: expect.stringMatching(/#[0-9a-f]{8}$/) });
    // The models trained at start folded every event in: the thread's first cycle had nothing to do.
    const stats = await learnerRunStats(t.db.$client);
    expect(stats.groups.reduce((n, g) => n + g.count, 0)).toBe(0);
  });

  it("reports the event backlog: 0 once the cycle folded the log in, then what was logged since", async () => {
    const registry = new LibsqlArtifactRegistry(t.db.$client);
    // The scrape after the learner's cycle (cached for 10 s from then on).
    expect(value(await scrape(), "recircuit_event_backlog")).toBe(0);
    expect(backlogBefore).toBe(8); // the 4 sessions x 2 views logged before start
    const res = await postEvents(t, { "x-session-id": sid("post") }, views([pid(2, 1), pid(2, 2), pid(2, 3)]));
    expect(res.status).toBe(200);
    expect(await eventBacklog(t.db, registry)).toBe(3);
  });

  it("exposes one series per model and the registry version it serves, and the serving set", async () => {
    const text = await scrape();
    const served = node.deps.recsys.servedVersions;
    expect(Object.keys(served).length).toBeGreaterThanOrEqual(4);
    for (const [model, version] of Object.entries(served))
      expect(value(text, `recircuit_model_version_live{model="${model}",version="${version}"}`), model).toBe(1);
    expect(value(text, `recircuit_models_live{version="${node.deps.recsys.models.version}"}`)).toBe(1);
  });

  it("times the feed's stages and reports this process's memory", async () => {
    expect((await app.request(`/v1/feed?session_id=${sid("pre-1")}`)).status).toBe(200);
    const text = await scrape();
    expect(value(text, 'recircuit_feed_stage_duration_seconds_count{stage="rerank"}')).toBe(1);
    expect(value(text, 'recircuit_feed_recall_duration_seconds_count{source="covisitation"}')).toBe(1);
    expect(value(text, 'recircuit_process_memory_bytes{process="main",kind="rss"}')).toBeGreaterThan(10e6);
    expect(value(text, 'recircuit_process_memory_bytes{process="main",kind="heap_used"}')).toBeGreaterThan(1e6);
    expect(value(text, "recircuit_process_resident_memory_bytes")).toBeGreaterThan(10e6);
  });
});
