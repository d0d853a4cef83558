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
 * Exit codes: 0 done (or nothing to do), 1 a model failed (the others are registered), 78 bad config.
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
    // A learner run killed earlier (CronJob pod evicted, SIGKILL) is marked failed; this one is recorded.
    const abandoned = await markAbandonedRuns(client);
    if (abandoned.learner.length > 0)
      log(`earlier learner run(s) whose process died marked failed: ${abandoned.learner.join(", ")}`);
    const finish = await recordLearnerRun(client);
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
                const { embedder } = selectNodeEmbedder(config);
                const { index, shared } = contentIndex(config);
                const r = await reembedNewItems(
                  { client, embedder, index: shared ? index : undefined, now, log },
                  { maxItems: 5000, batchSize: 16 },
                );
                return { items: r.embedded };
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
  });
}

runCli(main);
