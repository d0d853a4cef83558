/**
 * LibsqlSessionStore on a real, migrated libSQL file (the embedded engine), through the port's contract
 * (fake clock per store, fresh key prefix per test), plus what only this adapter has: several clients on
 * one file (= several processes), sweeping of expired rows, and error classification.
 */
import { createServer, type Server } from "node:http";
import { createClient as createWebClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibsqlSessionStore, toSessionStoreError } from "../../../src/adapters/session-store/libsql.js";
import { nativeSqlExecutor, type NativeSqlExecutor } from "../../../src/db/native-executor.node.js";
import { startLibsqlServer, type LibsqlServer } from "../../../scripts/dev/libsql-server.js";
import { createNodeLibsqlClient } from "../../../src/db/client.node.js";
import type { SessionEvent, SessionStoreLimits } from "../../../src/ports/session-store.js";
import { freePort } from "../../helpers/redis.js";
import { createTestDb, type TestDb } from "../../helpers/app.js";
import { sessionStoreContract } from "../../ports/session-store.contract.js";

let testDb: TestDb;
let native: NativeSqlExecutor;
let http: LibsqlServer;
let prefixSeq = 0;

beforeAll(async () => {
  testDb = await createTestDb();
  native = nativeSqlExecutor(testDb.url);
  // The Hrana-over-HTTP server on the same file: the path Turso and the Workers' web client take.
  http = await startLibsqlServer({ dbPath: testDb.url.slice("file:".length) });
});

afterAll(async () => {
  await http?.close();
  native?.close();
  testDb?.cleanup();
});

function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => Promise<void> } {
  let t = start;
  return { now: () => t, advance: async (ms) => void (t += ms) };
}

sessionStoreContract("libsql (embedded file, @libsql/client)", async (limits?: Partial<SessionStoreLimits>) => {
  const clock = fakeClock();
  return {
    store: new LibsqlSessionStore({
      client: testDb.db.$client,
      keyPrefix: `t${++prefixSeq}:`,
      now: clock.now,
      ...limits,
    }),
    advance: clock.advance,
  };
});

sessionStoreContract(
  "libsql (embedded file, native prepared statements)",
  async (limits?: Partial<SessionStoreLimits>) => {
    const clock = fakeClock();
    return {
      store: new LibsqlSessionStore({ executor: native, keyPrefix: `n${++prefixSeq}:`, now: clock.now, ...limits }),
      advance: clock.advance,
    };
  },
);

sessionStoreContract("libsql (HTTP, @libsql/client/web)", async (limits?: Partial<SessionStoreLimits>) => {
  const clock = fakeClock();
  return {
    store: new LibsqlSessionStore({
      client: createWebClient({ url: http.url }),
      keyPrefix: `h${++prefixSeq}:`,
      now: clock.now,
      ...limits,
    }),
    advance: clock.advance,
  };
});

const ev = (itemId: string, ts: number, type: SessionEvent["type"] = "view"): SessionEvent => ({ itemId, type, ts });
const count = async (table: string, where = "1"): Promise<number> =>
  Number((await testDb.db.$client.execute(`SELECT count(*) FROM ${table} WHERE ${where}`)).rows[0][0]);

describe("LibsqlSessionStore across processes", () => {
  it("shares histories, values and counters between clients on one file, losing no concurrent append", async () => {
    const other = await createNodeLibsqlClient(testDb.url);
    try {
      const prefix = `x${++prefixSeq}:`;
      const a = new LibsqlSessionStore({ client: testDb.db.$client, keyPrefix: prefix, maxEvents: 500 });
      const b = new LibsqlSessionStore({ client: other, keyPrefix: prefix, maxEvents: 500 });
      const c = new LibsqlSessionStore({ executor: native, keyPrefix: prefix, maxEvents: 500 });
      await a.append("s", [ev("first", 1)]);
      expect((await b.recent("s")).map((e) => e.itemId)).toEqual(["first"]);
      await b.set("feed:1", '{"items":[1,2]}', 60);
      expect(await a.get("feed:1")).toBe('{"items":[1,2]}');
      const stores = [a, b, c];
      const appends = Array.from({ length: 99 }, (_, i) => stores[i % 3].append("s", [ev(`e${i}`, 10 + i)]));
      const counts = await Promise.all(Array.from({ length: 51 }, (_, i) => stores[i % 3].incrWithTtl("c", 60)));
      await Promise.all(appends);
      expect(await c.recent("s")).toHaveLength(100);
      expect(new Set(counts).size).toBe(51);
      expect(await b.get("c")).toBe("51");
    } finally {
      other.close();
    }
  });
});

