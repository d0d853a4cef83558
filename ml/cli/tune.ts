/**
 * Hyper-parameter search on the VALIDATION split only (never test):
 *   npx tsx ml/cli/tune.ts --dataset <path> --protocol sasrec --model session-knn \
 *     --grid k=100,200,400 --grid lambdaNeighbour=1,2,4 [--param model.key=value] [--rounds 2] [--metric NDCG@10]
 * Coordinate search: each grid key in turn takes the value with the best validation metric, the others fixed.
 */
import { evaluateModel } from "../eval/evaluate.js";
import { createModel } from "../models/index.js";
import { intArg, modelParams, parseArgs } from "./args.js";
import { buildTask, embedderFactory, TASK_OPTIONS } from "./task.js";

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), [...TASK_OPTIONS, "model", "grid", "param", "rounds", "metric"]);
  const log = (m: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${m}`);
  const name = args.get("model");
  if (name === undefined) throw new Error("--model is required");
  const metric = args.get("metric") ?? "NDCG@10";
  const k = Number(metric.split("@")[1]);
  const seed = intArg(args, "seed", 42);
  const { task } = await buildTask(args, log);
  const params = modelParams(args);
  const current: Record<string, unknown> = { ...(params[name] ?? {}) };
  const grid = args.all("grid").map((g) => {
    const [key, values] = g.split("=");
    return { key, values: values.split(",") };
  });
  const score = async (candidate: Record<string, unknown>): Promise<number> => {
    const model = createModel(name, { params: { ...params, [name]: candidate }, embedder: embedderFactory(args) });
    const r = await evaluateModel(model, task, {
      ks: [k],
      seed,
      split: "validation",
      bootstrapResamples: 1,
      latencyRequests: 0,
    });
    return r.metrics[metric].value;
  };
  let best = await score(current);
  log(`start ${JSON.stringify(current)} valid ${metric} ${best.toFixed(4)}`);
  for (let round = 0; round < intArg(args, "rounds", 1); round++) {
    for (const { key, values } of grid) {
      for (const v of values) {
        if (String(current[key]) === v) continue;
        const candidate = { ...current, [key]: v };
        const s = await score(candidate);
        log(`${key}=${v}: valid ${metric} ${s.toFixed(4)}${s > best ? " (best)" : ""}`);
        if (s > best) {
          best = s;
          current[key] = v;
        }
      }
    }
  }
  console.log(
    `best valid ${metric} ${best.toFixed(4)} with ${Object.entries(current)
      .map(([key, v]) => `--param ${name}.${key}=${String(v)}`)
      .join(" ")}`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
