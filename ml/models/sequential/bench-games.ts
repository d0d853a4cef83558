/**
 * SASRec on the SASRec paper's Games data with the paper's protocol, before the shared harness exists.
 *   npx tsx ml/models/sequential/bench-games.ts [--data path] [--seed 42] [--dim 64] [--threads 2] ...
 * Any SasrecOptions field can be overridden as --name value. Split per user: last item = test, second
 * last = validation, the rest train. Test: up to 10,000 seeded users (with ≥ 1 train item), target vs
 * 100 items drawn uniformly from items not in the user's whole sequence; plus full ranking over all
 * items, excluding the user's history (train + validation item) as competitors.
 * --budget cpu makes maxSeconds count CPU-seconds / 2 (two idle cores) instead of wall time;
 * --deadline S (with --budget cpu) also stops after S wall seconds.
 */
import { readFileSync } from "node:fs";
import type { Sequence, TrainData } from "../../core/recommender.js";
import { RankAccumulator, rankFirst, sampleNegatives, type RankCase } from "./metrics.js";
import { mixSeed, Rng } from "../../core/rng.js";
import { SASREC_DEFAULTS, SasrecRecommender, type SasrecOptions } from "./sasrec.js";

function args(): {
  data: string;
  seed: number;
  evalUsers: number;
  budget: "wall" | "cpu";
  deadline: number;
  opts: Partial<SasrecOptions>;
} {
  const a = process.argv.slice(2);
  let data = new URL("../../../../shared/datasets/sasrec-games/Video.txt", import.meta.url).pathname;
  let seed = 42;
  let evalUsers = 10_000;
  let budget: "wall" | "cpu" = "wall";
  let deadline = Infinity;
  const opts: Record<string, number | string> = {};
  for (let i = 0; i < a.length; i += 2) {
    const k = a[i].replace(/^--/, "");
    const v = a[i + 1];
    if (k === "data") data = v;
    else if (k === "seed") seed = Number(v);
    else if (k === "evalUsers") evalUsers = Number(v);
    else if (k === "budget") budget = v === "cpu" ? "cpu" : "wall";
    else if (k === "deadline") deadline = Number(v);
    else if (k in SASREC_DEFAULTS)
      opts[k] = typeof SASREC_DEFAULTS[k as keyof SasrecOptions] === "number" ? Number(v) : v;
    else throw new Error(`unknown option --${k}`);
  }
  return { data, seed, evalUsers, budget, deadline, opts: opts as Partial<SasrecOptions> };
}

/** `user item` lines, time-ordered per user; ids become dense 0-based indices in order of appearance. */
function loadSasrecTxt(path: string): { seqs: Int32Array[]; numItems: number; itemIds: string[] } {
  const users = new Map<string, number[]>();
  const itemIdx = new Map<string, number>();
  const itemIds: string[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const sp = line.indexOf(" ");
    if (sp < 0) continue;
    const u = line.slice(0, sp);
    const it = line.slice(sp + 1).trim();
    let idx = itemIdx.get(it);
    if (idx === undefined) {
      idx = itemIds.length;
      itemIdx.set(it, idx);
      itemIds.push(it);
    }
    let s = users.get(u);
    if (s === undefined) users.set(u, (s = []));
    s.push(idx);
  }
  return { seqs: [...users.values()].map((s) => Int32Array.from(s)), numItems: itemIds.length, itemIds };
}

