import { eq } from "drizzle-orm";
import type { Config } from "../src/config";
import type { Clock } from "../src/context";
import type { Database } from "../src/db/database";
import { schedulerRuns } from "../src/db/schema/ops";
import { refreshSearchHeads } from "../src/services/catalog/search-heads";
import { buildWorkerDeps, misconfiguredResponse, type WorkerDeps, type WorkerEnv } from "./runtime";

/** What a job gets: ports plus the trigger that started the run. */
export interface JobContext {
  db: Database;
  config: Config;
  clock: Clock;
  cron: string;
  scheduledAt: number;
}

/** One named step of a scheduler run. Its return value lands in the run's `detail` under its name. */
export interface Job {
  name: string;
  run: (ctx: JobContext) => Promise<Record<string, unknown>>;
}

export interface JobReport {
  name: string;
  status: "ok" | "error" | "skipped";
  ms: number;
  result?: Record<string, unknown>;
  error?: string;
}

export interface RunReport {
  id: string;
  status: "ok" | "error";
  jobs: JobReport[];
}

/**
 * Jobs run in this order, each after the previous one succeeded: later ones (rotate a model version)
 * depend on earlier ones (re-embed changed items), so a failure skips the rest of the run.
 */
export const defaultJobs: Job[] = [
  {
    // A real round trip and a count, so an unreachable database or a missing migration fails the run.
    name: "database-check",
    run: async ({ db }) => {
      const { rows } = await db.$client.execute("SELECT count(*) AS products FROM products");
      return { products: Number(rows[0]?.products ?? 0) };
    },
  },
  {
    // Exact top results of frequent one-word searches, rebuilt when the catalog revision moved (else a no-op).
    name: "search-head-lists",
    run: async ({ db }) => {
      const r = await refreshSearchHeads(db, { pause: async () => {} });
      return { status: r.status, revision: r.revision, lists: r.expressions, capped: r.capped, ms: r.ms };
    },
  },
];

/**
 * Runs `jobs` in order and records the run in `scheduler_runs`: a `running` row first (so a run that dies
 * mid-way is still visible), then `ok`/`error` with per-job status and timing in `detail`.
 */
export async function runJobs(
  deps: WorkerDeps,
  trigger: { cron: string; scheduledAt: number },
  jobs: Job[] = defaultJobs,
): Promise<RunReport> {
  const id = deps.newId();
  const startedAt = deps.clock();
  await deps.db.insert(schedulerRuns).values({ id, cron: trigger.cron, scheduledAt: trigger.scheduledAt, startedAt, status: "running" });

  const reports: JobReport[] = [];
  let failed = false;
  for (const job of jobs) {
    if (failed) {
      reports.push({ name: job.name, status: "skipped", ms: 0 });
      continue;
    }
    const t0 = performance.now();
    try {
      const result = await job.run({ db: deps.db, config: deps.config, clock: deps.clock, ...trigger });
      reports.push({ name: job.name, status: "ok", ms: Math.round(performance.now() - t0), result });
    } catch (err) {
      failed = true;
      reports.push({ name: job.name, status: "error", ms: Math.round(performance.now() - t0), error: describeError(err) });
    }
  }

  const status = failed ? "error" : "ok";
  await deps.db
    .update(schedulerRuns)
    .set({ finishedAt: deps.clock(), status, detail: { jobs: reports } })
    .where(eq(schedulerRuns.id, id));
  return { id, status, jobs: reports };
}

/** The message and its cause's: drizzle wraps driver errors as "Failed query: …", the cause says why. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message} (cause: ${err.cause.message})` : err.message;
}

/** The `scheduler` Worker: cron-triggered jobs; it serves no HTTP API. */
export default {
  async scheduled(controller, env) {
    const built = buildWorkerDeps(env);
    // Without valid bindings nothing can be recorded: fail the invocation so the Cron Trigger shows it.
    if (!built.ok) throw built.error;
    const report = await runJobs(built.deps, { cron: controller.cron, scheduledAt: controller.scheduledTime });
    console.log(JSON.stringify({ level: report.status === "ok" ? "info" : "error", msg: "scheduler run", ...report }));
    if (report.status === "error") throw new Error(`scheduler run ${report.id} failed: ${report.jobs.find((j) => j.status === "error")?.name}`);
  },

  // Answers 404 to everything so it can never be mistaken for the API (a wrong route would look alive).
  fetch(request, env) {
    const built = buildWorkerDeps(env);
    if (!built.ok) return misconfiguredResponse(request, built.error);
    const requestId = crypto.randomUUID();
    return Response.json(
      { error: { code: "not_found", message: "this is the recircuit scheduler Worker; it serves no HTTP API", requestId } },
      { status: 404, headers: { "x-request-id": requestId } },
    );
  },
} satisfies ExportedHandler<WorkerEnv>;
