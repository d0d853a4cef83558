/**
 * Training: npm run train -- --dataset <path> [--protocol loo-full|sasrec|official|session] [--models a,b]
 *   [--out-dir .artifacts/models] [--registry file.json (default: the model_registry table at DATABASE_URL)] [--seed N] [--users N]
 *   [--preset name] [--param model.key=value ...] [--item-text meta.csv] [--embedder use|hashing|huggingface]
 * Fits each model on the protocol's training split (validation held out for weight learning and for the
 * recorded metrics), writes a versioned artifact directory per model and registers it.
 */
import { join, resolve } from "node:path";
import { saveArtifact } from "../artifacts/artifact-store.js";
import { evaluateModel, fitOnTask } from "../eval/evaluate.js";
import { createModel, getModelEntry } from "../models/index.js";
import { JsonFileRegistry } from "../registry/json-file-registry.js";
import { makeVersion, type DataWindow, type ModelRecord, type ModelRegistry } from "../registry/registry.js";
import { LibsqlModelRegistry } from "../registry/libsql-registry.js";
import { loadConfig } from "../../src/config";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import { intArg, modelParams, parseArgs } from "./args.js";
import { getPreset } from "./presets.js";
import { buildTask, embedderFactory, TASK_OPTIONS } from "./task.js";

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), [
    ...TASK_OPTIONS,
    "models",
    "out-dir",
    "registry",
    "param",
    "preset",
    "k",
  ]);
  const log = (m: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${m}`);
  const seed = intArg(args, "seed", 42);
  const outDir = resolve(args.get("out-dir") ?? ".artifacts/models");
  // The model_registry table of the app's database by default (DATABASE_URL, the embedded file when unset);
  // `--registry path.json` keeps a JSON-file registry instead (e.g. for experiments outside the app).
  const registryPath = args.get("registry");
  const registry: ModelRegistry = registryPath
    ? new JsonFileRegistry(resolve(registryPath))
    : await openDatabaseRegistry(log);
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
    const artifact = model.save();
    const createdAt = new Date();
    const version = makeVersion(createdAt, JSON.stringify({ params: artifact.params, window, seed }));
    const dir = join(outDir, name, version);
    const manifest = saveArtifact(dir, { ...artifact, version }, version, createdAt);
    const metrics: Record<string, number> = {
      fit_seconds: fit.fitSeconds,
      peak_rss_mb: fit.peakRssMb,
      latency_p99_ms: report.latencyMs.p99,
    };
    for (const [k, v] of Object.entries(report.metrics)) metrics[`valid_${k}`] = v.value;
    const record: ModelRecord = {
      model: name,
      version,
      params: { ...artifact.params, seed, protocol: task.protocol },
      data_window: window,
      metrics,
      artifact_location: dir,
      created_at: manifest.createdAt,
    };
    await registry.register(record);
    log(`registered ${name}@${version} -> ${dir} (valid NDCG@10 ${metrics["valid_NDCG@10"]?.toFixed(4)})`);
  }
}

async function openDatabaseRegistry(log: (m: string) => void): Promise<ModelRegistry> {
  const config = loadConfig(process.env);
  const client = await createNodeLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await runMigrations(createDatabase(client));
  log(`registry: model_registry table in ${config.DATABASE_URL}`);
  return new LibsqlModelRegistry(client);
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
