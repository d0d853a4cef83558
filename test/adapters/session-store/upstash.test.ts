/**
 * Upstash adapter through the local REST front (scripts/dev/upstash-rest-server.ts) over a real
 * redis-server. Fails (does not skip) when redis-server is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstashSessionStore } from "../../../src/adapters/session-store/upstash.js";
import type { SessionStoreLimits } from "../../../src/ports/session-store.js";
import { startUpstashRestServer, type UpstashRestServer } from "../../../scripts/dev/upstash-rest-server.js";
import { freePort, startRedis, type RedisServerHandle } from "../../helpers/redis.js";
import { sessionStoreContract } from "../../ports/session-store.contract.js";

const TOKEN = "test-token";
let redis: RedisServerHandle;
let rest: UpstashRestServer;
let prefixSeq = 0;

beforeAll(async () => {
  redis = await startRedis();
  rest = await startUpstashRestServer({ redisUrl: redis.url, token: TOKEN, port: 0 });
});

afterAll(async () => {
  await rest?.close();
  await redis?.stop();
});

sessionStoreContract("upstash (REST front over redis-server)", async (limits?: Partial<SessionStoreLimits>) => ({
  // A fresh key prefix per test keeps tests isolated on the shared server.
  store: new UpstashSessionStore({ url: rest.url, token: TOKEN, keyPrefix: `t${++prefixSeq}:`, ...limits }),
  advance: (ms) => new Promise((r) => setTimeout(r, ms)),
}));

describe("UpstashSessionStore failures", () => {
  const ev = { itemId: "a", type: "view" as const, ts: 1 };

  it("reports a wrong token as unauthorized", async () => {
    const store = new UpstashSessionStore({ url: rest.url, token: "wrong", retry: false });
    await expect(store.recent("s")).rejects.toMatchObject({ name: "SessionStoreError", code: "unauthorized" });
    await expect(store.append("s", [ev])).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("reports an unreachable REST endpoint as unavailable after its retries", async () => {
    const deadPort = await freePort();
    const store = new UpstashSessionStore({
      url: `http://127.0.0.1:${deadPort}`,
      token: TOKEN,
      retry: { retries: 1, backoffMs: () => 10 },
    });
    const err = await store.incrWithTtl("c", 10).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "SessionStoreError", code: "unavailable" });
    expect(String((err as Error).message)).toMatch(/unreachable/);
  });

  it("reports redis-server down behind the REST front as unavailable, then recovers when it is back", async () => {
    const ownRedis = await startRedis();
    const ownRest = await startUpstashRestServer({ redisUrl: ownRedis.url, token: TOKEN });
    try {
      const store = new UpstashSessionStore({ url: ownRest.url, token: TOKEN, retry: false });
      await store.append("s", [ev]);
      await ownRedis.stop();
      await expect(store.recent("s")).rejects.toMatchObject({ code: "unavailable", message: /redis unavailable/ });
      await expect(store.append("s", [ev])).rejects.toMatchObject({ code: "unavailable" });
    } finally {
      await ownRest.close();
      await ownRedis.stop();
    }
  });

  it("reports undecodable stored data as corrupt instead of guessing", async () => {
    const res = await fetch(rest.url, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(["LPUSH", "corrupt:s:x", "not json"]),
    });
    expect(res.status).toBe(200);
    const store = new UpstashSessionStore({ url: rest.url, token: TOKEN, keyPrefix: "corrupt:" });
    await expect(store.recent("x")).rejects.toMatchObject({ code: "corrupt" });
  });

  it("reports a wrong-type key as a backend error with Redis' message", async () => {
    const store = new UpstashSessionStore({ url: rest.url, token: TOKEN, keyPrefix: "wt:" });
    await store.set("k", "v", 60);
    await fetch(rest.url, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(["SET", "wt:s:sess", "plain string"]),
    });
    await expect(store.append("sess", [ev])).rejects.toMatchObject({ code: "backend", message: /WRONGTYPE/ });
  });
});
