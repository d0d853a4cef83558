/**
 * Contract every SessionStore adapter must pass. Call `sessionStoreContract(name, factory)` from an
 * adapter's test file; the factory builds a fresh, isolated store with the given limits.
 */
import { describe, expect, it } from "vitest";
import type { SessionEvent, SessionStore, SessionStoreLimits } from "../../src/ports/session-store.js";

export interface SessionStoreHarness {
  store: SessionStore;
  /** Let `ms` milliseconds pass: a fake clock for in-process stores, a real sleep for servers. */
  advance(ms: number): Promise<void>;
}

export type SessionStoreFactory = (limits?: Partial<SessionStoreLimits>) => Promise<SessionStoreHarness>;

const ev = (itemId: string, ts: number, type: SessionEvent["type"] = "view"): SessionEvent => ({ itemId, type, ts });
const ids = (events: SessionEvent[]): string[] => events.map((e) => e.itemId);
const invalid = { name: "SessionStoreError", code: "invalid_argument" };

export function sessionStoreContract(name: string, factory: SessionStoreFactory): void {
  describe(`SessionStore contract: ${name}`, () => {
    describe("history", () => {
      it("returns events newest first, with every field intact", async () => {
        const { store } = await factory();
        await store.append("s1", [ev("a", 1, "view"), ev("b", 2, "cart")]);
        await store.append("s1", [ev("c", 3, "purchase")]);
        expect(await store.recent("s1")).toEqual([ev("c", 3, "purchase"), ev("b", 2, "cart"), ev("a", 1, "view")]);
      });

      it("reads only the requested number of newest events, clamped to maxEvents", async () => {
        const { store } = await factory({ maxEvents: 3 });
        await store.append("s", [ev("a", 1), ev("b", 2), ev("c", 3)]);
        expect(ids(await store.recent("s", 2))).toEqual(["c", "b"]);
        expect(ids(await store.recent("s", 50))).toEqual(["c", "b", "a"]);
      });

      it("keeps only the newest maxEvents events, across and within appends", async () => {
        const { store } = await factory({ maxEvents: 4 });
        await store.append("s", [ev("1", 1), ev("2", 2), ev("3", 3)]);
        await store.append("s", [ev("4", 4), ev("5", 5), ev("6", 6)]);
        expect(ids(await store.recent("s"))).toEqual(["6", "5", "4", "3"]);
        await store.append(
          "s",
          Array.from({ length: 10 }, (_, i) => ev(`x${i}`, 10 + i)),
        );
        expect(ids(await store.recent("s"))).toEqual(["x9", "x8", "x7", "x6"]);
      });

      it("reads an unknown session as empty, and an empty append creates nothing", async () => {
        const { store } = await factory();
        expect(await store.recent("nobody")).toEqual([]);
        await store.append("empty", []);
        expect(await store.deleteSession("empty")).toBe(false);
      });

      it("keeps sessions isolated from each other", async () => {
        const { store } = await factory();
        await store.append("a", [ev("x", 1)]);
        await store.append("b", [ev("y", 2)]);
        expect(ids(await store.recent("a"))).toEqual(["x"]);
        expect(ids(await store.recent("b"))).toEqual(["y"]);
      });

      it("round-trips ids with unicode and separators", async () => {
        const { store } = await factory();
        const id = 'ü:é/💡 "q" \\n';
        await store.append("sess:ü/1", [ev(id, 1.5e12, "not_interested")]);
        expect(await store.recent("sess:ü/1")).toEqual([ev(id, 1.5e12, "not_interested")]);
      });

      it("appends to many sessions in one call, in order, bounded", async () => {
        const { store } = await factory({ maxEvents: 3 });
        await store.appendMany([
          { sessionId: "a", events: [ev("a1", 1), ev("a2", 2)] },
          { sessionId: "b", events: [ev("b1", 1)] },
          { sessionId: "a", events: [ev("a3", 3), ev("a4", 4)] },
          { sessionId: "c", events: [] },
        ]);
        expect(ids(await store.recent("a"))).toEqual(["a4", "a3", "a2"]);
        expect(ids(await store.recent("b"))).toEqual(["b1"]);
        expect(await store.recent("c")).toEqual([]);
        await store.appendMany([]); // no-op, no error
      });

      it("rejects a batch with one bad event without writing any of it", async () => {
        const { store } = await factory();
        const bad = { itemId: "z", type: "teleport", ts: 1 } as unknown as SessionEvent;
        await expect(
          store.appendMany([
            { sessionId: "ok", events: [ev("a", 1)] },
            { sessionId: "bad", events: [bad] },
          ]),
        ).rejects.toMatchObject(invalid);
        expect(await store.recent("ok")).toEqual([]);
      });

      it("deletes a session and reports whether it existed", async () => {
        const { store } = await factory();
        await store.append("s", [ev("a", 1)]);
        await store.append("keep", [ev("k", 1)]);
        expect(await store.deleteSession("s")).toBe(true);
        expect(await store.recent("s")).toEqual([]);
        expect(await store.deleteSession("s")).toBe(false);
        expect(ids(await store.recent("keep"))).toEqual(["k"]);
      });

      it("rejects invalid arguments with invalid_argument", async () => {
        const { store } = await factory();
        await expect(store.append("", [ev("a", 1)])).rejects.toMatchObject(invalid);
        await expect(store.append("s", [ev("", 1)])).rejects.toMatchObject(invalid);
        await expect(store.append("s", [ev("a", Number.NaN)])).rejects.toMatchObject(invalid);
        await expect(store.recent("s", 0)).rejects.toMatchObject(invalid);
        await expect(store.recent("s", 1.5)).rejects.toMatchObject(invalid);
        await expect(store.recent("")).rejects.toMatchObject(invalid);
      });
    });

    describe("TTL", () => {
      it("expires an idle session; each append refreshes the TTL, reads do not", async () => {
        const { store, advance } = await factory({ ttlSeconds: 1 });
        await store.append("w", [ev("a", 1)]);
        await store.append("r", [ev("a", 1)]);
        await advance(600);
        await store.append("w", [ev("b", 2)]); // refresh
        expect(ids(await store.recent("r"))).toEqual(["a"]); // a read: no refresh
        await advance(600);
        expect(ids(await store.recent("w"))).toEqual(["b", "a"]);
        expect(await store.recent("r")).toEqual([]);
        await advance(600);
        expect(await store.recent("w")).toEqual([]);
        expect(await store.deleteSession("w")).toBe(false);
      });
    });

    describe("counter and key/value", () => {
      it("counts per key and returns the new value", async () => {
        const { store } = await factory();
        expect(await store.incrWithTtl("rl:1", 60)).toBe(1);
        expect(await store.incrWithTtl("rl:1", 60)).toBe(2);
        expect(await store.incrWithTtl("rl:2", 60)).toBe(1);
        expect(await store.incrWithTtl("rl:1", 60)).toBe(3);
        expect(await store.get("rl:1")).toBe("3");
      });

      it("uses a fixed window: increments do not extend the TTL", async () => {
        const { store, advance } = await factory();
        expect(await store.incrWithTtl("w", 1)).toBe(1);
        await advance(600);
        expect(await store.incrWithTtl("w", 1)).toBe(2);
        await advance(600);
        expect(await store.incrWithTtl("w", 1)).toBe(1);
      });

      it("sets, overwrites, expires and deletes values", async () => {
        const { store, advance } = await factory();
        expect(await store.get("k")).toBeNull();
        await store.set("k", "v1", 60);
        await store.set("k", "v2", 1);
        await store.set("json", '{"a":[1,2]}', 60);
        await store.set("num", "0123", 60); // must stay a string, not become 123
        expect(await store.get("k")).toBe("v2");
        expect(await store.get("json")).toBe('{"a":[1,2]}');
        expect(await store.get("num")).toBe("0123");
        await advance(1100);
        expect(await store.get("k")).toBeNull();
        expect(await store.del("json")).toBe(true);
        expect(await store.del("json")).toBe(false);
        expect(await store.get("json")).toBeNull();
      });

      it("keeps key/value keys apart from session ids", async () => {
        const { store } = await factory();
        await store.set("same", "kv", 60);
        await store.append("same", [ev("a", 1)]);
        expect(await store.get("same")).toBe("kv");
        expect(ids(await store.recent("same"))).toEqual(["a"]);
      });

      it("rejects bad TTLs, empty keys and incrementing a non-integer", async () => {
        const { store } = await factory();
        await expect(store.incrWithTtl("c", 0)).rejects.toMatchObject(invalid);
        await expect(store.incrWithTtl("c", 2.5)).rejects.toMatchObject(invalid);
        await expect(store.set("k", "v", -1)).rejects.toMatchObject(invalid);
        await expect(store.get("")).rejects.toMatchObject(invalid);
        await store.set("text", "abc", 60);
        await expect(store.incrWithTtl("text", 60)).rejects.toMatchObject(invalid);
        expect(await store.get("text")).toBe("abc");
      });
    });
  });
}
