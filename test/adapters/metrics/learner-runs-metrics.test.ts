/**
 * Learner runs on /metrics wherever the learner ran: the database's record of runs (scheduler_runs: the
 * CronJob's `npm run learn`, pods' learner threads, runs killed and marked at the next start) exported by
 * every serving pod alike, so a cluster query that takes `max` over pods counts each run once.
 */
import { AggregatorRegistry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "../../../src/adapters/metrics/prometheus.node";
import { cachedLearnerRunStats, learnerRunStats, recordLearnerThreadRun } from "../../../src/ops/learner-runs";
import { LEARNER_RUN, markAbandonedRuns, recordLearnerRun } from "../../../src/ops/abandoned-runs.node";
import { LibsqlLeaseStore } from "../../../src/adapters/lease/libsql";
import { createTestDb, type TestDb } from "../../helpers/app";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(() => t.cleanup());

const value = (text: string, series: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
};

async function jobRun(id: string, startedAt: number, ms: number, status: "ok" | "error", detail: object) {
  await t.db.$client.execute({
    sql: "INSERT INTO scheduler_runs (id, cron, scheduled_at, started_at, finished_at, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
    args: [id, LEARNER_RUN, startedAt, startedAt, startedAt + ms, status, JSON.stringify(detail)],
  });
}

/** The CronJob ran four times (ok 2 s, ok 40 s, failed 3 s, one killed), a pod's thread twice, one runs now. */
async function seedRuns(): Promise<number> {
  const t0 = Date.now() - 3_600_000;
  await jobRun("j1", t0, 2_000, "ok", { mode: "full", failed: false });
  await jobRun("j2", t0 + 900_000, 40_000, "ok", { mode: "incremental", failed: false });
  await jobRun("j3", t0 + 1_800_000, 3_000, "error", { error: "registry write failed" });
  // Killed: left running by a pod that is gone, marked by the next start.
  await t.db.$client.execute({
    sql: "INSERT INTO scheduler_runs (id, cron, scheduled_at, started_at, status, detail) VALUES ('j4', ?, ?, ?, 'running', ?)",
    args: [LEARNER_RUN, t0 - 86_400_000, t0 - 86_400_000, JSON.stringify({ owner: { pid: 1, host: "gone" } })],
  });
  expect((await markAbandonedRuns(t.db.$client)).learner).toEqual(["j4"]);
  await recordLearnerThreadRun(t.db.$client, {
    id: "th1",
    startedAt: t0,
    finishedAt: t0 + 700,
    status: "ok",
    detail: { mode: "incremental" },
  });
  await recordLearnerThreadRun(t.db.$client, {
    id: "th2",
    startedAt: t0 + 10_000,
    finishedAt: t0 + 10_000,
    status: "killed",
    detail: { reason: "the learner thread died" },
  });
  await recordLearnerRun(t.db.$client, Date.now() - 5_000); // in progress
  return t0;
}

const pod = () => createPrometheusMetrics({ processMetrics: false, learnerRuns: () => learnerRunStats(t.db.$client) });

describe("recorded learner runs on /metrics", () => {
  it("exports runs by runner and status, their durations as a histogram, the last run and the run in progress", async () => {
    const t0 = await seedRuns();
    const { body } = await pod().render();
    const runs = (runner: string, status: string) =>
      value(body, `recircuit_learner_recorded_runs_total{runner="${runner}",status="${status}"}`);
    expect([runs("job", "ok"), runs("job", "failed"), runs("job", "killed")]).toEqual([2, 1, 1]);
    expect([runs("thread", "ok"), runs("thread", "failed"), runs("thread", "killed")]).toEqual([1, 0, 1]);

    const bucket = (le: string) =>
      value(body, `recircuit_learner_recorded_run_duration_seconds_bucket{le="${le}",runner="job",status="ok"}`);
    expect([bucket("1"), bucket("5"), bucket("30"), bucket("60"), bucket("+Inf")]).toEqual([0, 1, 1, 2, 2]);
    expect(value(body, 'recircuit_learner_recorded_run_duration_seconds_sum{runner="job",status="ok"}')).toBe(42);
    expect(value(body, 'recircuit_learner_recorded_run_duration_seconds_count{runner="job",status="ok"}')).toBe(2);
    expect(body).toContain("# TYPE recircuit_learner_recorded_run_duration_seconds histogram");
    expect(body).toContain("# TYPE recircuit_learner_recorded_runs_total counter");

    expect(value(body, 'recircuit_learner_recorded_last_run_timestamp_seconds{runner="job",status="ok"}')).toBe(
      (t0 + 900_000 + 40_000) / 1000,
    );
    // No series for a status that never happened.
    expect(body).not.toContain(
      'recircuit_learner_recorded_last_run_timestamp_seconds{runner="thread",status="failed"}',
    );
    expect(value(body, "recircuit_learner_recorded_runs_in_progress")).toBe(1);
    const since = value(body, "recircuit_learner_recorded_running_since_timestamp_seconds");
    expect(Date.now() / 1000 - since).toBeGreaterThan(4);
    expect(Date.now() / 1000 - since).toBeLessThan(120);
  });

  it("every pod reports the same figures: max over pods counts each run once (a sum would count it per pod)", async () => {
    await seedRuns();
    const texts = await Promise.all([pod(), pod(), pod()].map(async (m) => (await m.render()).body));
    const series = 'recircuit_learner_recorded_runs_total{runner="job",status="ok"}';
    const perPod = texts.map((x) => value(x, series));
    expect(perPod).toEqual([2, 2, 2]);
    expect(Math.max(...perPod)).toBe(2);
  });

  it("survives a node:cluster primary's aggregation unchanged", async () => {
    await seedRuns();
    const m = pod();
    const body = await AggregatorRegistry.aggregate([await m.registry.getMetricsAsJSON()]).metrics();
    expect(value(body, 'recircuit_learner_recorded_runs_total{runner="job",status="killed"}')).toBe(1);
    expect(
      value(body, 'recircuit_learner_recorded_run_duration_seconds_bucket{le="+Inf",runner="job",status="ok"}'),
    ).toBe(2);
  });

  it("an empty record still has zero series for every runner and status (alerts on increase() see the first failure)", async () => {
    const { body } = await pod().render();
    for (const runner of ["job", "thread"])
      for (const status of ["ok", "failed", "killed"])
        expect(value(body, `recircuit_learner_recorded_runs_total{runner="${runner}",status="${status}"}`)).toBe(0);
    expect(value(body, "recircuit_learner_recorded_runs_in_progress")).toBe(0);
    expect(body).not.toMatch(/^recircuit_learner_recorded_running_since_timestamp_seconds /m);
  });

  it("a database that cannot be read leaves the families out of the scrape and counts the failure", async () => {
    const errors: string[] = [];
    const m = createPrometheusMetrics({
      processMetrics: false,
      learnerRuns: () => Promise.reject(new Error("database unreachable")),
      onCollectError: (metric) => errors.push(metric),
    });
    const { body } = await m.render();
    expect(body).not.toMatch(/^recircuit_learner_recorded_runs_total\{/m);
    expect(errors).toContain("recircuit_learner_recorded_runs_total");
    const again = await m.render();
    expect(
      value(again.body, 'recircuit_metric_collect_failures_total{metric="recircuit_learner_recorded_runs_total"}'),
    ).toBe(1);
  });

  it("the scrape cache reads the database at most once per interval and shares a read in flight", async () => {
    await seedRuns();
    let now = 0;
    const cached = cachedLearnerRunStats(t.db.$client, { maxAgeMs: 10_000, now: () => now });
    const [a, b] = await Promise.all([cached(), cached()]);
    expect(a).toBe(b);
    await jobRun("j5", Date.now() - 1000, 500, "ok", {});
    expect(await cached()).toBe(a); // within the interval: the cached figures
    now = 10_001;
    const fresh = await cached();
    expect(fresh.groups.find((g) => g.runner === "job" && g.status === "ok")?.count).toBe(3);
  });
});

describe("leases on /metrics", () => {
  it("shows each live lease with its holder, from the database, and nothing for an expired or released one", async () => {
    const store = new LibsqlLeaseStore(t.db.$client);
    await store.acquire("model-selection", "pod-a/1#aaaaaaaa", 60_000);
    const learner = await store.acquire("learner", "learner-job/9#bbbbbbbb", 60_000);
    await store.acquire("reembed", "scheduler-worker#cccccccc", 60_000);
    await store.release("learner", "learner-job/9#bbbbbbbb", learner?.epoch ?? 0);
    const m = createPrometheusMetrics({ processMetrics: false, leases: () => store.list() });
    const { body } = await m.render();
    expect(value(body, 'recircuit_lease_live{lease="model-selection",holder="pod-a/1#aaaaaaaa"}')).toBe(1);
    expect(value(body, 'recircuit_lease_live{lease="reembed",holder="scheduler-worker#cccccccc"}')).toBe(1);
    expect(body).not.toMatch(/^recircuit_lease_live\{lease="learner"/m);
  });
});
