/**
 * The serving process's single-writer work under the database's leases (src/recsys/start.node.ts): the
 * learner thread runs while this process holds `learner` and records its cycles in the database's record of
 * runs; the selection tick runs only while it holds `model-selection`, and skips while another process does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibsqlLeaseStore } from "../../src/adapters/lease/libsql";
import { loadConfig } from "../../src/config";
import { timeOrderedId } from "../../src/context";
import { learnerRunStats } from "../../src/ops/learner-runs";
import { nodeHolderId } from "../../src/ops/leases.node";
import { LEASES } from "../../src/ports/lease";
import { nullLogger } from "../../src/ports/logger";
import { startLearner, startNodeServing } from "../../src/recsys/start.node";
import { learnerTestApp, type LearnerTestApp } from "./learner/helpers";

async function until(what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let t: LearnerTestApp;
let leases: LibsqlLeaseStore;
beforeAll(async () => {
  t = await learnerTestApp();
  leases = new LibsqlLeaseStore(t.db.$client);
}, 60_000);
afterAll(() => t.cleanup());

describe("serving-process work under leases", () => {
  it("the learner thread takes the learner lease, records its cycle as a thread run, and releases on stop", async () => {
    const config = loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: "silent", LEARNER_INTERVAL_SECONDS: "3600" });
    const learner = startLearner(config, () => {}, undefined, undefined, t.db);
    try {
      // The bootstrap trained at the test clock's date; the thread runs on the real clock: a full cycle is due.
      await until("a recorded thread run", async () => {
        const stats = await learnerRunStats(t.db.$client);
        return (stats.groups.find((g) => g.runner === "thread" && g.status === "ok")?.count ?? 0) > 0;
      });
      expect(await leases.current(LEASES.learner)).toMatchObject({ holder: nodeHolderId(), live: true });
      const row = (
        await t.db.$client.execute("SELECT status, detail FROM scheduler_runs WHERE cron = 'learner thread'")
      ).rows[0];
      expect(JSON.parse(String(row.detail))).toMatchObject({ mode: "full", failed: false });
    } finally {
      await learner?.stop();
    }
    expect(await leases.current(LEASES.learner)).toMatchObject({ live: false });
  }, 90_000);

  it("the selection tick takes the model-selection lease, and skips while another process holds it", async () => {
    const config = loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: "silent", LEARNER_THREAD: "off" });
    const other = await leases.acquire(LEASES.selection, "pod-b/1#00000000", 60_000);
    const serving = await startNodeServing(
      { config, db: t.db, clock: Date.now, newId: timeOrderedId, logger: nullLogger },
      { trainMissing: false, refreshSeconds: 1 },
    );
    try {
      await new Promise((r) => setTimeout(r, 2500)); // two ticks
      expect(await leases.current(LEASES.selection)).toMatchObject({ holder: "pod-b/1#00000000", live: true });
      await leases.release(LEASES.selection, "pod-b/1#00000000", other?.epoch ?? 0);
      await until("this process holds the selection lease", async () => {
        const now = await leases.current(LEASES.selection);
        return now?.holder === nodeHolderId() && now.live;
      });
    } finally {
      await serving.stop();
    }
    // Released on stop: the next pod need not wait for the ttl.
    expect(await leases.current(LEASES.selection)).toMatchObject({ holder: nodeHolderId(), live: false });
  }, 90_000);
});
