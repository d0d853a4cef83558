/**
 * LeaderLease and whileLeader over the libSQL lease store (real engine): only the holder runs, it keeps
 * the lease between runs by renewing in the background, a dead holder is replaced after the ttl, release
 * hands over at once, a store failure stops a holder from acting, and the holder's own deadline comes
 * before the store's expiry whatever its clocks say.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LibsqlLeaseStore } from "../../src/adapters/lease/libsql";
import { MemoryLeaseStore } from "../../src/adapters/lease/memory";
import type { LeaseStore } from "../../src/ports/lease";
import { holderId, LeaderLease, whileLeader } from "../../src/ops/leader";
import { createTestDb, type TestDb } from "../helpers/app";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestDb;
let store: LeaseStore;
const leases: LeaderLease[] = [];
beforeEach(async () => {
  t = await createTestDb();
  store = new LibsqlLeaseStore(t.db.$client);
});
afterEach(async () => {
  for (const l of leases.splice(0)) await l.release();
  t.cleanup();
});

const lease = (holder: string, ttlMs = 60_000, extra: Partial<ConstructorParameters<typeof LeaderLease>[0]> = {}) => {
  const l = new LeaderLease({ store, name: "model-selection", holder, ttlMs, ...extra });
  leases.push(l);
  return l;
};

describe("LeaderLease", () => {
  it("runs the work on the holder only; the other is told who holds it", async () => {
    const a = lease("pod-a");
    const b = lease("pod-b");
    let runs = 0;
    const work = async () => ++runs;
    expect(await a.run(work)).toMatchObject({ ran: true, value: 1, epoch: 1 });
    expect(await b.run(work)).toEqual({ ran: false, heldBy: "pod-a" });
    expect(await a.run(work)).toMatchObject({ ran: true, value: 2, epoch: 1 });
    expect(runs).toBe(2);
  });

  it("keeps the lease between runs by renewing in the background (sticky), past several ttls", async () => {
    const a = lease("pod-a", 150);
    const b = lease("pod-b", 150);
    expect((await a.run(async () => 0)).ran).toBe(true);
    await sleep(500); // over three ttls with no run: only the background renewal keeps it
    expect((await b.run(async () => 0)).ran).toBe(false);
    expect(a.held()).toBe(true);
    expect((await a.run(async () => 0)).ran).toBe(true);
  });

  it("a holder that dies (stops renewing, never releases) is replaced once the ttl has passed", async () => {
    const a = new LeaderLease({ store, name: "model-selection", holder: "pod-a", ttlMs: 150, renewEveryMs: 60_000 });
    expect((await a.run(async () => 0)).ran).toBe(true);
    const b = lease("pod-b", 150);
    expect((await b.run(async () => 0)).ran).toBe(false);
    await sleep(250);
    expect(a.held()).toBe(false); // its own deadline passed first
    expect(await b.run(async () => "b")).toMatchObject({ ran: true, value: "b", epoch: 2 });
    // The old holder comes back (it was only paused): it does not get the lease back.
    expect((await a.run(async () => 0)).ran).toBe(false);
  });

  it("release on shutdown hands the lease over at once", async () => {
    const a = lease("pod-a");
    const b = lease("pod-b");
    await a.run(async () => 0);
    await a.release();
    expect(a.held()).toBe(false);
    expect(await b.run(async () => "b")).toMatchObject({ ran: true, epoch: 2 });
    // A released LeaderLease does not take it again (the process is shutting down).
    expect((await a.run(async () => 0)).ran).toBe(false);
  });

  it("counts its lease valid until ttl after it asked, by its own monotonic clock, whatever the store says", async () => {
    let mono = 1_000;
    // A slow store: the grant arrives 400 ms (of this holder's monotonic time) after the request.
    const inner = new MemoryLeaseStore();
    const slow: LeaseStore = {
      acquire: async (...args) => {
        const g = await inner.acquire(...args);
        mono += 400;
        return g;
      },
      renew: (...args) => inner.renew(...args),
      release: (...args) => inner.release(...args),
      current: (...args) => inner.current(...args),
      list: () => inner.list(),
    };
    const a = new LeaderLease({ store: slow, name: "x", holder: "a", ttlMs: 1_000, monotonic: () => mono });
    expect(await a.ensure()).toBe(true);
    mono = 1_000 + 940; // 940 ms after the request: inside ttl minus the 5% margin
    expect(a.held()).toBe(true);
    mono = 1_000 + 960; // past it, though the store's expiry (counted from when it answered) is later
    expect(a.held()).toBe(false);
    await a.release();
  });

  it("a store it cannot reach makes it stop acting as the holder", async () => {
    let down = false;
    const inner = new MemoryLeaseStore();
    const flaky: LeaseStore = {
      acquire: (...a) => (down ? Promise.reject(new Error("connection refused")) : inner.acquire(...a)),
      renew: (...a) => (down ? Promise.reject(new Error("connection refused")) : inner.renew(...a)),
      release: (...a) => inner.release(...a),
      current: (...a) => (down ? Promise.reject(new Error("connection refused")) : inner.current(...a)),
      list: () => inner.list(),
    };
    const logs: string[] = [];
    const a = new LeaderLease({ store: flaky, name: "x", holder: "a", ttlMs: 60_000, log: (m) => logs.push(m) });
    expect((await a.run(async () => 0)).ran).toBe(true);
    down = true;
    expect(await a.run(async () => 0)).toEqual({ ran: false, heldBy: null });
    expect(logs).toContain("lease: store unreachable; not acting as holder");
    await a.release();
  });

  it("holder ids are unique per start", () => {
    expect(holderId("pod-a/1")).toMatch(/^pod-a\/1#[0-9a-f]{8}$/);
    expect(holderId("pod-a/1")).not.toBe(holderId("pod-a/1"));
  });
});

describe("whileLeader", () => {
  it("runs a long task on the holder only and moves it when the holder shuts down", async () => {
    const events: string[] = [];
    const task = (name: string) => ({
      start: () => void events.push(`${name} start`),
      stop: async () => void events.push(`${name} stop`),
    });
    const a = whileLeader(lease("pod-a", 60_000), task("a"), { checkEveryMs: 30 });
    await sleep(60);
    const b = whileLeader(lease("pod-b", 60_000), task("b"), { checkEveryMs: 30 });
    await sleep(100);
    expect(a.running).toBe(true);
    expect(b.running).toBe(false);
    await a.stop();
    await sleep(100);
    expect(b.running).toBe(true);
    await b.stop();
    expect(events).toEqual(["a start", "a stop", "b start", "b stop"]);
  });
});
