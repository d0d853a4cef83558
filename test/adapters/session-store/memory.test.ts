import { describe, expect, it } from "vitest";
import { MemorySessionStore } from "../../../src/adapters/session-store/memory.js";
import type { SessionStoreLimits } from "../../../src/ports/session-store.js";
import { sessionStoreContract } from "../../ports/session-store.contract.js";

function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => Promise<void> } {
  let t = start;
  return { now: () => t, advance: async (ms) => void (t += ms) };
}

sessionStoreContract("memory", async (limits?: Partial<SessionStoreLimits>) => {
  const clock = fakeClock();
  return { store: new MemorySessionStore({ ...limits, now: clock.now }), advance: clock.advance };
});

describe("MemorySessionStore bounds", () => {
  const ev = (itemId: string) => ({ itemId, type: "view" as const, ts: 1 });

  it("evicts the least recently written session beyond maxSessions", async () => {
    const clock = fakeClock();
    const store = new MemorySessionStore({ maxSessions: 2, now: clock.now });
    await store.append("a", [ev("1")]);
    await store.append("b", [ev("1")]);
    await store.append("a", [ev("2")]); // a is now newer than b
    await store.append("c", [ev("1")]);
    expect(await store.recent("b")).toEqual([]);
    expect((await store.recent("a")).length).toBe(2);
    expect((await store.recent("c")).length).toBe(1);
    expect(store.sessionCount).toBe(2);
  });

  it("drops expired sessions from memory, not just from reads", async () => {
    const clock = fakeClock();
    const store = new MemorySessionStore({ ttlSeconds: 10, now: clock.now });
    for (let i = 0; i < 50; i++) await store.append(`s${i}`, [ev("x")]);
    expect(store.sessionCount).toBe(50);
    await clock.advance(10_001);
    expect(store.sessionCount).toBe(0);
  });

  it("caps key/value entries, evicting the oldest written", async () => {
    const clock = fakeClock();
    const store = new MemorySessionStore({ maxKeys: 3, now: clock.now });
    for (const k of ["a", "b", "c", "d"]) await store.set(k, k, 60);
    expect(await store.get("a")).toBeNull();
    expect(await store.get("d")).toBe("d");
  });

  it("returns copies: mutating a result or an appended event does not change the store", async () => {
    const store = new MemorySessionStore();
    const input = ev("a");
    await store.append("s", [input]);
    input.itemId = "changed";
    const [first] = await store.recent("s");
    first.itemId = "mutated";
    expect((await store.recent("s"))[0].itemId).toBe("a");
  });

  it("rejects invalid configuration", () => {
    expect(() => new MemorySessionStore({ maxEvents: 0 })).toThrow(/maxEvents/);
    expect(() => new MemorySessionStore({ maxSessions: -1 })).toThrow(/maxSessions/);
  });
});
