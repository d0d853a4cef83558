/**
 * Upstash (Redis over REST) killed and restarted under the real app: a real redis-server behind the local
 * REST front (scripts/dev/upstash-rest-server.ts), the session store chosen from config as the Node and
 * Worker entries choose it (circuit breaker included). While Redis is down the catalog serves, feeds and
 * recommendations answer degraded (never 500), a feed cursor answers 503 backend_unavailable with
 * Retry-After, events are stored and acknowledged once; after the restart the store is used again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectSessionStore } from "../../src/adapters/select";
import { loadConfig } from "../../src/config";
import { startUpstashRestServer, type UpstashRestServer } from "../../scripts/dev/upstash-rest-server.js";
import type { TestApp } from "../helpers/app";
import { startRedis, type RedisServerHandle } from "../helpers/redis";
import { createApp } from "../../src/app";
import { buildServingDeps } from "../../src/deps/serving";
import { FEED_SOURCES } from "../../src/recsys/feed/feed-service";
import { createTestApp } from "../helpers/app";
import { pid, postEvents, seedRecsysData, sid, views, type FeedBody } from "../recsys/fixtures";

const TOKEN = "resilience-token";
let redis: RedisServerHandle;
let rest: UpstashRestServer;
let t: TestApp;

beforeAll(async () => {
  redis = await startRedis();
  rest = await startUpstashRestServer({ redisUrl: redis.url, token: TOKEN, port: 0 });
  const config = loadConfig({ NODE_ENV: "test", UPSTASH_REDIS_REST_URL: rest.url, UPSTASH_REDIS_REST_TOKEN: TOKEN });
  expect(config.SESSION_STORE).toBe("upstash");
  // Generous recall budgets: on a loaded test machine a 15 ms source can time out, and this suite checks
  // that only the session store's outage degrades the answers.
  const budgets = Object.fromEntries(FEED_SOURCES.map((s) => [s.name, { timeoutMs: 2000, count: 100 }]));
  const base = await createTestApp({ sessions: selectSessionStore(config) });
  const recsys = buildServingDeps({ ...base.deps, feed: { budgets } }).recsys;
  await seedRecsysData(base);
  await recsys.start(base.db, { trainMissing: true, seed: 7 });
  t = { ...base, deps: { ...base.deps, recsys }, app: createApp({ ...base.deps, recsys }) };
}, 60_000);

afterAll(async () => {
  await t?.cleanup();
  await rest?.close();
  await redis?.stop();
});

type Feed = FeedBody & { sources: FeedBody["sources"] & { unavailable?: string[] } };
const session = { "x-session-id": sid("redis-1") };
const get = (path: string) => t.app.request(path, { headers: session });
const storedCount = async (clientId: string) =>
  Number(
    (
      await t.db.$client.execute({
        sql: "SELECT count(*) AS n FROM events WHERE client_event_id LIKE ?",
        args: [`%:${clientId}`],
      })
    ).rows[0].n,
  );

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("session store (Upstash) outage", () => {
  let cursorBefore: string | null = null;

  it("with Redis up: events go to the session history, the feed is personalised and not degraded", async () => {
    expect((await postEvents(t, session, views([pid(0, 1), pid(0, 2)], "up"))).status).toBe(200);
    const res = await get("/v1/feed?limit=5");
    expect(res.status).toBe(200);
    const feed = (await res.json()) as Feed;
    expect(feed.degraded).toBe(false);
    expect(res.headers.get("x-degraded")).toBeNull();
    cursorBefore = feed.nextCursor;
    expect(cursorBefore).toBeTruthy();
  });

  it("with Redis killed: no 500 anywhere; degraded feeds and recommendations, 503 for a cursor", async () => {
    expect(cursorBefore).toBeTruthy();
    await redis.kill();
    // Catalog and marketplace do not touch the session store.
    expect((await get("/v1/products?limit=3")).status).toBe(200);
    expect((await get(`/v1/products/${pid(1, 1)}`)).status).toBe(200);

    const res = await get("/v1/feed?limit=5");
    expect(res.status).toBe(200);
    const feed = (await res.json()) as Feed;
    expect(feed.degraded).toBe(true);
    expect(feed.sources.unavailable).toEqual(["session_store"]);
    expect(res.headers.get("x-degraded")).toContain("session_store");
    expect(feed.items.length).toBe(5);
    // Nowhere to keep the snapshot: no cursor rather than one that cannot be followed.
    expect(feed.nextCursor).toBeNull();

    const product = await get(`/v1/products/${pid(0, 3)}/recommendations?limit=5`);
    expect(product.status).toBe(200);
    expect(await product.json()).toMatchObject({ degraded: true, sources: { unavailable: ["session_store"] } });
    const next = await get("/v1/recommendations/session?limit=5");
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ degraded: true, sources: { unavailable: ["session_store"] } });

    const page2 = await get(`/v1/feed?limit=5&cursor=${encodeURIComponent(cursorBefore ?? "")}`);
    expect(page2.status).toBe(503);
    expect(page2.headers.get("retry-after")).toBe("5");
    expect(await page2.json()).toMatchObject({
      error: { code: "backend_unavailable", details: { backend: "session_store" } },
    });

    const ready = await t.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "degraded", down: ["session_store"] });
  });

  it("with Redis killed: an event is stored, acknowledged as stored, and a retry is a duplicate of one row", async () => {
    const events = views([pid(2, 4)], "down");
    const first = await postEvents(t, session, events);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-degraded")).toBe("session_store");
    expect(await first.json()).toMatchObject({
      accepted: ["down-0"],
      duplicates: [],
      rejected: [],
      degraded: ["session_store"],
    });
    const retry = await postEvents(t, session, events);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ accepted: ["down-0"], duplicates: ["down-0"] });
    expect(await storedCount("down-0")).toBe(1);
  });

  it("after Redis restarts on its port: the store is used again without restarting the app", async () => {
    redis = await startRedis(10_000, redis.port);
    const feed = await until("feed not degraded", async () => {
      const res = await get("/v1/feed?limit=5");
      expect(res.status).toBe(200);
      const body = (await res.json()) as Feed;
      return body.degraded ? null : body;
    });
    expect(feed.nextCursor).not.toBeNull();
    const page2 = await get(`/v1/feed?limit=5&cursor=${encodeURIComponent(feed.nextCursor ?? "")}`);
    expect(page2.status).toBe(200);
    const res = await postEvents(t, session, views([pid(3, 5)], "back"));
    expect(await res.json()).not.toHaveProperty("degraded");
    expect((await (await t.app.request("/readyz")).json()) as { status: string }).toMatchObject({ status: "ready" });
  });
});
