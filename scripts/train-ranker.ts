/**
 * Trains the feed ranker on held-out data and compares it with every single recall source.
 *
 *   tsx scripts/train-ranker.ts [--data ../shared/datasets/sasrec-games/Video.txt] [--cases 3000] [--train-cases N]
 *                          [--seed 1] [--objective auto|pointwise|pairwise|lambdarank] [--l2 1e-4]
 *                          [--bootstrap 2000] [--write] [--register]
 *
 * Protocol: per user with >= 4 items, the last two are held out; the serving models (same code and
 * parameters as serving) train on the rest. Cases target the second-last item. `--cases` users evaluate
 * the ranker; `--train-cases` (default: as many) disjoint users train it. Each case's candidates come from
 * the serving recall sources (fresh listings excluded offline), history items removed, and its features
 * from serving's `featurize`. The objective is picked on a validation slice of the training users. Reported:
 * HR@10, NDCG@10 of the final order, candidate recall (target recalled by any source), and paired bootstrap
 * 95% intervals of the learned ranker minus the best single source on the same evaluation cases. `--write`
 * stores the learned weights in ml/ranker/weights.json (the serving default); `--register` registers them
 * as model "ranker".
 */
import { MemoryVectorIndex } from "../src/adapters/vector-index/memory.js";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { Rng } from "../ml/core/rng.js";
import { loadSasrecTxt } from "../ml/data/sasrec-txt.js";
import { FEATURES, NUM_FEATURES } from "../src/recsys/feed/features.js";
import { LinearRanker, defaultRanker } from "../src/recsys/feed/rank.js";
import {
  buildOfflineModels,
  candidatesFor,
  sourceOrder,
  splitForRanker,
  SOURCES,
  type CaseCandidates,
} from "../src/recsys/ranker/dataset.js";
import {
  trainLambdaRank,
  trainLogReg,
  trainPairwise,
  type LogRegResult,
  type NewtonOptions,
} from "../ml/ranker/logreg.js";
import { mean, metricsOf, pairedBootstrap, perCase, type ListMetrics } from "../ml/ranker/metrics.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const here = dirname(fileURLToPath(import.meta.url));
const log = (m: string): void => console.error(`[ranker] ${m}`);

function rankerOrder(cc: CaseCandidates, r: LinearRanker): number[] {
  const s = cc.cands.map((_, j) => r.logit(cc.x.subarray(j * NUM_FEATURES, (j + 1) * NUM_FEATURES)));
  return cc.cands.map((_, j) => j).sort((a, b) => s[b] - s[a] || cc.cands[a].item - cc.cands[b].item);
}

/** NDCG@10 of a ranker over cases whose target was recalled (the others score 0 whatever the order). */
function ndcgOf(cases: readonly CaseCandidates[], r: LinearRanker): number {
  return metricsOf(
    cases.map((c) => rankerOrder(c, r)),
    cases.map((c) => c.positive),
  ).ndcg10;
}

/** Fits one objective on the given training cases (each with its target among its candidates). */
const OBJECTIVES = ["pointwise", "pairwise", "lambdarank"] as const;
type Objective = (typeof OBJECTIVES)[number];

function fitObjective(objective: Objective, cases: readonly CaseCandidates[], o: NewtonOptions): LogRegResult {
  const ranking = cases.map((c) => ({ x: c.x, positive: c.positive, count: c.cands.length }));
  if (objective === "pairwise") return trainPairwise(ranking, NUM_FEATURES, o);
  if (objective === "lambdarank") return trainLambdaRank(ranking, NUM_FEATURES, o);
  const n = cases.reduce((a, c) => a + c.cands.length, 0);
  const x = new Float32Array(n * NUM_FEATURES);
  const y = new Uint8Array(n);
  let at = 0;
  for (const c of cases) {
    x.set(c.x, at * NUM_FEATURES);
    y[at + c.positive] = 1;
    at += c.cands.length;
  }
  return trainLogReg(x, y, NUM_FEATURES, o);
}

