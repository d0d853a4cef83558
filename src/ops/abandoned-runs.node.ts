/**
 * Runs left `running` by a process that died (SIGKILL, OOM, a node drained away): the next start of the
 * server, `npm run ingest` or `npm run learn` marks them failed with a reason, so `ingest_runs` and
 * `scheduler_runs` never show a run as in progress forever.
 *
 * Each run records its owner (pid and host) when it starts. A run is abandoned when its owner was on this
 * host and that pid is gone, or, for another host (a Kubernetes pod that is no more) or an owner not
 * recorded, when it started more than STALE_AFTER_MS ago: longer than any ingest or learner run takes.
 * Raw SQL on the client: the same statements on a file database and Turso.
 */
import { hostname } from "node:os";
import type { Client } from "@libsql/client";
import { LEARNER_RUN_KINDS } from "./learner-runs";

export interface RunOwner {
  pid: number;
  host: string;
}

/** Runs from another host, or without an owner, count as abandoned after this long. */
export const STALE_AFTER_MS = 24 * 3_600_000;

/** The `cron` value of learner runs in scheduler_runs (the scheduler Worker's own runs use cron expressions). */
export const LEARNER_RUN = LEARNER_RUN_KINDS.job;

export const thisProcess = (): RunOwner => ({ pid: process.pid, host: hostname() });

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ownerOf(json: unknown): RunOwner | null {
  if (typeof json !== "string") return null;
  try {
    const v = JSON.parse(json) as { owner?: Partial<RunOwner> };
    return typeof v.owner?.pid === "number" && typeof v.owner.host === "string"
      ? { pid: v.owner.pid, host: v.owner.host }
      : null;
  } catch {
    return null;
  }
}

/** Why a run is abandoned, or null while it may still be running. */
function abandonedBecause(owner: RunOwner | null, startedAt: number, now: number, me: RunOwner): string | null {
  if (owner && owner.host === me.host) {
    if (owner.pid === me.pid || pidAlive(owner.pid)) return null;
    return `process ${owner.pid} on ${owner.host} ended without finishing the run (killed or crashed)`;
  }
  if (now - startedAt < STALE_AFTER_MS) return null;
  const who = owner ? `process ${owner.pid} on ${owner.host}` : "its process";
  return `${who} has not finished the run in ${Math.round((now - startedAt) / 3_600_000)} h: presumed dead`;
}

export interface AbandonedRuns {
  ingest: string[];
  learner: string[];
}

/**
 * Marks abandoned ingest and learner runs failed (with `status: "failed"` and the reason); returns their ids.
 * `learnerLeaseHeld`: the caller holds the `learner` lease (`npm run learn` once it has it). Every learner
 * run holds that lease while it runs, so any other one still `running` lost it: its process is gone, whatever
 * host it was on (a CronJob's pod), and it is marked at once rather than after STALE_AFTER_MS.
 */
export async function markAbandonedRuns(
  client: Client,
  now = Date.now(),
  me = thisProcess(),
  { learnerLeaseHeld = false }: { learnerLeaseHeld?: boolean } = {},
): Promise<AbandonedRuns> {
  const out: AbandonedRuns = { ingest: [], learner: [] };
  const ingest = await client.execute("SELECT id, started_at, report FROM ingest_runs WHERE finished_at IS NULL");
  for (const row of ingest.rows) {
    const owner = ownerOf(row.report);
    const reason = abandonedBecause(owner, Number(row.started_at), now, me);
    if (!reason) continue;
    await client.execute({
      sql: "UPDATE ingest_runs SET finished_at = ?, report = ? WHERE id = ? AND finished_at IS NULL",
      args: [now, JSON.stringify({ status: "failed", reason, owner }), String(row.id)],
    });
    out.ingest.push(String(row.id));
  }
  const learner = await client.execute({
    sql: "SELECT id, started_at, detail FROM scheduler_runs WHERE status = 'running' AND cron = ?",
    args: [LEARNER_RUN],
  });
  for (const row of learner.rows) {
    const owner = ownerOf(row.detail);
    const reason = learnerLeaseHeld
      ? `${owner ? `process ${owner.pid} on ${owner.host}` : "its process"} no longer holds the learner lease: killed or crashed`
      : abandonedBecause(owner, Number(row.started_at), now, me);
    if (!reason) continue;
    await client.execute({
      sql: "UPDATE scheduler_runs SET status = 'error', finished_at = ?, detail = ? WHERE id = ? AND status = 'running'",
      args: [now, JSON.stringify({ status: "failed", reason, owner }), String(row.id)],
    });
    out.learner.push(String(row.id));
  }
  return out;
}

/** Records a learner CLI run as `running` (owner included); the returned function records how it ended. */
export async function recordLearnerRun(
  client: Client,
  now = Date.now(),
): Promise<(status: "ok" | "error", detail: Record<string, unknown>) => Promise<void>> {
  const id = `learn-${now}-${process.pid}`;
  await client.execute({
    sql: "INSERT INTO scheduler_runs (id, cron, scheduled_at, started_at, status, detail) VALUES (?, ?, ?, ?, 'running', ?)",
    args: [id, LEARNER_RUN, now, now, JSON.stringify({ owner: thisProcess() })],
  });
  return async (status, detail) => {
    await client.execute({
      sql: "UPDATE scheduler_runs SET status = ?, finished_at = ?, detail = ? WHERE id = ?",
      args: [status, Date.now(), JSON.stringify({ ...detail, owner: thisProcess() }), id],
    });
  };
}
