/**
 * Trains the feed ranker on held-out data and compares it with every single recall source.
 *
 *   tsx ml/ranker/train.ts [--data ../shared/datasets/sasrec-games/Video.txt] [--cases 3000] [--seed 1]
 *                          [--objective pointwise|pairwise] [--write] [--registry data/registry]
 *
 * Protocol: per user with >= 4 items, the last two are held out; the serving models (same code and
 * parameters as serving) train on the rest. Cases target the second-last item: half of the users train
 * the ranker, the other half (disjoint users) evaluate it. Each case's candidates come from the serving
 * recall sources (fresh listings excluded offline), history items removed. Reported: HR@10, NDCG@10 of
 * the final order, and candidate recall (target recalled by any source). `--write` stores the learned
 * weights in ml/ranker/weights.json (the serving default); `--registry` registers them as model "ranker".
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { Rng } from "../core/rng.js";
import { loadSasrecTxt } from "../data/sasrec-txt.js";
import { FEATURES, NUM_FEATURES } from "../../src/recsys/feed/features.js";
import { LinearRanker, defaultRanker } from "../../src/recsys/feed/rank.js";
import { buildOfflineModels, candidatesFor, sourceOrder, splitForRanker, SOURCES, type CaseCandidates } from "./dataset.js";
import { trainLogReg, trainPairwise } from "./logreg.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const here = dirname(fileURLToPath(import.meta.url));
const log = (m: string): void => console.error(`[ranker] ${m}`);

export interface ListMetrics {
  hr10: number;
  ndcg10: number;
}

function metricsOf(orders: number[][], positives: number[]): ListMetrics {
  let hr = 0;
  let ndcg = 0;
  orders.forEach((order, c) => {
    const rank = positives[c] < 0 ? -1 : order.indexOf(positives[c]);
    if (rank >= 0 && rank < 10) {
      hr++;
      ndcg += 1 / Math.log2(rank + 2);
    }
  });
  return { hr10: hr / orders.length, ndcg10: ndcg / orders.length };
}

function rankerOrder(cc: CaseCandidates, r: LinearRanker): number[] {
  const s = cc.cands.map((_, j) => r.logit(cc.x.subarray(j * NUM_FEATURES, (j + 1) * NUM_FEATURES)));
  return cc.cands.map((_, j) => j).sort((a, b) => s[b] - s[a] || cc.cands[a].item - cc.cands[b].item);
}

async function main(): Promise<void> {
  const data = arg("data", join(here, "../../../shared/datasets/sasrec-games/Video.txt"));
  const perSplit = Number(arg("cases", "3000"));
  const seed = Number(arg("seed", "1"));
  const started = performance.now();
  const logData = await loadSasrecTxt(data);
  const { train, cases } = splitForRanker(logData.sequences);
  log(`${data}: ${logData.userIds.length} users, ${logData.itemIds.length} items; ${cases.length} held-out cases`);
  const rows = logData.itemIds.map((id) => ({ id, title: `item ${id}`, categoryPath: null, price: null, rating: null, ratingCount: 0, createdAt: 0, boughtTogether: null }));
  const { models, vectors } = await buildOfflineModels({ numItems: logData.itemIds.length, numUsers: logData.userIds.length, sequences: train, itemIds: logData.itemIds }, rows, seed, log);
  const rng = new Rng(seed);
  const order = rng.shuffle(Int32Array.from(cases.keys()));
  const build = async (ids: Int32Array): Promise<CaseCandidates[]> => {
    const out: CaseCandidates[] = [];
    for (const i of ids) out.push(await candidatesFor(models, vectors, cases[i]));
    return out;
  };
  const trainCases = await build(order.subarray(0, perSplit));
  const evalCases = await build(order.subarray(perSplit, 2 * perSplit));
  log(`candidates built: ${trainCases.length} train / ${evalCases.length} eval cases, mean ${(evalCases.reduce((a, c) => a + c.cands.length, 0) / evalCases.length).toFixed(0)} per case`);

  // Ranker training set: every candidate of every training case that recalled its target.
  const usable = trainCases.filter((c) => c.positive >= 0);
  const n = usable.reduce((a, c) => a + c.cands.length, 0);
  const x = new Float32Array(n * NUM_FEATURES);
  const y = new Uint8Array(n);
  let at = 0;
  for (const c of usable) {
    x.set(c.x, at * NUM_FEATURES);
    y[at + c.positive] = 1;
    at += c.cands.length;
  }
  const prior = defaultRanker();
  const epochs = Number(arg("epochs", "200"));
  const pointwise = trainLogReg(x, y, NUM_FEATURES, { epochs, lr: 0.5, l2: 1e-4 });
  const pointwiseRanker = new LinearRanker("pointwise", pointwise.weights, pointwise.bias);
  log(`pointwise logistic regression on ${n} rows (${usable.length} positives), loss ${pointwise.loss.toFixed(4)}`);
  const fit = trainPairwise(usable.map((c) => ({ x: c.x, positive: c.positive, count: c.cands.length })), NUM_FEATURES, { epochs, lr: Number(arg("lr", "1")), l2: Number(arg("l2", "1e-5")) });
  log(`pairwise logistic regression on ${n - usable.length} pairs, loss ${fit.loss.toFixed(4)}`);
  const pairwiseRanker = new LinearRanker("pairwise", fit.weights, fit.bias);
  // The objective is chosen up front (--objective), never by the evaluation figures.
  const objective = arg("objective", "pointwise");
  const chosen = objective === "pairwise" ? fit : pointwise;
  // Features that never vary in the training data (no prices, ratings or categories in the Games set)
  // carry no evidence: their learned weight is noise folded into the bias, so they keep the prior's weight.
  const constant: string[] = [];
  const weights = Float32Array.from(chosen.weights);
  for (let f = 0; f < NUM_FEATURES; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = x[i * NUM_FEATURES + f];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo < 1e-9) {
      constant.push(FEATURES[f]);
      weights[f] = prior.weights[f];
    }
  }
  log(`constant in training data (prior weight kept): ${constant.join(", ")}`);
  const learned = new LinearRanker(`ranker-${objective}-${new Date().toISOString().slice(0, 10)}`, weights, chosen.bias);

  const positives = evalCases.map((c) => c.positive);
  const table: Record<string, ListMetrics> = {};
  SOURCES.forEach((name, s) => {
    if (name === "fresh") return;
    table[`source:${name}`] = metricsOf(evalCases.map((c) => sourceOrder(c, s)), positives);
  });
  table["ranker:prior (hand weights)"] = metricsOf(evalCases.map((c) => rankerOrder(c, prior)), positives);
  table["ranker:pointwise logistic"] = metricsOf(evalCases.map((c) => rankerOrder(c, pointwiseRanker)), positives);
  table["ranker:pairwise logistic"] = metricsOf(evalCases.map((c) => rankerOrder(c, pairwiseRanker)), positives);
  table["ranker:learned"] = metricsOf(evalCases.map((c) => rankerOrder(c, learned)), positives);
  const recall = positives.filter((p) => p >= 0).length / positives.length;
  const bestSource = Object.entries(table).filter(([k]) => k.startsWith("source:")).sort((a, b) => b[1].ndcg10 - a[1].ndcg10)[0];
  const report = {
    data,
    users: logData.userIds.length,
    items: logData.itemIds.length,
    trainCases: trainCases.length,
    evalCases: evalCases.length,
    candidateRecall: recall,
    metrics: table,
    bestSingleSource: bestSource[0],
    learnedBeatsBestSource: table["ranker:learned"].ndcg10 > bestSource[1].ndcg10,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  console.log(JSON.stringify(report, null, 2));
  if (flag("write")) {
    const named = Object.fromEntries(FEATURES.map((f, i) => [f, Math.round(learned.weights[i] * 1e4) / 1e4]));
    const file = join(here, "weights.json");
    writeFileSync(file, `${JSON.stringify({ version: learned.version, trainedOn: { data: data.split("/").slice(-2).join("/"), trainCases: usable.length, metrics: table["ranker:learned"], bestSingleSource: { [bestSource[0]]: bestSource[1] } }, note: "written by `tsx ml/ranker/train.ts --write`", bias: Math.round(learned.bias * 1e4) / 1e4, weights: named }, null, 2)}\n`);
    log(`wrote ${file}`);
  }
  const registryDir = arg("registry", "");
  if (registryDir) {
    const { MlRegistryAdapter } = await import("../../src/recsys/models/ml-registry.node.js");
    const version = await MlRegistryAdapter.atDir(registryDir).register("ranker", learned.toArtifact({ ...table["ranker:learned"], candidateRecall: recall }), { ...table["ranker:learned"], candidateRecall: recall });
    log(`registered ranker ${version} in ${registryDir}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