async function main(): Promise<void> {
  const data = arg("data", join(here, "../../shared/datasets/sasrec-games/Video.txt"));
  const perSplit = Number(arg("cases", "3000"));
  const trainWanted = Number(arg("train-cases", String(perSplit)));
  const seed = Number(arg("seed", "1"));
  const resamples = Number(arg("bootstrap", "2000"));
  const started = performance.now();
  const logData = await loadSasrecTxt(data);
  const { train, cases } = splitForRanker(logData.sequences);
  log(`${data}: ${logData.userIds.length} users, ${logData.itemIds.length} items; ${cases.length} held-out cases`);
  const rows = logData.itemIds.map((id) => ({
    id,
    title: `item ${id}`,
    categoryPath: null,
    price: null,
    rating: null,
    ratingCount: 0,
    createdAt: 0,
    boughtTogether: null,
  }));
  const { models, vectors } = await buildOfflineModels(
    { numItems: logData.itemIds.length, numUsers: logData.userIds.length, sequences: train, itemIds: logData.itemIds },
    rows,
    seed,
    log,
    new MemoryVectorIndex(),
  );
  const rng = new Rng(seed);
  const order = rng.shuffle(Int32Array.from(cases.keys()));
  // Evaluation users are always order[cases, 2*cases): the same whatever --train-cases asks for, so runs
  // with more training cases stay comparable. Extra training users come from beyond them, never from them.
  const evalIds = order.subarray(perSplit, 2 * perSplit);
  const extra = Math.max(0, trainWanted - perSplit);
  if (2 * perSplit + extra > order.length)
    throw new Error(`--train-cases ${trainWanted}: only ${order.length - perSplit} cases outside the evaluation set`);
  const trainIds = Int32Array.from([
    ...order.subarray(0, Math.min(trainWanted, perSplit)),
    ...order.subarray(2 * perSplit, 2 * perSplit + extra),
  ]);
  const evalCases: CaseCandidates[] = [];
  for (const i of evalIds) evalCases.push(await candidatesFor(models, vectors, cases[i]));
  // Training keeps only cases whose target was recalled: the others carry no ranking signal (and would
  // hold ~250 feature rows each in memory for nothing).
  const usable: CaseCandidates[] = [];
  for (const i of trainIds) {
    const c = await candidatesFor(models, vectors, cases[i]);
    if (c.positive >= 0) usable.push(c);
  }
  log(
    `candidates built: ${trainIds.length} train (${usable.length} with the target recalled) / ${evalCases.length} eval cases, mean ${(evalCases.reduce((a, c) => a + c.cands.length, 0) / evalCases.length).toFixed(0)} per case`,
  );

  const previous = defaultRanker();
  const opts: NewtonOptions = { l2: Number(arg("l2", "1e-4")), iterations: Number(arg("iterations", "30")) };
  // Objective: --objective, or "auto" = the best on a validation slice of the TRAINING users (the last 20%
  // of them, already in random order); the evaluation users are never consulted.
  let objective = arg("objective", "auto") as Objective | "auto";
  const validation: Record<string, number> = {};
  if (objective === "auto") {
    const cut = Math.floor(usable.length * 0.8);
    for (const o of OBJECTIVES) {
      const f = fitObjective(o, usable.slice(0, cut), opts);
      validation[o] = ndcgOf(usable.slice(cut), new LinearRanker(o, f.weights, f.bias));
    }
    objective = OBJECTIVES.reduce((best, o) => (validation[o] > validation[best] ? o : best), OBJECTIVES[0]);
    log(
      `validation NDCG@10 (target-recalled training cases): ${OBJECTIVES.map((o) => `${o} ${validation[o].toFixed(4)}`).join(", ")} -> ${objective}`,
    );
  } else if (!OBJECTIVES.includes(objective))
    throw new Error(`--objective ${objective}: one of auto, ${OBJECTIVES.join(", ")}`);
  const fits = Object.fromEntries(OBJECTIVES.map((o) => [o, fitObjective(o, usable, opts)])) as Record<
    Objective,
    LogRegResult
  >;
  log(
    `fitted on ${usable.length} cases: ${OBJECTIVES.map((o) => `${o} loss ${fits[o].loss.toFixed(4)} (${fits[o].iterations} Newton steps)`).join(", ")}`,
  );
  const chosen = fits[objective];
  // Features that never vary in the training data (no prices, ratings or categories in the Games set)
  // carry no evidence: their learned weight is noise folded into the bias, so they keep the prior's weight.
  const constant: string[] = [];
  const weights = Float32Array.from(chosen.weights);
  for (let f = 0; f < NUM_FEATURES; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of usable) {
      for (let j = 0; j < c.cands.length; j++) {
        const v = c.x[j * NUM_FEATURES + f];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (hi - lo < 1e-9) {
      constant.push(FEATURES[f]);
      weights[f] = previous.weights[f];
    }
  }
  log(`constant in training data (previous weight kept): ${constant.join(", ")}`);
  const learned = new LinearRanker(
    `ranker-${objective}-${new Date().toISOString().slice(0, 10)}`,
    weights,
    chosen.bias,
  );

  const positives = evalCases.map((c) => c.positive);
  const orders: Record<string, number[][]> = {};
  SOURCES.forEach((name, s) => {
    if (name !== "fresh") orders[`source:${name}`] = evalCases.map((c) => sourceOrder(c, s));
  });
  orders["ranker:previous weights.json"] = evalCases.map((c) => rankerOrder(c, previous));
  for (const o of OBJECTIVES)
    orders[`ranker:${o}`] = evalCases.map((c) => rankerOrder(c, new LinearRanker(o, fits[o].weights, fits[o].bias)));
  orders["ranker:learned"] = evalCases.map((c) => rankerOrder(c, learned));
  const perCaseOf = Object.fromEntries(Object.entries(orders).map(([k, o]) => [k, perCase(o, positives)]));
  const table: Record<string, ListMetrics> = Object.fromEntries(
    Object.entries(perCaseOf).map(([k, p]) => [k, { hr10: mean(p.hit), ndcg10: mean(p.gain) }]),
  );
  const recall = positives.filter((p) => p >= 0).length / positives.length;
  const bestSource = Object.entries(table)
    .filter(([k]) => k.startsWith("source:"))
    .sort((a, b) => b[1].ndcg10 - a[1].ndcg10)[0][0];
  const L = perCaseOf["ranker:learned"];
  const B = perCaseOf[bestSource];
  const P = perCaseOf["ranker:previous weights.json"];
  const intervals = {
    [`ndcg10 learned - ${bestSource}`]: pairedBootstrap(L.gain, B.gain, resamples, seed),
    [`hr10 learned - ${bestSource}`]: pairedBootstrap(L.hit, B.hit, resamples, seed + 1),
    "ndcg10 learned - previous weights.json": pairedBootstrap(L.gain, P.gain, resamples, seed + 2),
  };
  const headline = intervals[`ndcg10 learned - ${bestSource}`];
  const report = {
    data,
    users: logData.userIds.length,
    items: logData.itemIds.length,
    trainCases: trainIds.length,
    trainCasesUsable: usable.length,
    evalCases: evalCases.length,
    candidateRecall: recall,
    objective,
    validation,
    metrics: table,
    bestSingleSource: bestSource,
    pairedBootstrap95: intervals,
    learnedBeatsBestSource: headline.lo > 0,
    weights: Object.fromEntries(FEATURES.map((f, i) => [f, Math.round(learned.weights[i] * 1e4) / 1e4])),
    seconds: Math.round((performance.now() - started) / 1000),
  };
  console.log(JSON.stringify(report, null, 2));
  if (flag("write")) {
    const round = (v: number): number => Math.round(v * 1e5) / 1e5;
    const file = join(here, "../ml/ranker/weights.json");
    const trainedOn = {
      data: data.split("/").slice(-2).join("/"),
      command: `tsx scripts/train-ranker.ts ${process.argv.slice(2).join(" ")}`,
      trainCases: usable.length,
      metrics: table["ranker:learned"],
      bestSingleSource: { [bestSource]: table[bestSource] },
      ndcg10DiffVsBestSource95: { diff: round(headline.diff), lo: round(headline.lo), hi: round(headline.hi) },
    };
    writeFileSync(
      file,
      `${JSON.stringify({ version: learned.version, trainedOn, note: "written by `tsx scripts/train-ranker.ts --write`", bias: Math.round(learned.bias * 1e4) / 1e4, weights: report.weights }, null, 2)}\n`,
    );
    log(`wrote ${file}`);
  }
  if (flag("register")) {
    // Into the model registry of the app's database (DATABASE_URL), where serving loads "ranker" from.
    const { loadConfig } = await import("../src/config");
    const { createNodeLibsqlClient } = await import("../src/db/client.node.js");
    const { createDatabase } = await import("../src/db/database");
    const { runMigrations } = await import("../src/db/migrate.node.js");
    const { LibsqlArtifactRegistry } = await import("../src/adapters/model-registry/libsql");
    const config = loadConfig(process.env);
    const client = await createNodeLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
    try {
      await runMigrations(createDatabase(client));
      const metrics = { ...table["ranker:learned"], candidateRecall: recall };
      const version = await new LibsqlArtifactRegistry(client).register("ranker", learned.toArtifact(metrics), metrics);
      log(`registered ranker ${version} in ${config.DATABASE_URL.replace(/\?.*$/, "")}`);
    } finally {
      client.close();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
