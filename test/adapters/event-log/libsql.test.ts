import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDbEventLog } from "../../../src/adapters/event-log/libsql";
import type { EventLog, EventRecord, LoggedEventType } from "../../../src/ports/event-log";
import { clientExecutor, type SqlExecutor } from "../../../src/db/sql-executor";
import { createTestDb, type TestDb } from "../../helpers/app";

let t: TestDb;
let log: EventLog;
let n = 0;
beforeEach(async () => {
  t = await createTestDb();
  log = createDbEventLog(
    t.db,
    () => 1_700_000_000_000,
    () => `e${++n}`,
  );
});
afterEach(() => t.cleanup());

const event = (i: number, type: LoggedEventType): EventRecord => ({
  clientEventId: `c${i}`,
  type,
  itemId: type === "impression" ? null : `P${i}`,
  listingId: null,
  userId: null,
  sessionId: "s1",
  ts: 1_700_000_000_000 + i,
  context: type === "impression" ? { surface: "home_feed" } : null,
});

const POSITIVE: LoggedEventType[] = ["view", "click", "cart", "favorite", "purchase"];

describe("LibsqlEventLog.since", () => {
  it("reads every event in order without a type filter", async () => {
    await log.append([event(1, "view"), event(2, "impression"), event(3, "cart")]);
    const all = await log.since(0, 10);
    expect(all.events.map((e) => e.type)).toEqual(["view", "impression", "cart"]);
    expect(all.scannedTo).toBe(all.events[2].seq);
    expect(all.more).toBe(false);
  });

  it("filters types in the store but still advances past what it skipped", async () => {
    await log.append([
      event(1, "view"),
      event(2, "impression"),
      event(3, "cart"),
      event(4, "impression"),
      event(5, "impression"),
    ]);
    const first = await log.since(0, 10, POSITIVE);
    expect(first.events.map((e) => [e.type, e.itemId])).toEqual([
      ["view", "P1"],
      ["cart", "P3"],
    ]);
    // The trailing impressions were scanned: resuming after scannedTo never reads them again.
    expect(first.scannedTo).toBeGreaterThan(first.events[1].seq);
    expect(first.more).toBe(false);
    expect((await log.since(first.scannedTo, 10, POSITIVE)).events).toEqual([]);
    await log.append([event(6, "purchase")]);
    const next = await log.since(first.scannedTo, 10, POSITIVE);
    expect(next.events.map((e) => e.itemId)).toEqual(["P6"]);
  });

  it("pages with a limit: `more` is set and resuming loses nothing", async () => {
    await log.append([1, 2, 3, 4, 5].map((i) => event(i, i % 2 ? "view" : "impression")));
    const seen: string[] = [];
    let after = 0;
    for (let page = 0; page < 5; page++) {
      const r = await log.since(after, 1, POSITIVE);
      seen.push(...r.events.map((e) => e.itemId ?? ""));
      after = r.scannedTo;
      if (!r.more) break;
    }
    expect(seen).toEqual(["P1", "P3", "P5"]);
  });

  it("tells hide from not_interested although both are stored as not_interested", async () => {
    await log.append([event(1, "hide"), event(2, "not_interested")]);
    expect((await log.since(0, 10, ["hide"])).events.map((e) => e.itemId)).toEqual(["P1"]);
    expect((await log.since(0, 10, ["not_interested"])).events.map((e) => e.itemId)).toEqual(["P2"]);
  });

  it("returns nothing and keeps its place on an empty log", async () => {
    expect(await log.since(0, 10, POSITIVE)).toEqual({ events: [], scannedTo: 0, more: false });
  });
});

describe("LibsqlEventLog group commit", () => {
  /** The app's client executor, counting the write transactions it is asked for. */
  function countingLog(failWhenMoreThan = Number.POSITIVE_INFINITY) {
    const batches: number[] = [];
    const sql = clientExecutor(t.db.$client);
    const counted: SqlExecutor = {
      all: (s) => sql.all(s),
      writeBatch: async (stmts) => {
        batches.push(stmts.length);
        if (stmts.length > failWhenMoreThan) throw new Error("batch too large for this test");
        return sql.writeBatch(stmts);
      },
    };
    return {
      log: createDbEventLog(
        t.db,
        () => 1_700_000_000_000,
        () => `g${++n}`,
        counted,
      ),
      batches,
    };
  }

  it("commits concurrent appends in one write transaction; each caller learns its own outcome after commit", async () => {
    const { log: grouped, batches } = countingLog();
    const results = await Promise.all([1, 2, 3].map((i) => grouped.append([event(i, "view")])));
    expect(batches).toEqual([3]);
    expect(results.map((r) => r.inserted)).toEqual([["c1"], ["c2"], ["c3"]]);
    // Stored by the time the promises resolved.
    expect((await grouped.since(0, 10)).events.map((e) => e.clientEventId)).toEqual(["c1", "c2", "c3"]);
    // A retried event is still a duplicate.
    expect((await grouped.append([event(2, "view")])).duplicates).toEqual(["c2"]);
  });

  it("retries each caller alone when the shared transaction fails, so neighbours are not failed with it", async () => {
    const { log: grouped, batches } = countingLog(1);
    const results = await Promise.all([1, 2].map((i) => grouped.append([event(i, "view")])));
    expect(batches).toEqual([2, 1, 1]);
    expect(results.map((r) => r.inserted)).toEqual([["c1"], ["c2"]]);
    expect((await grouped.since(0, 10)).events).toHaveLength(2);
  });

  it("rejects only the caller whose own write fails", async () => {
    const { log: grouped } = countingLog(1);
    const [ok, bad] = await Promise.allSettled([
      grouped.append([event(1, "view")]),
      grouped.append([event(2, "view"), event(3, "view")]),
    ]);
    expect(ok.status).toBe("fulfilled");
    expect(bad.status).toBe("rejected");
    expect((await grouped.since(0, 10)).events.map((e) => e.clientEventId)).toEqual(["c1"]);
  });
});
