/**
 * Leases on the real libSQL engine (a migrated file database): contention between holders (several
 * connections in this process, and separate processes on one file), expiry and takeover, renewal, release,
 * and holders whose wall clocks disagree. The memory adapter is held to the same rules.
 */
import { spawn } from "node:child_process";
import { createClient, type Client } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LibsqlLeaseStore } from "../../../src/adapters/lease/libsql";
import { MemoryLeaseStore } from "../../../src/adapters/lease/memory";
import type { LeaseGrant, LeaseStore } from "../../../src/ports/lease";
import { createTestDb, type TestDb } from "../../helpers/app";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestDb;
const extra: Client[] = [];
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(() => {
  for (const c of extra.splice(0)) c.close();
  t.cleanup();
  vi.useRealTimers();
});

/** Another connection to the same database file: what a second process would hold. */
const connection = (): LibsqlLeaseStore => {
  const client = createClient({ url: t.url, timeout: 5000 });
  extra.push(client);
  return new LibsqlLeaseStore(client);
};

describe("LibsqlLeaseStore", () => {
  it("grants a free lease, refuses it to a second holder while it is live, and extends it for its holder", async () => {
    const a = new LibsqlLeaseStore(t.db.$client);
    const b = connection();
    const first = await a.acquire("model-selection", "pod-a", 60_000);
    expect(first).toMatchObject({ name: "model-selection", holder: "pod-a", epoch: 1 });
    expect(await b.acquire("model-selection", "pod-b", 60_000)).toBeNull();
    const again = await a.acquire("model-selection", "pod-a", 60_000);
    expect(again?.epoch).toBe(1);
    expect(again?.expiresAt).toBeGreaterThanOrEqual(first?.expiresAt ?? Number.POSITIVE_INFINITY);
    expect(await b.current("model-selection")).toMatchObject({ holder: "pod-a", epoch: 1, live: true });
    // Leases are independent by name.
    expect(await b.acquire("learner", "pod-b", 60_000)).toMatchObject({ holder: "pod-b", epoch: 1 });
    expect((await a.list()).map((l) => [l.name, l.holder, l.live])).toEqual([
      ["learner", "pod-b", true],
      ["model-selection", "pod-a", true],
    ]);
  });

  it("of many holders racing on separate connections exactly one gets the lease", async () => {
    const stores = Array.from({ length: 8 }, () => connection());
    const grants = await Promise.all(stores.map((s, i) => s.acquire("learner", `pod-${i}`, 60_000)));
    const winners = grants.filter((g): g is LeaseGrant => g !== null);
    expect(winners).toHaveLength(1);
    expect((await stores[0].current("learner"))?.holder).toBe(winners[0].holder);
  });

  it("separate processes contending on one file: every epoch has exactly one holder", async () => {
    const run = (holder: string) =>
      new Promise<LeaseGrant[]>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", "test/adapters/lease/contender.ts", t.url, holder, "1500"],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => {
          out += d;
        });
        child.stderr.on("data", (d) => {
          err += d;
        });
        child.on("exit", (code) =>
          code === 0
            ? resolve(
                out
                  .trim()
                  .split("\n")
                  .filter(Boolean)
                  .map((l) => JSON.parse(l) as LeaseGrant),
              )
            : reject(new Error(`${holder} exited ${code}: ${err}`)),
        );
      });
    const all = (await Promise.all(["p1", "p2", "p3"].map(run))).flat();
    const holdersByEpoch = new Map<number, Set<string>>();
    for (const g of all) holdersByEpoch.set(g.epoch, (holdersByEpoch.get(g.epoch) ?? new Set()).add(g.holder));
    // Enough takeovers happened for the check to mean something, by more than one process.
    expect(holdersByEpoch.size).toBeGreaterThan(5);
    expect(new Set(all.map((g) => g.holder)).size).toBeGreaterThan(1);
    for (const [epoch, holders] of holdersByEpoch) expect([...holders], `epoch ${epoch}`).toHaveLength(1);
  }, 30_000);

  it("expires: once its holder stops renewing, another takes over with a new epoch", async () => {
    const a = new LibsqlLeaseStore(t.db.$client);
    const b = connection();
    const first = await a.acquire("model-selection", "pod-a", 150);
    expect(await b.acquire("model-selection", "pod-b", 150)).toBeNull();
    await sleep(250);
    expect(await b.current("model-selection")).toMatchObject({ holder: "pod-a", live: false });
    const taken = await b.acquire("model-selection", "pod-b", 60_000);
    expect(taken).toMatchObject({ holder: "pod-b", epoch: (first?.epoch ?? 0) + 1 });
    // The old holder can neither renew nor release what is no longer its lease.
    expect(await a.renew("model-selection", "pod-a", first?.epoch ?? 0, 60_000)).toBeNull();
    expect(await a.release("model-selection", "pod-a", first?.epoch ?? 0)).toBe(false);
    expect((await a.current("model-selection"))?.holder).toBe("pod-b");
  });

  it("renewal keeps a lease past its first ttl; a contender waiting all along never gets it", async () => {
    const a = new LibsqlLeaseStore(t.db.$client);
    const b = connection();
    const grant = await a.acquire("learner", "pod-a", 200);
    for (let i = 0; i < 6; i++) {
      await sleep(70);
      expect(await a.renew("learner", "pod-a", grant?.epoch ?? 0, 200), `renewal ${i}`).not.toBeNull();
      expect(await b.acquire("learner", "pod-b", 200), `contender ${i}`).toBeNull();
    }
    expect(await a.current("learner")).toMatchObject({ holder: "pod-a", epoch: grant?.epoch, live: true });
  });

  it("release frees the lease at once for the next holder; releasing twice or someone else's does nothing", async () => {
    const a = new LibsqlLeaseStore(t.db.$client);
    const b = connection();
    const grant = await a.acquire("reembed", "pod-a", 60_000);
    expect(await b.release("reembed", "pod-b", grant?.epoch ?? 0)).toBe(false);
    expect(await a.release("reembed", "pod-a", grant?.epoch ?? 0)).toBe(true);
    expect(await a.release("reembed", "pod-a", grant?.epoch ?? 0)).toBe(false);
    expect(await b.acquire("reembed", "pod-b", 60_000)).toMatchObject({ holder: "pod-b", epoch: 2 });
    // Re-taking one's own released lease is a new tenure: a new epoch.
    await b.release("reembed", "pod-b", 2);
    expect(await b.acquire("reembed", "pod-b", 60_000)).toMatchObject({ epoch: 3 });
  });

  it("decides expiry with the database's clock: a holder whose clock runs an hour ahead cannot steal a live lease", async () => {
    const a = new LibsqlLeaseStore(t.db.$client);
    await a.acquire("model-selection", "pod-a", 60_000);
    // This process's wall clock jumps an hour ahead (a pod with a wrong clock): it does not enter the decision.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3_600_000);
    expect(await connection().acquire("model-selection", "pod-skewed", 60_000)).toBeNull();
    vi.setSystemTime(Date.now() - 7_200_000); // an hour behind: its own live lease is still its own
    expect((await a.acquire("model-selection", "pod-a", 60_000))?.epoch).toBe(1);
    vi.useRealTimers();
    // The expiry is in the database's time, which agrees with the real clock here (same machine).
    const state = await a.current("model-selection");
    expect(Math.abs((state?.expiresAt ?? 0) - 60_000 - Date.now())).toBeLessThan(5_000);
  });

  it("rejects a ttl that is not a positive whole number of ms", async () => {
    const a = new LibsqlLeaseStore(t.db.$client);
    await expect(a.acquire("x", "pod-a", 0)).rejects.toThrow(RangeError);
    await expect(a.acquire("x", "pod-a", 1.5)).rejects.toThrow(RangeError);
  });
});

describe("MemoryLeaseStore follows the same rules", () => {
  it("contend, expire, renew, release", async () => {
    let now = 1_000;
    const s: LeaseStore = new MemoryLeaseStore(() => now);
    const a = await s.acquire("l", "a", 100);
    expect(a?.epoch).toBe(1);
    expect(await s.acquire("l", "b", 100)).toBeNull();
    now += 90;
    expect(await s.renew("l", "a", 1, 100)).not.toBeNull();
    now += 90;
    expect(await s.acquire("l", "b", 100)).toBeNull();
    now += 20;
    expect(await s.acquire("l", "b", 100)).toMatchObject({ holder: "b", epoch: 2 });
    expect(await s.renew("l", "a", 1, 100)).toBeNull();
    expect(await s.release("l", "b", 2)).toBe(true);
    expect(await s.acquire("l", "a", 100)).toMatchObject({ holder: "a", epoch: 3 });
    await s.acquire("k", "b", 10);
    now += 20;
    expect((await s.list()).map((l) => [l.name, l.holder, l.live])).toEqual([
      ["k", "b", false],
      ["l", "a", true],
    ]);
  });
});
