/**
 * Offline evaluation: npm run eval -- --dataset <path> --protocol sasrec|loo-full|official|session
 *   [--models a,b] [--k 10,20] [--out report.json] [--seed N] [--users N] [--gap-minutes N]
 *   [--split test|validation] [--refit] [--preset name (ml/cli/presets.ts)] [--param model.key=value ...] [--item-text meta.csv] [--embedder use|hashing|huggingface]
 * Prints a table and writes the full JSON report. Same command, same seed: same numbers.
 * The baselines (random, plain popularity, decayed popularity with the half-life chosen on validation) are
 * always evaluated beside the requested models, and every report is broken down by segment (user history
 * length; cold / warm target item).
 */

/** Evaluated in every report, before the requested models (issue 19: honest baselines). */
export const BASELINES = ["random", "popularity-plain", "popularity-decayed"];
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { evaluateModel, type ModelReport, withoutRanks } from "../eval/evaluate.js";
import { HybridRecommender } from "../models/hybrid.js";
import { createModel, getModelEntry } from "../models/index.js";
import { intArg, modelParams, parseArgs } from "./args.js";
import { getPreset } from "./presets.js";
import { formatSegmentTables, formatTable } from "./report.js";
import { buildTask, embedderFactory, TASK_OPTIONS } from "./task.js";

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    [...TASK_OPTIONS, "models", "k", "out", "param", "preset", "split", "latency-requests", "bootstrap"],
    ["refit"],
  );
  const log = (m: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${m}`);
  const ks = (args.get("k") ?? "10,20").split(",").map((k) => Number(k));
  if (ks.some((k) => !Number.isInteger(k) || k <= 0))
    throw new Error(`--k expects positive integers, got ${args.get("k")}`);
  const preset = getPreset(args.get("preset"));
  const modelNames = (
    args.get("models") ??
    preset?.models ??
    "covisitation,session-knn,fism-bpr,pure-svd,content,hybrid"
  ).split(",");
  for (const b of [...BASELINES].reverse()) if (!modelNames.includes(b)) modelNames.unshift(b);
  const split = (args.get("split") ?? "test") as "test" | "validation";
  if (split !== "test" && split !== "validation") throw new Error("--split must be test or validation");
  const seed = intArg(args, "seed", 42);
  const { task } = await buildTask(args, log);
  for (const n of task.notes) log(`protocol ${task.protocol}: ${n}`);
  const params = modelParams(args);
  const embedder = embedderFactory(args);
  const reports: ModelReport[] = [];
  const skipped: Record<string, string> = {};
  for (const name of modelNames) {
    const entry = getModelEntry(name);
    if (entry.needsItemText && task.train.itemText === undefined) {
      skipped[name] = "no item text in this data set (pass --item-text)";
      log(`skipping ${name}: ${skipped[name]}`);
      continue;
    }
    const model = createModel(name, { params, embedder });
    const report = await evaluateModel(model, task, {
      ks,
      seed,
      split,
      onProgress: log,
      latencyRequests: intArg(args, "latency-requests", 500),
      bootstrapResamples: intArg(args, "bootstrap", 1000),
      refit: args.has("refit"),
    });
    const extra =
      model instanceof HybridRecommender
        ? {
            weights: model.describeWeights(),
            blend: model.blendSpec,
            guard: model.guardChoice,
            validation: model.validationReport,
          }
        : undefined;
    reports.push(extra === undefined ? report : { ...report, ...{ hybrid: extra } });
    log(
      `${name}: ${Object.entries(report.metrics)
        .map(([k, v]) => `${k}=${v.value.toFixed(4)}`)
        .join(" ")}`,
    );
  }
  console.log(`\nprotocol ${task.protocol} on ${args.get("dataset")} (${split} split, seed ${seed})`);
  for (const n of task.notes) console.log(`  - ${n}`);
  if (args.has("refit"))
    console.log(
      "  - --refit: models tuned / blend weights learned with a train-only fit, then refitted on train + validation events before test (test events never trained on)",
    );
  console.log(
    `  - ± is half the bootstrap 95% interval; latency = 50-item history -> top 100 over all items (wall and CPU time per request)`,
  );
  console.log(formatTable(reports, ks));
  console.log(`\nby segment (${split} cases; history: none / 1–4 / ≥ 5 items; item cold = never in training):\n`);
  console.log(formatSegmentTables(reports, ks[0]));
  for (const [n, why] of Object.entries(skipped)) console.log(`  ${n}: skipped, ${why}`);
  const out = args.get("out");
  if (out !== undefined) {
    mkdirSync(dirname(out), { recursive: true });
    const json = {
      refit: args.has("refit"),
      command: `npm run eval -- ${process.argv.slice(2).join(" ")}`,
      protocol: task.protocol,
      dataset: args.get("dataset"),
      split,
      seed,
      ks,
      notes: task.notes,
      params,
      reports: reports.map(withoutRanks),
      skipped,
    };
    writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
    log(`wrote ${out}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
