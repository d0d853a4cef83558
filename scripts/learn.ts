/**
 * One learner cycle against the app database at DATABASE_URL (embedded file or Turso): what the Node server's
 * learner thread does every LEARNER_INTERVAL_SECONDS, as a one-shot command for a Kubernetes CronJob.
 *
 *   npm run learn -- [--full | --incremental] [--promote] [--models popularity,covisitation,...]
 *                    [--backlog-threshold 50000] [--full-every-hours 6] [--eval-window 2000]
 *                    [--ranker-min-impressions 1000] [--no-reembed]
 *
 * Default: full when due (schedule, backlog, a model never trained by the learner), else incremental when new
 * events arrived, else nothing. Versions are registered in the libSQL registry with their metrics; they serve
 * once the selection module promotes them (`--promote` moves the live pointers at once). Progress goes to
 * stderr, the report (JSON) to stdout. New and changed items are embedded (content vectors) unless --no-reembed. Applies pending migrations first.
 * One learner at a time per deployment: the run holds the database's `learner` lease (shared with serving
 * processes' learner threads, src/ops/leader.ts); when another process holds it, the run does nothing and
 * says so (exit 0: the other learner is training). Re-embedding holds the `reembed` lease likewise.
 * Exit codes: 0 done (or nothing to do, or another learner holds the lease), 1 a model failed (the others are
 * registered) or the run failed, 78 bad config, 143/130 stopped by SIGTERM/SIGINT (recorded as killed).
 */