function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m !== null) return Number(m[1]) / 1024;
  } catch {
    /* not Linux */
  }
  return process.memoryUsage().rss / 1048576;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function main(): Promise<void> {
  const { data, seed, evalUsers, budget, deadline, opts } = args();
  const { seqs, numItems, itemIds } = loadSasrecTxt(data);
  const total = seqs.reduce((a, s) => a + s.length, 0);
  console.log(`data: ${seqs.length} users, ${numItems} items, ${total} interactions`);
  // the SASRec split; users with < 3 interactions keep everything in train
  const train: Sequence[] = seqs.map((s, u) => {
    const items = s.length >= 3 ? s.subarray(0, s.length - 2) : s;
    return { user: u, items, timestamps: new Float64Array(items.length) };
  });
  const validation: RankCase[] = [];
  const test: (RankCase & { all: Int32Array })[] = [];
  seqs.forEach((s) => {
    if (s.length < 3) return;
    validation.push({ history: s.subarray(0, s.length - 2), target: s[s.length - 2] });
    test.push({ history: s.subarray(0, s.length - 1), target: s[s.length - 1], all: s });
  });
  const trainData: TrainData = { numItems, numUsers: seqs.length, sequences: train, itemIds };
  const model = new SasrecRecommender(opts);
  console.log(`options: ${JSON.stringify(model.options)}`);
  // CPU seconds (all threads of this process) beside wall time: the 2 cores are shared, so wall time
  // alone says more about the neighbours' load than about the model
  const cpu0 = process.cpuUsage();
  const cpuSec = (): number => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1e6;
  };
  // --budget cpu: maxSeconds counts CPU seconds / 2, i.e. wall time on two otherwise idle cores;
  // --deadline S additionally stops training after S wall seconds (a loaded machine)
  const t0 = performance.now();
  const wallSec = (): number => (performance.now() - t0) / 1000;
  const maxSeconds = model.options.maxSeconds;
  if (budget === "cpu") model.budgetClock = () => Math.max(cpuSec() / 2, (wallSec() / deadline) * maxSeconds);
  await model.fit(trainData, {
    seed,
    validation,
    onProgress: (m) => console.log(`${m} | wall ${wallSec().toFixed(0)}s cpu ${cpuSec().toFixed(0)}s`),
  });
  const trainSec = (performance.now() - t0) / 1000;
  const trainCpuSec = cpuSec();
  const rep = model.lastReport;
  console.log(
    `trained in ${trainSec.toFixed(1)}s wall, ${trainCpuSec.toFixed(0)} CPU-s, ${rep?.epochs} epochs, best epoch ${rep?.bestEpoch}`,
  );

  // test users: a seeded sample of up to evalUsers, as the SASRec code does
  const order = new Rng(mixSeed(seed, 99)).shuffle(Int32Array.from({ length: test.length }, (_, i) => i));
  const cases = Array.from(order.subarray(0, Math.min(evalUsers, test.length)), (i) => test[i]);
  const negs = sampleNegatives(cases, numItems, 100, mixSeed(seed, 100), (c) => (c as (typeof cases)[number]).all);
  const sampled = new RankAccumulator(10);
  const full = new RankAccumulator(10);
  const cand = new Int32Array(101);
  const te = performance.now();
  cases.forEach((c, i) => {
    const q = { history: c.history };
    cand[0] = c.target;
    cand.set(negs[i], 1);
    sampled.add(rankFirst(model.scoreCandidates(q, cand)));
    const all = model.scoreAll(q);
    const own = all[c.target];
    const seen = new Set<number>(c.history);
    let rank = 0;
    for (let j = 0; j < all.length; j++) if (j !== c.target && all[j] >= own && !seen.has(j)) rank++;
    full.add(rank);
  });
  const s = sampled.result();
  const f = full.result();
  console.log(`test (${s.users} users, ${((performance.now() - te) / 1000).toFixed(1)}s)`);
  console.log(`sampled-100 HR@10 ${s.hr.toFixed(4)} NDCG@10 ${s.ndcg.toFixed(4)}   (SASRec paper: 0.7410 / 0.5360)`);
  console.log(`full-rank   HR@10 ${f.hr.toFixed(4)} NDCG@10 ${f.ndcg.toFixed(4)}`);

  // latency: one request, 50-item history, scores for all items
  const rng = new Rng(mixSeed(seed, 7));
  const lat: number[] = [];
  for (let r = 0; r < 1100; r++) {
    const history = Int32Array.from({ length: 50 }, () => rng.int(numItems));
    const a = performance.now();
    model.scoreAll({ history });
    if (r >= 100) lat.push(performance.now() - a);
  }
  console.log(
    `scoreAll latency (50-item history, ${numItems} items): p50 ${pct(lat, 50).toFixed(2)} ms p99 ${pct(lat, 99).toFixed(2)} ms`,
  );
  console.log(`peak RSS ${peakRssMb().toFixed(0)} MB`);
  console.log(
    `RESULT ${JSON.stringify({ sampled: s, full: f, trainSec, trainCpuSec, epochs: rep?.epochs, bestEpoch: rep?.bestEpoch, p50: pct(lat, 50), p99: pct(lat, 99), peakRssMb: peakRssMb(), options: model.options })}`,
  );
}

await main();
