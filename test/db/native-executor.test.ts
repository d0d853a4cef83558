import Database from "libsql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nativeSqlExecutor, type NativeSqlExecutor } from "../../src/db/native-executor.node.js";
import { clientExecutor } from "../../src/db/sql-executor";
import { ItemCatalog } from "../../src/recsys/catalog";
import { SqlMarketplace } from "../../src/adapters/marketplace/libsql";
import { createDbEventLog } from "../../src/adapters/event-log/libsql";
import { createTestDb, type TestDb } from "../helpers/app";

const NOW = 1_700_000_000_000;
let t: TestDb;
let native: NativeSqlExecutor;
beforeEach(async () => {
  t = await createTestDb();
  native = nativeSqlExecutor(t.url);
  await t.db.$client.batch(
    [
      {
        sql: "INSERT INTO user (id, name, email, created_at, updated_at) VALUES ('s1', 'S', 's1@x.test', ?, ?), ('s2', 'S', 's2@x.test', ?, ?)",
        args: [NOW, NOW, NOW, NOW],
      },
      ...["A", "B", "C"].map((p, i) => ({
        sql: "INSERT INTO products (parent_asin, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
        args: [p, `Device ${p}`, NOW + i, NOW],
      })),
      {
        sql: "INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at) VALUES ('L1', 's1', 'A', 'good', 5000, 'USD', 'active', ?, ?)",
        args: [NOW, NOW],
      },
      {
        sql: "INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at) VALUES ('L2', 's2', 'A', 'like_new', 7000, 'USD', 'active', ?, ?)",
        args: [NOW, NOW],
      },
      {
        sql: "INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at) VALUES ('L3', 's1', 'B', 'fair', 1000, 'USD', 'sold', ?, ?)",
        args: [NOW, NOW],
      },
    ],
    "write",
  );
});
afterEach(() => {
  native.close();
  t.cleanup();
});

const marketplace = (sql?: NativeSqlExecutor): SqlMarketplace =>
  new SqlMarketplace(
    t.db,
    () => new ItemCatalog([]),
    () => NOW,
    0,
    1_000,
    sql,
  );
const plain = (s: Awaited<ReturnType<SqlMarketplace["listingState"]>>) => ({
  best: Object.fromEntries(s.best),
  unavailable: [...s.unavailable].sort(),
});

describe("native executor on the feed's page read (SqlMarketplace.listingState)", () => {
  it("answers exactly as the app's client does, for every seller exclusion", async () => {
    for (const exclude of [null, "s1", "s2"]) {
      expect(plain(await marketplace(native).listingState(["A", "B", "C", "missing"], exclude))).toEqual(
        plain(await marketplace().listingState(["A", "B", "C", "missing"], exclude)),
      );
    }
    const state = await marketplace(native).listingState(["A", "B"], null);
    expect(state.best.get("A")?.id).toBe("L2");
    expect([...state.unavailable]).toEqual(["B"]);
  });

  it("sees a sale committed through the other connection at the next call (its prepared statement is not a cache)", async () => {
    const mp = marketplace(native);
    expect((await mp.listingState(["A"], null)).best.get("A")?.id).toBe("L2");
    await t.db.$client.execute("UPDATE listings SET status = 'sold' WHERE id = 'L2'");
    expect((await mp.listingState(["A"], null)).best.get("A")?.id).toBe("L1");
    await t.db.$client.execute("UPDATE listings SET status = 'withdrawn' WHERE id = 'L1'");
    const after = await mp.listingState(["A"], null);
    expect(after.best.has("A")).toBe(false);
    expect(after.unavailable.has("A")).toBe(true);
  });
});

describe("native executor on the fresh-listings read (SqlMarketplace.freshProducts)", () => {
  it("lists active listings' products newest first, once each, as the client path does", async () => {
    await t.db.$client.execute({
      sql: "INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at) VALUES ('L4', 's2', 'C', 'good', 900, 'USD', 'active', ?, ?)",
      args: [NOW + 10, NOW],
    });
    const viaNative = await marketplace(native).freshProducts(10);
    expect(viaNative).toEqual(await marketplace().freshProducts(10));
    expect(viaNative).toEqual([
      { productId: "C", listedAt: NOW + 10 },
      { productId: "A", listedAt: NOW },
    ]);
  });
});

describe("native executor on event writes (createDbEventLog)", () => {
  const events = (ids: string[]) =>
    ids.map((c, i) => ({ type: "view" as const, anonId: "sess", parentAsin: "A", ts: NOW + i, clientEventId: c }));

  it("stores a batch once: a second write of the same client ids adds nothing", async () => {
    let n = 0;
    const log = createDbEventLog(
      t.db,
      () => NOW,
      () => `e${++n}`,
      native,
    );
    expect(await log.record(events(["s:sess:1", "s:sess:2", "s:sess:3"]))).toBe(3);
    expect(await log.record(events(["s:sess:2", "s:sess:3", "s:sess:4"]))).toBe(1);
    const rows = await t.db.$client.execute("SELECT client_event_id, type, anon_id FROM events ORDER BY rowid");
    expect(rows.rows.map((r) => r.client_event_id)).toEqual(["s:sess:1", "s:sess:2", "s:sess:3", "s:sess:4"]);
  });

  it("writes a batch atomically: one bad row leaves none of the batch stored", async () => {
    const log = createDbEventLog(
      t.db,
      () => NOW,
      () => "same-id",
      native,
    );
    // Two rows with one primary key: the second violates it, so the first must be rolled back too.
    await expect(log.record(events(["s:sess:a", "s:sess:b"]))).rejects.toThrow();
    expect((await t.db.$client.execute("SELECT count(*) AS n FROM events")).rows[0].n).toBe(0);
    // The connection is usable afterwards (no transaction left open).
    let n = 0;
    const ok = createDbEventLog(
      t.db,
      () => NOW,
      () => `ok${++n}`,
      native,
    );
    expect(await ok.record(events(["s:sess:c"]))).toBe(1);
  });

  it("agrees with the client executor on what a batch changed", async () => {
    let n = 0;
    const viaClient = createDbEventLog(
      t.db,
      () => NOW,
      () => `c${++n}`,
      clientExecutor(t.db.$client),
    );
    const viaNative = createDbEventLog(
      t.db,
      () => NOW,
      () => `n${++n}`,
      native,
    );
    expect(await viaClient.record(events(["s:sess:x", "s:sess:y"]))).toBe(2);
    expect(await viaNative.record(events(["s:sess:x", "s:sess:z"]))).toBe(1);
    expect(await viaClient.record(events(["s:sess:z"]))).toBe(0);
  });
});

