import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySessionStore } from "../../../src/adapters/session-store/memory";
import { DbEventLogAdapter } from "../../../src/recsys/events/event-log-adapter";
import {
  DEFAULT_IMPRESSION_WINDOW,
  demoteUnclicked,
  FREE_IMPRESSIONS,
  impressionPenalty,
  MAX_COUNTED_IMPRESSIONS,
  MAX_TRACKED_PRODUCTS,
  ShownCounts,
} from "../../../src/recsys/feedback/impressions";
import { FeedbackSignals } from "../../../src/recsys/feedback/signals";
import type { EventRecord } from "../../../src/recsys/ports";
import { createDbEventLog } from "../../../src/services/events/event-log";
import { createTestDb, type TestDb } from "../../helpers/app";

const NOW = Date.UTC(2026, 0, 10);
const DAY = 86_400_000;

describe("impressionPenalty: the demotion curve", () => {
  it("is free up to FREE_IMPRESSIONS, then ln(n / 2), capped", () => {
    expect(FREE_IMPRESSIONS).toBe(2);
    for (const n of [0, 1, 2]) expect(impressionPenalty(n)).toBe(0);
    expect(impressionPenalty(4)).toBeCloseTo(Math.log(2), 12); // odds of a click halved
    expect(impressionPenalty(10)).toBeCloseTo(Math.log(5), 12);
    expect(impressionPenalty(MAX_COUNTED_IMPRESSIONS)).toBeCloseTo(Math.log(16), 12);
    expect(impressionPenalty(1000)).toBe(impressionPenalty(MAX_COUNTED_IMPRESSIONS));
    expect(impressionPenalty(Number.NaN)).toBe(0);
  });

  it("is monotone: more unclicked impressions never rank an item higher", () => {
    let prev = -1;
    for (let n = 0; n <= 40; n++) {
      expect(impressionPenalty(n)).toBeGreaterThanOrEqual(prev);
      prev = impressionPenalty(n);
    }
  });
});

describe("demoteUnclicked", () => {
  const cands = () => [
    { item: 1, score: 3 },
    { item: 2, score: 2.5 },
    { item: 3, score: 1 },
  ];

  it("subtracts the penalty, records the count for the ranker and re-sorts", () => {
    const out = demoteUnclicked(cands(), new Map([[1, 4]]));
    expect(out.map((c) => c.item)).toEqual([2, 1, 3]); // 3 - ln 2 = 2.31 < 2.5
    expect(out[1]).toMatchObject({ item: 1, shownWithoutClick: 4 });
    expect(out[1].score).toBeCloseTo(3 - Math.log(2), 6);
  });

  it("leaves the order alone below the threshold (but still records the count)", () => {
    const out = demoteUnclicked(cands(), new Map([[1, 2]]));
    expect(out.map((c) => c.item)).toEqual([1, 2, 3]);
    expect(out[0]).toMatchObject({ score: 3, shownWithoutClick: 2 });
  });
});

describe("FeedbackSignals: unclicked impression counts from the event log", () => {
  let d: TestDb;
  let signals: FeedbackSignals;
  let n = 0;
  let log: DbEventLogAdapter;
  const imp = (
    actor: { userId: string | null; sessionId: string | null },
    ts: number,
    items: string[],
  ): EventRecord => ({
    clientEventId: `imp-${++n}`,
    type: "impression",
    itemId: null,
    listingId: null,
    ...actor,
    ts,
    context: { surface: "home_feed", snapshotId: `s${n}`, modelVersion: "m1", offset: 0, items },
  });
  const ev = (
    actor: { userId: string | null; sessionId: string | null },
    type: EventRecord["type"],
    item: string,
  ): EventRecord => ({
    clientEventId: `ev-${++n}`,
    type,
    itemId: item,
    listingId: null,
    ...actor,
    ts: NOW - 1000,
    context: null,
  });

  beforeAll(async () => {
    d = await createTestDb();
    log = new DbEventLogAdapter(
      d.db,
      createDbEventLog(
        d.db,
        () => NOW,
        () => `id-${++n}`,
      ),
    );
    signals = new FeedbackSignals(d.db, new MemorySessionStore({ now: () => NOW }), () => NOW);
    const alice = { userId: "alice", sessionId: "alice-sess-1" };
    const anon = { userId: null, sessionId: "anon-sess-01" };
    await log.append([
      // Alice: A shown 5 times, B 5 times but clicked, C 3 times but viewed, D twice, E 4 times long ago.
      ...[1, 2, 3, 4, 5].map((k) => imp(alice, NOW - k * 60_000, ["A", "B", k <= 3 ? "C" : "X", k <= 2 ? "D" : "Y"])),
      ...[1, 2, 3, 4].map((k) => imp(alice, NOW - 4 * DAY - k, ["E"])),
      ev(alice, "click", "B"),
      ev(alice, "view", "C"),
      ev(alice, "impression", "A"), // an impression is not an engagement
      // The anonymous session: F shown 3 times, G 3 times then carted.
      ...[1, 2, 3].map((k) => imp(anon, NOW - k * 1000, ["F", "G"])),
      ev(anon, "cart", "G"),
    ]);
  });
  afterAll(() => d.cleanup());

  it("counts per user, in the window, only items never engaged with, from minCount up", async () => {
    const fb = await signals.forCaller({ userId: "alice", sessionId: "alice-sess-1" });
    // B clicked and C viewed: engaged. X and D shown twice: free. E: shown before the window.
    expect(Object.fromEntries(fb.shownWithoutClick)).toEqual({ A: 5, Y: 3 });
    expect(fb.negative.size).toBe(0);
  });

  it("counts per session for anonymous callers; nothing for an unknown session", async () => {
    const fb = await signals.forCaller({ userId: null, sessionId: "anon-sess-01" });
    expect(Object.fromEntries(fb.shownWithoutClick)).toEqual({ F: 3 });
    expect((await signals.forCaller({ userId: null, sessionId: "anon-sess-99" })).shownWithoutClick.size).toBe(0);
    expect((await signals.forCaller({ userId: null, sessionId: null })).shownWithoutClick.size).toBe(0);
  });

  it("reads only the newest maxPages feed pages", async () => {
    const capped = new FeedbackSignals(d.db, new MemorySessionStore({ now: () => NOW }), () => NOW, {
      ...DEFAULT_IMPRESSION_WINDOW,
      maxPages: 4,
    });
    // The newest 4 impression rows: the item-less one at NOW - 1 s, then pages k = 1..3.
    const fb = await capped.forCaller({ userId: "alice", sessionId: null });
    expect(Object.fromEntries(fb.shownWithoutClick)).toEqual({ A: 3 });
  });
});

