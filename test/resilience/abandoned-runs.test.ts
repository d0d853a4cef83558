/**
 * Runs left `running` by a dead process are marked failed on the next start (src/ops/abandoned-runs.node.ts):
 * ingest runs (ingest_runs) and learner CLI runs (scheduler_runs). A run whose process is alive, or on another
 * host and recent, is left alone.
 */
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LEARNER_RUN, markAbandonedRuns, recordLearnerRun, STALE_AFTER_MS } from "../../src/ops/abandoned-runs.node";
import { createTestDb, type TestDb } from "../helpers/app";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(() => t.cleanup());

/** The pid of a process that has exited (reuse within the test is practically impossible). */
const deadPid = (): number => {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
};
const NOW = Date.now();

async function ingestRun(id: string, owner: { pid: number; host: string } | null, startedAt = NOW - 60_000) {
  await t.db.$client.execute({
    sql: "INSERT INTO ingest_runs (id, source, format, started_at, report) VALUES (?, 'f.jsonl', 'pending', ?, ?)",
    args: [id, startedAt, owner ? JSON.stringify({ status: "running", owner }) : null],
  });
}
const row = async (id: string) =>
  (await t.db.$client.execute({ sql: "SELECT finished_at, report FROM ingest_runs WHERE id = ?", args: [id] })).rows[0];

describe("markAbandonedRuns", () => {
  it("marks an ingest run of a dead process on this host failed, with the reason", async () => {
    const pid = deadPid();
    await ingestRun("dead", { pid, host: hostname() });
    const marked = await markAbandonedRuns(t.db.$client, NOW);
    expect(marked.ingest).toEqual(["dead"]);
    const r = await row("dead");
    expect(r.finished_at).toBe(NOW);
    expect(JSON.parse(String(r.report))).toMatchObject({
      status: "failed",
      reason: expect.stringContaining(`process ${pid}`),
    });
    // Idempotent: a second start finds nothing more.
    expect((await markAbandonedRuns(t.db.$client, NOW)).ingest).toEqual([]);
  });

  it("leaves alone a run whose process is alive, a recent run of another host, and finished runs", async () => {
    await ingestRun("alive", { pid: process.ppid, host: hostname() });
    await ingestRun("mine", { pid: process.pid, host: hostname() });
    await ingestRun("elsewhere", { pid: 1234, host: "another-pod" });
    await t.db.$client.execute(
      "INSERT INTO ingest_runs (id, source, format, started_at, finished_at) VALUES ('done', 'f', 'csv', 1, 2)",
    );
    expect((await markAbandonedRuns(t.db.$client, NOW)).ingest).toEqual([]);
    expect((await row("alive")).finished_at).toBeNull();
  });

  it("marks a run of another host, or without an owner, once it is older than any run takes", async () => {
    await ingestRun("old-pod", { pid: 1234, host: "gone-pod" }, NOW - STALE_AFTER_MS - 1);
    await ingestRun("legacy", null, NOW - STALE_AFTER_MS - 1);
    expect((await markAbandonedRuns(t.db.$client, NOW)).ingest.sort()).toEqual(["legacy", "old-pod"]);
  });

  it("marks a learner CLI run whose process died as error, and a finished one keeps its status", async () => {
    const finish = await recordLearnerRun(t.db.$client, NOW - 1000);
    await finish("ok", { mode: "incremental" });
    await t.db.$client.execute({
      sql: "INSERT INTO scheduler_runs (id, cron, scheduled_at, started_at, status, detail) VALUES ('killed', ?, ?, ?, 'running', ?)",
      args: [LEARNER_RUN, NOW - 5000, NOW - 5000, JSON.stringify({ owner: { pid: deadPid(), host: hostname() } })],
    });
    const marked = await markAbandonedRuns(t.db.$client, NOW);
    expect(marked.learner).toEqual(["killed"]);
    const runs = await t.db.$client.execute("SELECT id, status, detail FROM scheduler_runs ORDER BY started_at");
    expect(runs.rows.map((r) => r.status)).toEqual(["error", "ok"]);
    expect(JSON.parse(String(runs.rows[0].detail))).toMatchObject({ status: "failed", reason: expect.any(String) });
  });
});
