import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "../../../src/adapters/metrics/prometheus.node";
import { createApp } from "../../../src/app";
import { buildServingDeps } from "../../../src/deps/serving";
import { FEED_SOURCES } from "../../../src/recsys/feed/feed-service";
import { emptyResult, type RecallSource } from "../../../src/recsys/feed/recall/types";
import { createTestApp, type TestApp } from "../../helpers/app";
import { pid, postEvents, seedRecsysData, sid, views } from "../../recsys/fixtures";

const TOKEN = "metrics-token-0123456789abcdef";
let t: TestApp;
let app: ReturnType<typeof createApp>;

// Two sources replaced: `fresh` throws (a backend down), `trending` answers after its 5 ms budget.
const failing: RecallSource = {
  name: "fresh",
  run: async () => {
    throw new Error("listings backend down");
  },
};
const late: RecallSource = {
  name: "trending",
  run: () => new Promise((resolve) => setTimeout(() => resolve(emptyResult("trending")), 40)),
};

beforeAll(async () => {
  t = await createTestApp({}, { METRICS_TOKEN: TOKEN });
  await seedRecsysData(t);
  const metrics = createPrometheusMetrics({ processMetrics: false });
  const sources = [...FEED_SOURCES.filter((s) => s.name !== "fresh" && s.name !== "trending"), failing, late];
  const { recsys } = buildServingDeps({ ...t.deps, feed: { sources, observe: metrics.feed } });
  await recsys.start(t.db, { trainMissing: true, seed: 7 });
  app = createApp({ ...t.deps, recsys, metrics });
}, 60_000);
afterAll(() => t.cleanup());

const scrape = async (): Promise<string> => {
  const res = await app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};
const value = (text: string, series: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
};

describe("feed metrics", () => {
  it("times every recall source and every later stage per candidate list, and counts dropped sources by reason", async () => {
    for (let s = 0; s < 3; s++) {
      const res = await app.request(`/v1/feed?session_id=${sid(`m-${s}`)}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { degraded: boolean }).degraded).toBe(true);
    }
    const text = await scrape();
    for (const source of ["vector", "covisitation", "session_knn", "bought_together", "fresh", "trending"])
      expect(value(text, `recircuit_feed_recall_duration_seconds_count{source="${source}"}`), source).toBe(3);
    for (const stage of ["filter", "rank", "rerank"])
      expect(value(text, `recircuit_feed_stage_duration_seconds_count{stage="${stage}"}`), stage).toBe(3);
    expect(value(text, 'recircuit_feed_recall_failures_total{source="fresh",reason="error"}')).toBe(3);
    expect(value(text, 'recircuit_feed_recall_failures_total{source="trending",reason="timeout"}')).toBe(3);
    // Sources that answered in time are never counted as failures.
    expect(text).not.toMatch(/recircuit_feed_recall_failures_total\{source="covisitation"/);
  });

  it("session and product recommendations run the same pipeline and are timed alike", async () => {
    const before = value(await scrape(), 'recircuit_feed_stage_duration_seconds_count{stage="rank"}');
    const session = { "x-session-id": sid("m-9") };
    expect((await postEvents({ ...t, app }, session, views([pid(0, 1), pid(0, 2)]))).status).toBeLessThan(300);
    const res = await app.request(`/v1/recommendations/session?session_id=${sid("m-9")}`);
    expect(res.status).toBe(200);
    expect(value(await scrape(), 'recircuit_feed_stage_duration_seconds_count{stage="rank"}')).toBeGreaterThan(before);
  });
});
