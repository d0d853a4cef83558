import type { Client } from "@libsql/client";

/**
 * The record of learner runs in the database (`scheduler_runs`), whoever ran them: `npm run learn` (the
 * Kubernetes CronJob, or by hand) writes a `running` row at start and its outcome at the end; the learner
 * thread of a serving process (LEARNER_THREAD=on) writes each cycle that trained or failed when it ends. A
 * run whose process died is marked failed with a reason at the next start (src/ops/abandoned-runs.node.ts):
 * those count as `killed`. Every serving pod exports these figures on /metrics (learnerRunStats), so learner
 * runs are visible wherever the learner ran; they are the same figures in every pod (docs/observability.md:
 * aggregate with `max`, never `sum`). Raw SQL on the client: file database, Turso, workerd alike.
 */
export const LEARNER_RUN_KINDS = {
  /** `npm run learn`: its scheduler_runs.cron value (the scheduler Worker's own runs use cron expressions). */
  job: "npm run learn",
  /** A cycle of a serving process's learner thread. */
  thread: "learner thread",
} as const;
export type LearnerRunner = keyof typeof LEARNER_RUN_KINDS;
export type LearnerRunStatus = "ok" | "failed" | "killed";
export const LEARNER_RUN_STATUSES: readonly LearnerRunStatus[] = ["ok", "failed", "killed"];
export const LEARNER_RUNNERS = Object.keys(LEARNER_RUN_KINDS) as LearnerRunner[];

/** Duration buckets (seconds): an idle run well under a second, incremental seconds, full minutes. */
export const LEARNER_RUN_BUCKETS = [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] as const;

export interface LearnerRunGroup {
  runner: LearnerRunner;
  status: LearnerRunStatus;
  count: number;
  sumSeconds: number;
  /** Cumulative counts per LEARNER_RUN_BUCKETS bound (runs at most that long). */
  buckets: number[];
  /** End of the newest run of the group (Unix ms), null without one. */
  lastFinishedAt: number | null;
}

export interface LearnerRunStats {
  /** One entry per runner and status, zeros included (a series exists before the first failure). */
  groups: LearnerRunGroup[];
  /** Runs recorded as in progress (a killed run stays so until the next start marks it). */
  running: number;
  /** Start of the oldest run in progress (Unix ms), null when none. */
  runningSince: number | null;
}

// Killed: marked failed by the next start (its process died) or by its own SIGTERM handler: both write
// `detail.status = "failed"` with a reason; a run that ended on its own with an error writes no status.
const OUTCOME = `CASE WHEN status = 'ok' THEN 'ok'
  WHEN json_valid(detail) AND json_extract(detail, '$.status') = 'failed' THEN 'killed' ELSE 'failed' END`;

/** The learner runs recorded in the database, grouped by runner and status, with duration buckets. */
export async function learnerRunStats(client: Client): Promise<LearnerRunStats> {
  const crons = LEARNER_RUNNERS.map((r) => LEARNER_RUN_KINDS[r]);
  const bucketSums = LEARNER_RUN_BUCKETS.map((_, i) => `sum(finished_at - started_at <= ?) AS b${i}`).join(", ");
  const [finished, running] = await Promise.all([
    client.execute({
      sql: `SELECT cron, ${OUTCOME} AS outcome, count(*) AS n, sum(finished_at - started_at) AS ms,
              max(finished_at) AS last, ${bucketSums}
            FROM scheduler_runs WHERE cron IN (?, ?) AND status != 'running' AND finished_at IS NOT NULL
            GROUP BY cron, outcome`,
      args: [...LEARNER_RUN_BUCKETS.map((b) => b * 1000), ...crons],
    }),
    client.execute({
      sql: "SELECT count(*) AS n, min(started_at) AS since FROM scheduler_runs WHERE cron IN (?, ?) AND status = 'running'",
      args: crons,
    }),
  ]);
  const groups: LearnerRunGroup[] = LEARNER_RUNNERS.flatMap((runner) =>
    LEARNER_RUN_STATUSES.map((status) => {
      const row = finished.rows.find((r) => r.cron === LEARNER_RUN_KINDS[runner] && r.outcome === status);
      return {
        runner,
        status,
        count: Number(row?.n ?? 0),
        sumSeconds: Number(row?.ms ?? 0) / 1000,
        buckets: LEARNER_RUN_BUCKETS.map((_, i) => Number(row?.[`b${i}`] ?? 0)),
        lastFinishedAt: row?.last == null ? null : Number(row.last),
      };
    }),
  );
  const r = running.rows[0];
  return { groups, running: Number(r?.n ?? 0), runningSince: r?.since == null ? null : Number(r.since) };
}

/**
 * `learnerRunStats` for scrapes: at most one query per `maxAgeMs` (several Prometheus replicas and every
 * pod's scrape share it); concurrent calls share one query, a failed one is not cached.
 */
export function cachedLearnerRunStats(
  client: Client,
  options: { maxAgeMs?: number; now?: () => number } = {},
): () => Promise<LearnerRunStats> {
  return cachedRead(() => learnerRunStats(client), options);
}

/** `read` at most once per `maxAgeMs`; concurrent calls share one read, a failed one is not cached. */
export function cachedRead<T>(
  read: () => Promise<T>,
  { maxAgeMs = 10_000, now = Date.now }: { maxAgeMs?: number; now?: () => number } = {},
): () => Promise<T> {
  let last: { at: number; value: T } | null = null;
  let pending: Promise<T> | null = null;
  return () => {
    if (last && now() - last.at < maxAgeMs) return Promise.resolve(last.value);
    pending ??= read()
      .then((value) => {
        last = { at: now(), value };
        return value;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
}

/**
 * Records a finished cycle of a learner thread (it writes no `running` row: a thread dies with its process,
 * whose runs the pod's restart does not need to mark). `killed`: the thread died during the cycle.
 */
export async function recordLearnerThreadRun(
  client: Client,
  run: { id: string; startedAt: number; finishedAt: number; status: LearnerRunStatus; detail: Record<string, unknown> },
): Promise<void> {
  const detail = run.status === "killed" ? { ...run.detail, status: "failed" } : run.detail;
  await client.execute({
    sql: "INSERT INTO scheduler_runs (id, cron, scheduled_at, started_at, finished_at, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
    args: [
      run.id,
      LEARNER_RUN_KINDS.thread,
      run.startedAt,
      run.startedAt,
      run.finishedAt,
      run.status === "ok" ? "ok" : "error",
      JSON.stringify(detail),
    ],
  });
}