describe("ShownCounts: counts kept in the SessionStore, seeded from the event log", () => {
  let d: TestDb;
  let n = 0;
  const clock = NOW;
  let log: DbEventLogAdapter;
  const bob = { userId: "bob", sessionId: "bob-sess-01" };
  const page = (items: string[], ts = clock) => ({ ...bob, ts, items });

  beforeAll(async () => {
    d = await createTestDb();
    log = new DbEventLogAdapter(
      d.db,
      createDbEventLog(
        d.db,
        () => NOW,
        () => `id-${++n}`,
      ),
    );
    await log.append(
      [1, 2, 3].map((k) => ({
        clientEventId: `imp-${k}`,
        type: "impression" as const,
        itemId: null,
        listingId: null,
        ...bob,
        ts: NOW - k * 1000,
        context: { items: ["A", "B"] },
      })),
    );
  });
  afterAll(() => d.cleanup());

  it("seeds a caller's counts from the log once, then counts flushed pages without reading the log", async () => {
    const sessions = new MemorySessionStore({ now: () => clock });
    const counts = new ShownCounts(d.db, sessions, () => clock);
    expect(Object.fromEntries(await counts.read(bob))).toEqual({ A: 3, B: 3 });
    expect(JSON.parse((await sessions.get("shown:u:bob")) as string)).toEqual({
      A: [3, NOW - 1000],
      B: [3, NOW - 1000],
    });
    // Pages flushed later: counted in the store (the log is not read again: these rows are not in it).
    await counts.add([page(["A", "C"]), page(["C"]), page(["C", "D"])]);
    expect(Object.fromEntries(await counts.read(bob))).toEqual({ A: 4, B: 3, C: 3 });
    // The hot value holds only what can be demoted.
    expect(Object.keys(JSON.parse((await sessions.get("demote:u:bob")) as string)).sort()).toEqual(["A", "B", "C"]);
  });

  it("survives a restart of an in-process store: the next process seeds from the log again", async () => {
    const fresh = new ShownCounts(d.db, new MemorySessionStore({ now: () => clock }), () => clock);
    expect(Object.fromEntries(await fresh.read(bob))).toEqual({ A: 3, B: 3 });
  });

  it("forgets products last shown before the window and keeps at most MAX_TRACKED_PRODUCTS", async () => {
    const sessions = new MemorySessionStore({ now: () => clock });
    const counts = new ShownCounts(d.db, sessions, () => clock);
    const anon = { userId: null, sessionId: "anon-window-1" };
    await counts.read(anon); // seeds an empty value
    const many = Array.from({ length: MAX_TRACKED_PRODUCTS + 50 }, (_, j) => `P${j}`);
    await counts.add([0, 1, 2].map(() => ({ ...anon, ts: clock, items: many })));
    expect((await counts.read(anon)).size).toBe(MAX_TRACKED_PRODUCTS);
    // A page (late-flushed) from before the window is not kept; the window's pages are.
    await counts.add([{ ...anon, ts: clock - DEFAULT_IMPRESSION_WINDOW.windowMs - 1, items: ["OLD"] }]);
    await counts.add([{ ...anon, ts: clock + 1, items: ["NEW"] }]);
    const kept = Object.keys(JSON.parse((await sessions.get("shown:s:anon-window-1")) as string));
    expect(kept).toContain("NEW");
    expect(kept).not.toContain("OLD");
  });

  it("refuses a malformed stored value", async () => {
    const sessions = new MemorySessionStore({ now: () => clock });
    await sessions.set("demote:s:bad-sess-01", JSON.stringify({ A: "three" }), 60);
    const counts = new ShownCounts(d.db, sessions, () => clock);
    await expect(counts.read({ userId: null, sessionId: "bad-sess-01" })).rejects.toThrow(/malformed/);
  });
});
