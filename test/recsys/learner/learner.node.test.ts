import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeLibsqlClient } from "../../../src/db/client.node.js";
import { createDatabase } from "../../../src/db/database";
import { runMigrations } from "../../../src/db/migrate.node.js";
import { Learner } from "../../../src/recsys/learner/learner.node.js";
import { NOW, pid, postEvents, sid } from "../fixtures";
import { learnerTestApp, type LearnerTestApp } from "./helpers";

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Learner: continuous training in a worker thread", () => {
  let t: LearnerTestApp;
  beforeAll(async () => {
    t = await learnerTestApp();
  }, 60_000);
  afterAll(() => t.cleanup());

  it("starts, runs cycles on its own connection, registers versions the server then serves, and stops", async () => {
    const logs: string[] = [];
    const seen: string[] = [];
    const learner = new Learner({
      databaseUrl: t.url,
      intervalMs: 100,
      options: { promote: true, backlogThreshold: 1e9 },
      log: (msg) => void logs.push(msg),
      onReport: (r) => void seen.push(r.mode),
    }).start();
    try {
      expect(learner.running).toBe(true);
      await until("a first cycle", () => seen.length > 0);
      // The bootstrap trained these at the test clock's date; the worker runs on the real clock: schedule due.
      expect(learner.reports[0]).toMatchObject({ mode: "full", reason: expect.stringMatching(/^schedule/) });
      for (let s = 0; s < 10; s++)
        await postEvents(t, { "x-session-id": sid(`w-${s}`) }, [
          { id: `w${s}a`, type: "view", item_id: pid(2, 5), ts: NOW - 5000 + s },
          { id: `w${s}b`, type: "view", item_id: pid(0, 9), ts: NOW - 4000 + s },
        ]);
      // Cycles run every 100 ms while the events arrive: together they fold all 20, each once.
      const folded = (): number =>
        learner.reports.filter((x) => x.mode === "incremental").reduce((n, x) => n + x.newEvents, 0);
      await until("incremental cycles over all 20 events", () => folded() >= 20);
      expect(folded()).toBe(20);
      const r = learner.reports.findLast((x) => x.mode === "incremental");
      expect(r?.models.find((m) => m.model === "covisitation")?.status).toBe("registered");
      expect((await t.recsys.reloadIfChanged()).reloaded).toBe(true);
      expect(t.recsys.models.components.covisitation).toBe(r?.models.find((m) => m.model === "covisitation")?.version);
    } finally {
      await learner.stop();
    }
    expect(learner.running).toBe(false);
    expect(logs.filter((m) => m.startsWith("learner: worker exited"))).toEqual([]);
  }, 120_000);
});

describe("Learner: failures stay in the worker", () => {
  const dir = mkdtempSync(join(tmpdir(), "recircuit-learner-"));
  const url = `file:${join(dir, "learner.db")}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a cycle that throws is logged and retried at the next interval, never thrown into the server", async () => {
    const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
    // No tables yet: every cycle fails until the database is migrated.
    const learner = new Learner({
      databaseUrl: url,
      intervalMs: 100,
      log: (msg, fields) => void logs.push({ msg, fields }),
    }).start();
    try {
      await until("two failed cycles", () => learner.errors >= 2);
      const failed = logs.filter((l) => l.msg === "learner: cycle failed; retrying at the next interval");
      expect(failed.length).toBeGreaterThanOrEqual(2);
      expect(String(failed[0].fields?.error)).toMatch(/no such table/);
      expect(learner.running, JSON.stringify(logs.slice(0, 3)).slice(0, 2000)).toBe(true);
      const client = await createNodeLibsqlClient(url);
      await runMigrations(createDatabase(client));
      client.close();
      await until("a cycle after the fix", () => learner.reports.length > 0);
      // An empty marketplace with no versions yet: a first full run over nothing, and no error.
      expect(learner.reports[0]).toMatchObject({ mode: "full", failed: false, items: 0 });
    } finally {
      await learner.stop();
    }
    expect(learner.running).toBe(false);
  }, 120_000);
});

describe("Learner: a worker that dies is restarted", () => {
  it("logs the crash and starts a new worker after the back-off, until stopped", async () => {
    const logs: string[] = [];
    // A database URL no client accepts: the entry throws before any cycle, the thread exits.
    const learner = new Learner({
      databaseUrl: "bogus://nowhere",
      intervalMs: 100,
      restartDelayMs: 50,
      log: (msg) => void logs.push(msg),
    }).start();
    try {
      await until("two restarts", () => learner.restarts >= 2);
      expect(logs).toContain("learner: worker crashed");
      expect(logs).toContain("learner: worker exited; restarting");
    } finally {
      await learner.stop();
    }
    const restarts = learner.restarts;
    await new Promise((r) => setTimeout(r, 400));
    expect(learner.restarts).toBe(restarts); // stopped: no more restarts
    expect(learner.running).toBe(false);
  }, 120_000);
});
