/**
 * Training: npm run train -- --dataset <path> [--protocol loo-full|sasrec|official|session] [--models a,b]
 *   [--live] [--seed N] [--users N] [--preset name] [--param model.key=value ...] [--item-text meta.csv]
 *   [--embedder use|hashing|huggingface]
 * Fits each model on the protocol's training split (validation held out for weight learning and for the
 * recorded metrics) and registers it, artifact bytes included, in the model registry of the app's database
 * (DATABASE_URL; the embedded file when unset): the registry the Node server and the Workers load from.
 * `--live` points each model's live pointer at the new version at once; without it serving keeps its
 * pointer (a model without one serves its newest version) until rotation or the admin models API moves it.
 * A composition root: the one place ml/ code meets the app's database adapter.
 */
import { evaluateModel, fitOnTask } from "../eval/evaluate.js";
import { createModel, getModelEntry } from "../models/index.js";
import { LibsqlArtifactRegistry } from "../../src/adapters/model-registry/libsql";
import { loadConfig } from "../../src/config";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import type { DataWindow, ModelRegistry } from "../../src/ports/model-registry";
import { intArg, modelParams, parseArgs } from "./args.js";
import { getPreset } from "./presets.js";
import { buildTask, embedderFactory, TASK_OPTIONS } from "./task.js";

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), [...TASK_OPTIONS, "models", "param", "preset", "k"], ["live"]);
  const log = (m: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${m}`);
  const seed = intArg(args, "seed", 42);
  const live = args.has("live");
  const { registry, close } = await openDatabaseRegistry(log);
  const modelNames = (
    args.get("models") ??
    getPreset(args.get("preset"))?.models ??
    "popularity,covisitation,session-knn,pure-svd"
  ).split(",");
  const ks = (args.get("k") ?? "10,20").split(",").map(Number);
  const { task } = await buildTask(args, log, "loo-full");
  const window = dataWindow(args.get("dataset") ?? "", task.train.sequences);
  const params = modelParams(args);
  for (const name of modelNames) {
    if (getModelEntry(name).needsItemText && task.train.itemText === undefined) {
      log(`skipping ${name}: no item text (pass --item-text)`);
      continue;
    }
    const model = createModel(name, { params, embedder: embedderFactory(args) });
    const fit = await fitOnTask(model, task, seed, log);
    const report = await evaluateModel(
      model,
      task,
      { ks, seed, split: "validation", onProgress: log, bootstrapResamples: 200 },
      fit,
    );
    const metrics: Record<string, number> = {
      fit_seconds: fit.fitSeconds,
      peak_rss_mb: fit.peakRssMb,
      latency_p99_ms: report.latencyMs.p99,
    };
    for (const [k, v] of Object.entries(report.metrics)) metrics[`valid_${k}`] = v.value;
    const artifact = model.save();
    const version = await registry.register(name, { ...artifact, version: undefined }, metrics, {
      live,
      reason: "npm run train --live",
      params: { ...artifact.params, seed, protocol: task.protocol },
      dataWindow: window,
    });
    log(
      `registered ${name}@${version}${live ? " (live)" : ""} (valid NDCG@10 ${metrics["valid_NDCG@10"]?.toFixed(4)})`,
    );
  }
  close();
}

async function openDatabaseRegistry(log: (m: string) => void): Promise<{ registry: ModelRegistry; close: () => void }> {
  const config = loadConfig(process.env);
  const client = await createNodeLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await runMigrations(createDatabase(client));
  log(`registry: ${config.DATABASE_URL.replace(/\?.*$/, "")}`);
  return { registry: new LibsqlArtifactRegistry(client), close: () => client.close() };
}

function dataWindow(source: string, sequences: { items: Int32Array; timestamps: Float64Array }[]): DataWindow {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  let interactions = 0;
  for (const s of sequences) {
    interactions += s.items.length;
    for (const t of s.timestamps) {
      if (t > 0 && t < lo) lo = t;
      if (t > hi) hi = t;
    }
  }
  const iso = (t: number): string | null => (t > 0 && Number.isFinite(t) ? new Date(t).toISOString() : null);
  return { source, from: iso(lo), to: iso(hi), interactions };
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
