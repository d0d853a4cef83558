import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySessionStore } from "../../../src/adapters/session-store/memory";
import {
  MAX_SESSION_ENTRIES,
  NegativeFeedbackStore,
  sessionFeedbackKey,
} from "../../../src/recsys/feedback/negative-feedback";
import { createTestDb, type TestDb } from "../../helpers/app";

let d: TestDb;
let clock = Date.UTC(2026, 0, 1);
const sessions = new MemorySessionStore({ now: () => clock });
let store: NegativeFeedbackStore;

const addUser = async (id: string): Promise<void> => {
  await d.db.$client.execute({
    sql: "INSERT INTO user (id, name, email) VALUES (?, ?, ?)",
    args: [id, id, `${id}@example.test`],
  });
};

beforeAll(async () => {
  d = await createTestDb();
  store = new NegativeFeedbackStore(d.db, sessions);
  await Promise.all(["u1", "u2", "u3", "u4"].map(addUser));
});
afterAll(() => d.cleanup());

describe("NegativeFeedbackStore: signed-in users (database)", () => {
  it("keeps one row per product, the latest kind winning, newest first", async () => {
    const u = { userId: "u1", sessionId: null };
    await store.record(u, [
      { productId: "P1", kind: "not_interested", createdAt: 100 },
      { productId: "P2", kind: "hide", createdAt: 200 },
    ]);
    await store.record(u, [{ productId: "P1", kind: "dislike", createdAt: 300 }]);
    // An older event arriving late does not overwrite the newer decision.
    await store.record(u, [{ productId: "P2", kind: "dislike", createdAt: 150 }]);
    expect(await store.list(u)).toEqual([
      { productId: "P1", kind: "dislike", createdAt: 300 },
      { productId: "P2", kind: "hide", createdAt: 200 },
    ]);
    const rows = await d.db.$client.execute("SELECT count(*) AS n FROM user_item_feedback WHERE user_id = 'u1'");
    expect(Number(rows.rows[0].n)).toBe(2);
  });

  it("undo removes only the caller's own row", async () => {
    await store.record({ userId: "u2", sessionId: null }, [{ productId: "P1", kind: "hide", createdAt: 1 }]);
    expect(await store.remove({ userId: "u2", sessionId: null }, "P2")).toBe(false); // u1 has P2, u2 has not
    expect(await store.list({ userId: "u1", sessionId: null })).toHaveLength(2);
    expect(await store.remove({ userId: "u2", sessionId: null }, "P1")).toBe(true);
    expect(await store.remove({ userId: "u2", sessionId: null }, "P1")).toBe(false);
    expect((await store.list({ userId: "u1", sessionId: null })).map((e) => e.productId)).toEqual(["P1", "P2"]);
  });

  it("is deleted with the account (foreign key cascade)", async () => {
    await store.record({ userId: "u4", sessionId: null }, [{ productId: "P9", kind: "hide", createdAt: 1 }]);
    await d.db.$client.execute("PRAGMA foreign_keys = ON");
    await d.db.$client.execute({ sql: "DELETE FROM user WHERE id = ?", args: ["u4"] });
    expect(await store.list({ userId: "u4", sessionId: null })).toEqual([]);
  });
});

describe("NegativeFeedbackStore: anonymous sessions (SessionStore)", () => {
  it("keeps a session's feedback for the session TTL, apart from other sessions", async () => {
    const s = { userId: null, sessionId: "anon-sess-01" };
    await store.record(s, [{ productId: "P3", kind: "not_interested", createdAt: clock }]);
    expect((await store.list(s)).map((e) => e.productId)).toEqual(["P3"]);
    expect(await store.list({ userId: null, sessionId: "anon-sess-02" })).toEqual([]);
    expect(await store.remove({ userId: null, sessionId: "anon-sess-02" }, "P3")).toBe(false);
    clock += (sessions.limits.ttlSeconds - 1) * 1000;
    expect(await store.list(s)).toHaveLength(1);
    clock += 2000; // past the TTL: the session, and its feedback, are gone
    expect(await store.list(s)).toEqual([]);
  });

  it("refreshes the TTL with every new feedback and undoes one product", async () => {
    const s = { userId: null, sessionId: "anon-sess-03" };
    await store.record(s, [{ productId: "P4", kind: "hide", createdAt: clock }]);
    clock += (sessions.limits.ttlSeconds - 10) * 1000;
    await store.record(s, [{ productId: "P5", kind: "dislike", createdAt: clock }]);
    clock += 20_000;
    expect((await store.list(s)).map((e) => e.productId)).toEqual(["P5", "P4"]);
    expect(await store.remove(s, "P4")).toBe(true);
    expect((await store.list(s)).map((e) => e.productId)).toEqual(["P5"]);
    expect(await store.remove(s, "P5")).toBe(true);
    expect(await sessions.get(sessionFeedbackKey("anon-sess-03"))).toBeNull();
  });

  it("bounds a session to the newest MAX_SESSION_ENTRIES products", async () => {
    const s = { userId: null, sessionId: "anon-sess-04" };
    const many = Array.from({ length: MAX_SESSION_ENTRIES + 5 }, (_, j) => ({
      productId: `Q${j}`,
      kind: "hide" as const,
      createdAt: j,
    }));
    await store.record(s, many);
    const kept = await store.list(s);
    expect(kept).toHaveLength(MAX_SESSION_ENTRIES);
    expect(kept.map((e) => e.productId)).not.toContain("Q0");
    expect(kept[0].productId).toBe(`Q${MAX_SESSION_ENTRIES + 4}`);
  });

  it("refuses a malformed stored value instead of reading it as no feedback", async () => {
    await sessions.set(sessionFeedbackKey("anon-sess-05"), JSON.stringify({ P1: ["meh", 1] }), 60);
    await expect(store.list({ userId: null, sessionId: "anon-sess-05" })).rejects.toThrow(/malformed/);
  });

  it("throws when neither a user nor a session is given", async () => {
    await expect(
      store.record({ userId: null, sessionId: null }, [{ productId: "P1", kind: "hide", createdAt: 1 }]),
    ).rejects.toThrow(/user or a session/);
  });
});

describe("NegativeFeedbackStore: carry-over at sign-in", () => {
  it("moves the session's feedback to the account once; the account's own decision wins", async () => {
    const anon = { userId: null, sessionId: "anon-sess-06" };
    await store.record({ userId: "u3", sessionId: null }, [{ productId: "P7", kind: "dislike", createdAt: clock }]);
    await store.record(anon, [
      { productId: "P6", kind: "not_interested", createdAt: clock },
      { productId: "P7", kind: "hide", createdAt: clock + 1 },
    ]);
    const signedIn = { userId: "u3", sessionId: "anon-sess-06" };
    expect(await store.list(signedIn)).toEqual([
      { productId: "P6", kind: "not_interested", createdAt: clock },
      { productId: "P7", kind: "dislike", createdAt: clock },
    ]);
    expect(await store.list(anon)).toEqual([]); // moved, not copied
    // The account keeps it without the session.
    expect((await store.list({ userId: "u3", sessionId: null })).map((e) => e.productId)).toEqual(["P6", "P7"]);
  });
});