describe("native executor while another connection holds the write lock", () => {
  /** Another connection (as another cluster worker would) takes the write lock until release(). */
  const holdWriteLock = (): { release: () => void } => {
    const other = new Database(t.url.slice("file:".length).split("?")[0]);
    other.exec("BEGIN IMMEDIATE");
    return {
      release: () => {
        other.exec("COMMIT");
        other.close();
      },
    };
  };
  const insert = (pid: string) => ({
    sql: "INSERT INTO products (parent_asin, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
    args: [pid, `Device ${pid}`, NOW, NOW],
  });
  const count = async (pids: string[]): Promise<number> => {
    const res = await t.db.$client.execute({
      sql: `SELECT count(*) AS n FROM products WHERE parent_asin IN (${pids.map(() => "?").join(",")})`,
      args: pids,
    });
    return Number(res.rows[0].n);
  };

  it("waits for the lock on timers, so the process keeps serving, then writes the whole batch once", async () => {
    const lock = holdWriteLock();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    let settled = false;
    const write = native.writeBatch([insert("D"), insert("E")]);
    void write.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Reads go on under the lock (WAL), and the event loop keeps running while the write waits.
    expect(await native.all({ sql: "SELECT count(*) FROM products", args: [] })).toEqual([[3]]);
    await new Promise((r) => setTimeout(r, 60));
    const ticksWhileLocked = ticks;
    expect(settled).toBe(false);
    lock.release();
    expect(await write).toEqual([1, 1]);
    clearInterval(ticker);
    expect(ticksWhileLocked).toBeGreaterThan(5);
    expect(await count(["D", "E"])).toBe(2);
  });

  it("recovers every write queued behind a lock whose holder committed new rows (no stale read snapshot)", async () => {
    const other = new Database(t.url.slice("file:".length).split("?")[0]);
    other.exec("BEGIN IMMEDIATE");
    other
      .prepare("INSERT INTO products (parent_asin, title, created_at, updated_at) VALUES ('Z', 'Device Z', 1, 1)")
      .run();
    const pids = Array.from({ length: 12 }, (_, i) => `Q${i}`);
    // Two statement texts, single and batched writes, and reads, all waiting on the same lock.
    const writes = pids.map((pid, i) =>
      i % 3 === 0
        ? native.writeBatch([insert(pid)])
        : i % 3 === 1
          ? native.writeBatch([
              insert(pid),
              { sql: "UPDATE products SET title = title WHERE parent_asin = 'A'", args: [] },
            ])
          : native.writeBatch([
              {
                sql: "INSERT INTO products (parent_asin, title, created_at, updated_at) VALUES (?, 'x', 2, 2)",
                args: [pid],
              },
            ]),
    );
    const reads = pids.map(() => native.all({ sql: "SELECT count(*) FROM products", args: [] }));
    await new Promise((r) => setTimeout(r, 40));
    other.exec("COMMIT");
    other.close();
    await Promise.all(writes);
    expect((await Promise.all(reads)).every((r) => Number(r[0][0]) >= 3)).toBe(true);
    expect(await count([...pids, "Z"])).toBe(13);
    expect(await native.writeBatch([insert("after")])).toEqual([1]);
  });

  it("gives up with SQLITE_BUSY after busyTimeoutMs, having written nothing, and works once the lock is gone", async () => {
    const short = nativeSqlExecutor(t.url, { busyTimeoutMs: 40 });
    const lock = holdWriteLock();
    try {
      const t0 = performance.now();
      await expect(short.writeBatch([insert("F"), insert("G")])).rejects.toMatchObject({ code: "SQLITE_BUSY" });
      await expect(short.writeBatch([insert("H")])).rejects.toMatchObject({ code: "SQLITE_BUSY" });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(70);
    } finally {
      lock.release();
    }
    expect(await count(["F", "G", "H"])).toBe(0);
    expect(await short.writeBatch([insert("F"), insert("G")])).toEqual([1, 1]);
    expect(await count(["F", "G"])).toBe(2);
    short.close();
  });

  it("does not retry errors other than a lock conflict", async () => {
    const lock = holdWriteLock();
    lock.release();
    const t0 = performance.now();
    await expect(native.writeBatch([insert("A")])).rejects.toMatchObject({
      code: expect.stringContaining("SQLITE_CONSTRAINT"),
    });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await count(["A"])).toBe(1);
  });
});