describe("LibsqlSessionStore sweeping", () => {
  it("deletes expired rows in bounded batches, from writes in the background and on demand", async () => {
    const clock = fakeClock(1_800_000_000_000);
    const store = new LibsqlSessionStore({
      client: testDb.db.$client,
      keyPrefix: `w${++prefixSeq}:`,
      now: clock.now,
      ttlSeconds: 10,
      sweepIntervalMs: 1_000,
      sweepBatch: 3,
    });
    for (let i = 0; i < 7; i++) await store.append(`s${i}`, [ev("a", 1)]);
    for (let i = 0; i < 4; i++) await store.set(`k${i}`, "v", 10);
    const expired = `expires_at <= ${clock.now() + 10_000}`;
    const before = { sessions: await count("session_lists", expired), keys: await count("session_kv", expired) };
    expect(before.sessions).toBeGreaterThanOrEqual(7);
    await clock.advance(10_001);
    await store.set("live", "v", 60); // a write past the interval starts one background sweep
    await store.idle();
    // Older tests' rows on the shared file have expired too (fake clocks start earlier), so count only deltas.
    expect(await count("session_lists", expired)).toBe(before.sessions - 3);
    expect(await count("session_kv", expired)).toBe(before.keys - 3);
    await store.set("live2", "v", 60); // the batch was full: the next write sweeps again without waiting
    await store.idle();
    expect(await count("session_lists", expired)).toBe(Math.max(0, before.sessions - 6));
    let n = await store.sweepExpired();
    while (n.sessions + n.keys > 0) n = await store.sweepExpired();
    expect(await count("session_lists", expired)).toBe(0);
    expect(await count("session_kv", expired)).toBe(0);
    expect(await store.get("live")).toBe("v");
  });

  it("replaces an expired history instead of extending it", async () => {
    const clock = fakeClock();
    const store = new LibsqlSessionStore({
      client: testDb.db.$client,
      keyPrefix: `r${++prefixSeq}:`,
      now: clock.now,
      ttlSeconds: 1,
    });
    await store.append("s", [ev("old", 1)]);
    await clock.advance(1_000);
    await store.append("s", [ev("new", 2)]);
    expect((await store.recent("s")).map((e) => e.itemId)).toEqual(["new"]);
  });
});

describe("LibsqlSessionStore failures", () => {
  it("reports undecodable stored data as corrupt, on read and on append", async () => {
    const prefix = `c${++prefixSeq}:`;
    await testDb.db.$client.execute({
      sql: "INSERT INTO session_lists VALUES (?, ?, ?), (?, ?, ?)",
      args: [`${prefix}x`, "not json", 9e15, `${prefix}y`, '[{"i":"a","t":"teleport","s":1}]', 9e15],
    });
    const store = new LibsqlSessionStore({ client: testDb.db.$client, keyPrefix: prefix });
    await expect(store.recent("x")).rejects.toMatchObject({ name: "SessionStoreError", code: "corrupt" });
    await expect(store.recent("y")).rejects.toMatchObject({ code: "corrupt" });
    await expect(store.append("x", [ev("b", 2)])).rejects.toMatchObject({ code: "corrupt" });
  });

  it("reports a closed client as unavailable and a database without the tables as a backend error naming the migration", async () => {
    const closed = await createNodeLibsqlClient(testDb.url);
    closed.close();
    await expect(new LibsqlSessionStore({ client: closed }).get("k")).rejects.toMatchObject({ code: "unavailable" });
    const bare = await createNodeLibsqlClient(":memory:");
    try {
      await expect(new LibsqlSessionStore({ client: bare }).recent("s")).rejects.toMatchObject({
        code: "backend",
        message: /0008_session_store/,
      });
    } finally {
      bare.close();
    }
  });

  it("reports an unreachable remote database as unavailable and a rejected token as unauthorized (HTTP client)", async () => {
    const dead = createWebClient({ url: `http://127.0.0.1:${await freePort()}` });
    await expect(new LibsqlSessionStore({ client: dead }).recent("s")).rejects.toMatchObject({ code: "unavailable" });
    const server: Server = createServer((_req, res) =>
      res.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized"),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const rejected = createWebClient({ url: `http://127.0.0.1:${port}`, authToken: "wrong" });
      await expect(new LibsqlSessionStore({ client: rejected }).set("k", "v", 10)).rejects.toMatchObject({
        code: "unauthorized",
      });
    } finally {
      server.close();
    }
  });

  it("classifies the codes it cannot provoke here", () => {
    const libsql = (code: string, message: string) =>
      Object.assign(new Error(`${code}: ${message}`), { name: "LibsqlError", code });
    expect(toSessionStoreError(libsql("SQLITE_BUSY", "database is locked")).code).toBe("unavailable");
    expect(toSessionStoreError(libsql("SQLITE_CONSTRAINT", "x")).code).toBe("backend");
    expect(toSessionStoreError(new TypeError("fetch failed")).code).toBe("unavailable");
    expect(toSessionStoreError(new RangeError("bug")).code).toBe("backend");
  });
});