import { parseArgs } from "node:util";
import { timeOrderedId } from "../src/context";
import { LEARNED_MODELS, runLearnerCycle, type LearnedModel } from "../src/recsys/learner/cycle";
import { LibsqlArtifactRegistry } from "../src/adapters/model-registry/libsql";
import { createDbEventLog } from "../src/adapters/event-log/libsql";
import { runCli, withMigratedDatabase } from "./lib/database-cli";
import { markAbandonedRuns, recordLearnerRun } from "../src/ops/abandoned-runs.node.js";
import { selectNodeEmbedder } from "../src/adapters/embedder/select.node.js";
import { contentIndex } from "../src/recsys/embeddings/content-index";
import { reembedNewItems } from "../src/recsys/embeddings/reembed";
import { LEASES } from "../src/ports/lease";
import { LEASE_TTL_MS, type LeaderRun } from "../src/ops/leader";
import { nodeLease } from "../src/ops/leases.node.js";

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${v}"`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      full: { type: "boolean", default: false },
      incremental: { type: "boolean", default: false },
      promote: { type: "boolean", default: false },
      models: { type: "string" },
      "backlog-threshold": { type: "string" },
      "full-every-hours": { type: "string" },
      "eval-window": { type: "string" },
      "ranker-min-impressions": { type: "string" },
      "no-reembed": { type: "boolean", default: false },
    },
  });
  if (values.full && values.incremental) throw new Error("--full and --incremental exclude each other");
  const models = values.models?.split(",").map((m) => m.trim());
  const unknown = models?.filter((m) => !(LEARNED_MODELS as readonly string[]).includes(m)) ?? [];
  if (unknown.length > 0)
    throw new Error(`unknown model(s) ${unknown.join(", ")}; known: ${LEARNED_MODELS.join(", ")}`);
  const fullEvery = positive("full-every-hours", values["full-every-hours"]);
  const t0 = performance.now();
  const stamp = (): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`.padStart(7);
  return withMigratedDatabase(async ({ client, db, config }) => {
    const now = Date.now;
    const log = (msg: string, fields?: Record<string, unknown>): void =>
      console.error(`${stamp()} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ""}`);
    const lease = nodeLease(client, LEASES.learner, LEASE_TTL_MS.learnerJob, log);
    // Taken by the re-embedding step while it runs (a signal handler hands it back too).
    let reembedLease: ReturnType<typeof nodeLease> | null = null;
    let held: LeaderRun<number>;
    try {
      held = await lease.run(async () => {
        // A learner run killed earlier (CronJob pod evicted, SIGKILL, deadline) is marked failed: holding the
        // lease, any other run still `running` lost it with its process. This one is recorded.
        const abandoned = await markAbandonedRuns(client, Date.now(), undefined, { learnerLeaseHeld: true });
        if (abandoned.learner.length > 0)
          log(`earlier learner run(s) whose process died marked failed: ${abandoned.learner.join(", ")}`);
        const finish = await recordLearnerRun(client);
        // SIGTERM (the Job's activeDeadlineSeconds, a node drain) or Ctrl-C: recorded as killed, lease handed
        // back, exit 128 + the signal's number (143, 130).
        const onSignal = (signal: NodeJS.Signals): void => {
          log(`${signal}: recording this run as killed`);
          void finish("error", { status: "failed", reason: `stopped by ${signal} (deadline, eviction or by hand)` })
            .catch(() => undefined)
            .then(() => Promise.all([lease.release(), reembedLease?.release()]))
            .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
        };
        process.once("SIGTERM", onSignal);
        process.once("SIGINT", onSignal);
        try {
          return await learn(finish);
        } finally {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
        }
      });
    } finally {
      await lease.release();
    }
    if (!held.ran) {
      log(`another learner holds the learner lease (${held.heldBy ?? "unknown"}): nothing to do`);
      console.log(JSON.stringify({ skipped: "learner lease held by another process", heldBy: held.heldBy }));
      return 0;
    }
    return held.value;

    async function learn(finish: Awaited<ReturnType<typeof recordLearnerRun>>): Promise<number> {
      let report: Awaited<ReturnType<typeof runLearnerCycle>>;
      try {
        report = await runLearnerCycle(
          {
            db,
            events: createDbEventLog(db, now, timeOrderedId),
            registry: new LibsqlArtifactRegistry(client, { now }),
            now,
            log,
            // New and changed items' content vectors, stored in the database (serving processes copy them in;
            // with Qdrant, written to its shared content collection too). Here rather than in every serving
            // process: where the learner is this job (Kubernetes), pods run LEARNER_THREAD=off and hold no encoder.
            reembedNewItems: values["no-reembed"]
              ? undefined
              : async () => {
                  // Under the `reembed` lease: a pod's re-embedding thread or the scheduler Worker may be at it.
                  const leased = nodeLease(client, LEASES.reembed, LEASE_TTL_MS.reembed, log);
                  reembedLease = leased;
                  try {
                    const r = await leased.run(async () => {
                      const { embedder } = selectNodeEmbedder(config);
                      const { index, shared } = contentIndex(config);
                      return reembedNewItems(
                        { client, embedder, index: shared ? index : undefined, now, log },
                        { maxItems: 5000, batchSize: 16 },
                      );
                    });
                    if (!r.ran) log(`re-embedding left to the holder of the reembed lease (${r.heldBy ?? "unknown"})`);
                    return { items: r.ran ? r.value.embedded : 0 };
                  } finally {
                    await leased.release();
                    reembedLease = null;
                  }
                },
          },
          {
            mode: values.full ? "full" : values.incremental ? "incremental" : "auto",
            promote: values.promote,
            models: models as LearnedModel[] | undefined,
            backlogThreshold: positive("backlog-threshold", values["backlog-threshold"]),
            fullEveryMs: fullEvery === undefined ? undefined : fullEvery * 3_600_000,
            evalWindow: positive("eval-window", values["eval-window"]),
            rankerMinImpressions: positive("ranker-min-impressions", values["ranker-min-impressions"]),
            onProgress: (m) => console.error(`${stamp()} ${m}`),
          },
        );
      } catch (err) {
        await finish("error", { error: err instanceof Error ? err.message : String(err) });
        throw err;
      }
      await finish(report.failed ? "error" : "ok", { mode: report.mode, failed: report.failed });
      console.log(JSON.stringify(report, null, 2));
      return report.failed ? 1 : 0;
    }
  });
}

runCli(main);
