import { eq } from "drizzle-orm";
import type { Config } from "../src/config";
import type { Clock } from "../src/context";
import type { Database } from "../src/db/database";
import type { Logger } from "../src/ports/logger";
import { schedulerRuns } from "../src/db/schema/ops";
import { LibsqlArtifactRegistry } from "../src/adapters/model-registry/libsql";
import { REGISTRY_MODELS, SERVING_MODELS } from "../src/recsys/models/serving-model-names";
import { runSelectionCycle } from "../src/recsys/selection/cycle";
import { SelectionStore } from "../src/recsys/selection/store";
import { timeOrderedId } from "../src/context";
import { createDbEventLog } from "../src/adapters/event-log/libsql";
import { rotateModels } from "../src/recsys/models/rotation";
import { POSITIVE_TYPES } from "../src/recsys/models/train-data";
import { TO_TABLE } from "../src/adapters/event-log/libsql";
import { refreshSearchHeads } from "../src/services/catalog/search-heads";
import { reEmbedJob } from "./jobs/re-embed";
import { buildWorkerDeps, misconfiguredResponse, type WorkerDeps, type WorkerEnv } from "./runtime";
import { LEASES } from "../src/ports/lease";
import { LEASE_TTL_MS } from "../src/ops/leader";
import { underLease } from "./jobs/under-lease";

/** What a job gets: ports plus the trigger that started the run. */
export interface JobContext {
  db: Database;
  config: Config;
  clock: Clock;
  logger: Logger;
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
  {
    // Uploads of model artifacts whose publisher died (storage rows still `writing` after 10 min): chunks freed.
    name: "model-artifacts-sweep",
    run: async ({ db, clock }) => {
      const swept = await new LibsqlArtifactRegistry(db.$client, { now: clock }).sweepAbandoned();
      return { swept };
    },
  },
  {
    // Live model versions: verify, roll back a missing/corrupt one (promotion is model-selection's job).
    // Artifacts are checked one at a time (each is read in full: SHA-256 of every chunk).
    name: "model-rotation",
    run: async ({ db, clock }) => {
      const decisions = await rotateModels(new LibsqlArtifactRegistry(db.$client, { now: clock }));
      const broken = decisions.filter((d) => d.action === "broken");
      if (broken.length > 0)
        throw new Error(`no usable version of ${broken.map((d) => d.model).join(", ")}: ${JSON.stringify(decisions)}`);
      return { decisions };
    },
  },
  {
    // Online model selection (src/recsys/selection): credit impressions and clicks to experiment arms, promote,
    // reject or roll back from the numbers, start an experiment for a new version that passes the offline gate.
    // Under the `model-selection` lease: a Node pod that holds it selects instead, never both at once.
    name: "model-selection",
    run: async (ctx) =>
      underLease(ctx, LEASES.selection, LEASE_TTL_MS.selection, async () => {
        const { db, clock } = ctx;
        const r = await runSelectionCycle({
          store: new SelectionStore(db),
          registry: new LibsqlArtifactRegistry(db.$client, { now: clock }),
          events: createDbEventLog(db, clock, timeOrderedId),
          now: clock,
          newId: timeOrderedId,
          models: REGISTRY_MODELS,
        });
        return { folded: r.folded, decisions: r.decisions };
      }),
  },
  {
    // Bytes of old model versions: all but the live one, the 3 newest and the 2 before the live one.
    name: "model-artifacts-prune",
    run: async ({ db, clock }) => {
      const pruned = await new LibsqlArtifactRegistry(db.$client, { now: clock }).pruneVersions();
      return { pruned };
    },
  },
  {
    // How far the stored models lag the event log. The api isolates fold these events into their in-memory
    // models every minute (Recsys.refresh), but that state is per isolate: only retraining and
    // `npm run publish-models` persist it. This makes the lag visible in scheduler_runs.
    name: "model-event-backlog",
    run: async ({ db }) => {
      const { rows } = await db.$client.execute({
        sql: `SELECT min(r.created_at) AS oldest FROM model_live l JOIN model_registry r ON r.model = l.model AND r.version = l.version
              WHERE l.model IN (${Object.keys(SERVING_MODELS)
                .map(() => "?")
                .join(", ")})`,
        args: Object.keys(SERVING_MODELS),
      });
      const oldest = rows[0]?.oldest == null ? null : Date.parse(String(rows[0].oldest));
      if (oldest === null) return { liveSince: null, newerEvents: null };
      // The events the trainer learns from (POSITIVE_TYPES), named as the events table stores them.
      const tableTypes = [...new Set([...POSITIVE_TYPES].map((t) => TO_TABLE[t]))];
      const counted = await db.$client.execute({
        sql: `SELECT count(*) AS n FROM events WHERE ts > ? AND type IN (${tableTypes.map(() => "?").join(", ")})`,
        args: [oldest, ...tableTypes],
      });
      return { liveSince: new Date(oldest).toISOString(), newerEvents: Number(counted.rows[0]?.n ?? 0) };
    },
  },
  reEmbedJob(), // last: an embedding backend that is down must not keep the model jobs from running
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
  await deps.db
    .insert(schedulerRuns)
    .values({ id, cron: trigger.cron, scheduledAt: trigger.scheduledAt, startedAt, status: "running" });

  const reports: JobReport[] = [];
  let failed = false;
  for (const job of jobs) {
    if (failed) {
      reports.push({ name: job.name, status: "skipped", ms: 0 });
      continue;
    }
    const t0 = performance.now();
    try {
      const logger = deps.logger.child({ job: job.name });
      const result = await job.run({ db: deps.db, config: deps.config, clock: deps.clock, logger, ...trigger });
      reports.push({ name: job.name, status: "ok", ms: Math.round(performance.now() - t0), result });
    } catch (err) {
      failed = true;
      reports.push({
        name: job.name,
        status: "error",
        ms: Math.round(performance.now() - t0),
        error: describeError(err),
      });
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
    built.deps.logger[report.status === "ok" ? "info" : "error"]("scheduler run", { ...report });
    if (report.status === "error")
      throw new Error(`scheduler run ${report.id} failed: ${report.jobs.find((j) => j.status === "error")?.name}`);
  },

  // Answers 404 to everything so it can never be mistaken for the API (a wrong route would look alive).
  fetch(request, env) {
    const built = buildWorkerDeps(env);
    if (!built.ok) return misconfiguredResponse(request, built.error);
    const requestId = crypto.randomUUID();
    return Response.json(
      {
        error: {
          code: "not_found",
          message: "this is the recircuit scheduler Worker; it serves no HTTP API",
          requestId,
        },
      },
      { status: 404, headers: { "x-request-id": requestId } },
    );
  },
} satisfies ExportedHandler<WorkerEnv>;
