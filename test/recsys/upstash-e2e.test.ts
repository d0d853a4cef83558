import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashRestServer, type UpstashRestServer } from "../../scripts/dev/upstash-rest-server.js";
import { UpstashSessionStore } from "../../src/adapters/session-store/upstash";
import { startRedis, type RedisServerHandle } from "../helpers/redis.js";
import type { TestApp } from "../helpers/app";
import { json } from "../helpers/auth";
import { pid, postEvents, recsysApp, sid, NOW, type FeedBody } from "./fixtures";

let redis: RedisServerHandle;
let rest: UpstashRestServer;
let t: TestApp;
beforeAll(async () => {
  redis = await startRedis();
  rest = await startUpstashRestServer({ redisUrl: redis.url, token: "e2e-token", port: 0 });
  const sessions = new UpstashSessionStore({ url: rest.url, token: "e2e-token", keyPrefix: "e2e:" });
  t = await recsysApp({ sessions });
});
afterAll(async () => {
  t?.cleanup();
  await rest?.close();
  await redis?.stop();
});

describe("events -> Upstash session store (real redis-server behind the REST front) -> recommendations", () => {
  it("writes session history to Redis, serves session recs and paginates the feed from a Redis-held snapshot", async () => {
    const h = { "x-session-id": sid(50) };
    await postEvents(t, h, [{ id: "u1", type: "view", item_id: pid(1, 2), ts: NOW - 1000 }]);
    expect((await t.deps.sessions.recent(sid(50))).map((e) => e.itemId)).toEqual([pid(1, 2)]);
    const res = await t.app.request("/v1/recommendations/session", { headers: h });
    expect(res.status).toBe(200);
    const recs = await json<{ items: { productId: string }[] }>(res);
    expect(recs.items.map((i) => i.productId)).toContain(pid(1, 3));
    const first = await json<FeedBody>(await t.app.request("/v1/feed?limit=5", { headers: h }));
    expect(await t.deps.sessions.get(`feed:${first.snapshotId}`)).not.toBeNull();
    const second = await json<FeedBody>(
      await t.app.request(`/v1/feed?limit=5&cursor=${first.nextCursor}`, { headers: h }),
    );
    expect(second.snapshotId).toBe(first.snapshotId);
    expect(second.items.map((i) => i.productId).some((p) => first.items.some((f) => f.productId === p))).toBe(false);
  });
});
