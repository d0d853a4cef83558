/**
 * Serving-latency micro benchmark of the ML models the serving path calls (issue 4: "scoring one request —
 * a 50-item history → top 100 over 25k items — under 5 ms at p99").
 *
 *   npm run bench:ml-latency -- [--dataset ../shared/datasets/sasrec-games/Video.txt] [--items 25000]
 *     [--runs 5] [--requests 500] [--warmup 100] [--models popularity,covisitation,session-knn,fism-bpr]
 *     [--fism-epochs 5] [--svd-iterations 2] [--no-js-baseline] [--json out.json]
 *   npm run bench:ml-latency -- --kernels [--items 25000] [--dims 64,512] [--runs 5] [--requests 500]
 *
 * --kernels times only the all-items scoring of random vectors (no data set): the one-row JS loop the models
 * used before, `scoreRows` (two rows per pass), and the wasm SIMD RowScorer, each followed or not by topK,
 * interleaved, medians of runs.
 *
 * One request is what the eval harness times (ml/eval/evaluate.ts `measureLatency`, same request builder):
 * a 50-item history (held-out users' histories, short ones extended with other users' items) → scores over
 * the whole catalogue → top 100 with the history excluded; `recommend()` where the model has one (the
 * embedding models), else scoreAll + topK. Per request: wall (performance.now) and CPU
 * (process.cpuUsage, user + system) time. Each run times every model on its own freshly drawn requests
 * after `--warmup` untimed ones, models interleaved within a run so load swings hit all of them; cells are
 * medians over runs of each run's p50 / p99. `popularity` (copy 25k floats + top-k) is the same-run baseline.
 *
 * Catalogue: no data set here reaches 25k items (Games, SASRec's Video.txt, has 23,715). `--items 25000`
 * extends the catalogue with items that have no events (cold listings, which a marketplace has): every model
 * is fitted over 25,000 items, so dense scoring, vectors and top-k really span 25k, while the co-visitation
 * and session-kNN structures are those of the real Games events. `--items 0` keeps the data set's own size.
 * fism-bpr is fitted with `--fism-epochs` (default 5, not the 20-60 of the accuracy runs): scoring cost is
 * numItems × dim whatever the training length; only the top-k heap churn depends on the score shape (same
 * for pure-svd's `--svd-iterations`, not in the default list: the serving path does not call it).
 * The extra row "fism-bpr (JS scorer)" is the same fitted model with the wasm kernel turned off
 * (ml/models/row-scorer.ts), the same-run measure of what the kernel buys.
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import type { Recommender, TrainData } from "../../ml/core/recommender.js";
import { Rng } from "../../ml/core/rng.js";
import { loadInteractionLog } from "../../ml/data/load.js";
import { latencyQueries, timeRequests } from "../../ml/eval/evaluate.js";
import { percentile } from "../../ml/eval/metrics.js";
import { looFullProtocol } from "../../ml/eval/protocols.js";
import { dotRow } from "../../ml/models/common.js";
import { createModel, loadModel } from "../../ml/models/index.js";
import { RowScorer, setWasmScoring } from "../../ml/models/row-scorer.js";
import { scoreRows } from "../../ml/models/common.js";
import { topK } from "../../ml/core/topk.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const DATASET = resolve(arg("dataset", "../shared/datasets/sasrec-games/Video.txt"));
const ITEMS = Number(arg("items", "25000"));
const RUNS = Number(arg("runs", "5"));
const REQUESTS = Number(arg("requests", "500"));
const WARMUP = Number(arg("warmup", "100"));
const MODELS = arg("models", "popularity,covisitation,session-knn,fism-bpr")
  .split(",")
  .filter((m) => m !== "");
const FISM_EPOCHS = Number(arg("fism-epochs", "5"));
const SVD_ITERATIONS = Number(arg("svd-iterations", "2"));
const JS_BASELINE = !process.argv.includes("--no-js-baseline");
const JSON_OUT = arg("json", "");
const SEED = 42;
const HISTORY = 50;
const TOP_N = 100;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

/** The training data over a catalogue of at least `items` items: the extra items have no events. */
function withCatalogue(train: TrainData, items: number): TrainData {
  if (items <= train.numItems) return train;
  const itemIds = [...train.itemIds];
  for (let i = train.numItems; i < items; i++) itemIds.push(`cold-${i}`);
  const itemText =
    train.itemText === undefined
      ? undefined
      : [...train.itemText, ...new Array<string | undefined>(items - train.numItems)];
  return { ...train, numItems: items, itemIds, itemText };
}

async function main(): Promise<void> {
  const loadStart = load();
  const log = await loadInteractionLog(DATASET);
  const task = looFullProtocol(log, { seed: SEED, maxUsers: 10_000 });
  const train = withCatalogue(task.train, ITEMS);
  console.log(
    `${DATASET}: ${log.itemIds.length} items, ${log.sequences.length} users; catalogue ${train.numItems} items` +
      (train.numItems > log.itemIds.length ? ` (${train.numItems - log.itemIds.length} without events)` : ""),
  );
  console.log(`node ${process.version}, load average at start ${loadStart}`);

  const rows: { name: string; model: Recommender }[] = [];
  for (const name of MODELS) {
    const params: Record<string, Record<string, unknown>> = {
      "fism-bpr": { epochs: FISM_EPOCHS },
      "pure-svd": { iterations: SVD_ITERATIONS },
    };
    const model = createModel(name, { params });
    const t0 = performance.now();
    await model.fit(train, { seed: SEED });
    console.log(`fitted ${name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    rows.push({ name, model });
    if (JS_BASELINE && (name === "fism-bpr" || name === "pure-svd" || name === "content")) {
      // Same vectors, scorer built with the wasm kernel off (scorers are built on first use).
      setWasmScoring(false);
      const js = loadModel(model.save());
      js.scoreAll({ history: new Int32Array(0) });
      setWasmScoring(true);
      rows.push({ name: `${name} (JS scorer)`, model: js });
    }
  }

  const perRun = new Map<string, { p50: number; p99: number; cpuP50: number; cpuP99: number }[]>(
    rows.map((r) => [r.name, []]),
  );
  for (let run = 0; run < RUNS; run++) {
    for (const { name, model } of rows) {
      const queries = latencyQueries(task.test, WARMUP + REQUESTS, new Rng(SEED * 1000 + run), HISTORY);
      if (queries.length < WARMUP + REQUESTS) throw new Error("not enough held-out histories to build requests");
      timeRequests(model, queries.slice(0, WARMUP), TOP_N, 0); // warm-up on requests that are not timed
      const timed = timeRequests(model, queries.slice(WARMUP), TOP_N, 0);
      perRun.get(name)?.push({
        p50: percentile(timed.wall, 50),
        p99: percentile(timed.wall, 99),
        cpuP50: percentile(timed.cpu, 50),
        cpuP99: percentile(timed.cpu, 99),
      });
    }
    console.log(`run ${run + 1}/${RUNS} done, load ${load()}`);
  }
  const loadEnd = load();

  const baseline = median((perRun.get(rows[0].name) ?? []).map((r) => r.cpuP50));
  const table = rows.map(({ name }) => {
    const rs = perRun.get(name) ?? [];
    const cell = {
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpuP50: median(rs.map((r) => r.cpuP50)),
      cpuP99: median(rs.map((r) => r.cpuP99)),
    };
    return { name, ...cell, cpuP50VsBaseline: cell.cpuP50 / baseline };
  });
  console.log(
    `\n${train.numItems} items, history ${HISTORY}, top ${TOP_N}; medians of ${RUNS} runs x ${REQUESTS} requests; load average ${loadStart} → ${loadEnd}`,
  );
  console.log(
    `| model | p50 ms (wall) | p99 ms (wall) | p50 ms (CPU) | p99 ms (CPU) | CPU p50 / ${rows[0].name} | p99 < 5 ms (wall / CPU) |`,
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of table) {
    const ok = (x: number): string => (x < 5 ? "yes" : "no");
    console.log(
      `| ${r.name} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuP50.toFixed(2)} | ${r.cpuP99.toFixed(2)} | ${r.cpuP50VsBaseline.toFixed(1)}× | ${ok(r.p99)} / ${ok(r.cpuP99)} |`,
    );
  }
  if (JSON_OUT !== "") {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      JSON_OUT,
      JSON.stringify(
        {
          dataset: DATASET,
          items: train.numItems,
          runs: RUNS,
          requests: REQUESTS,
          loadStart,
          loadEnd,
          node: process.version,
          table,
          perRun: Object.fromEntries(perRun),
        },
        null,
        2,
      ),
    );
  }
}

/** The one-row, four-accumulator loop the embedding models used before (the kernel baseline). */
function oneRowScores(vectors: Float32Array, u: Float32Array, n: number, d: number): Float32Array {
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) scores[i] = dotRow(u, vectors, i * d, d);
  return scores;
}

function kernels(): void {
  const n = ITEMS > 0 ? ITEMS : 25_000;
  const dims = arg("dims", "64,512").split(",").map(Number);
  const loadStart = load();
  console.log(`kernels: ${n} random rows, node ${process.version}, load average at start ${loadStart}`);
  console.log("| dim | kernel | p50 ms (wall) | p99 ms (wall) | p50 ms (CPU) | p99 ms (CPU) |");
  console.log("|---|---|---|---|---|---|");
  for (const d of dims) {
    const rng = new Rng(d);
    const vectors = Float32Array.from({ length: n * d }, () => rng.normal());
    const queries = Array.from({ length: 64 }, () => Float32Array.from({ length: d }, () => rng.normal()));
    const out = new Float32Array(n);
    const wasm = new RowScorer(vectors, n, d);
    const cases: [string, (u: Float32Array) => unknown][] = [
      ["one-row JS loop (before)", (u) => oneRowScores(vectors, u, n, d)],
      ["scoreRows, two rows per pass, reused buffer", (u) => scoreRows(vectors, u, n, d, undefined, out)],
      [`RowScorer (${wasm.backend})`, (u) => wasm.score(u)],
      ["one-row JS loop + topK 100", (u) => topK(oneRowScores(vectors, u, n, d), TOP_N)],
      [`RowScorer (${wasm.backend}) + topK 100`, (u) => topK(wasm.score(u), TOP_N)],
    ];
    const perRun = cases.map(() => [] as number[][]);
    for (let run = 0; run < RUNS; run++) {
      cases.forEach(([, fn], c) => {
        for (let w = 0; w < WARMUP; w++) fn(queries[w % queries.length]);
        const wall: number[] = [];
        const cpu: number[] = [];
        for (let r = 0; r < REQUESTS; r++) {
          const c0 = process.cpuUsage();
          const t = performance.now();
          fn(queries[r % queries.length]);
          wall.push(performance.now() - t);
          const dc = process.cpuUsage(c0);
          cpu.push((dc.user + dc.system) / 1000);
        }
        perRun[c].push([percentile(wall, 50), percentile(wall, 99), percentile(cpu, 50), percentile(cpu, 99)]);
      });
    }
    cases.forEach(([name], c) => {
      const cell = (j: number): string => median(perRun[c].map((r) => r[j])).toFixed(2);
      console.log(`| ${d} | ${name} | ${cell(0)} | ${cell(1)} | ${cell(2)} | ${cell(3)} |`);
    });
  }
  console.log(`medians of ${RUNS} runs x ${REQUESTS} requests; load average ${loadStart} → ${load()}`);
}

if (process.argv.includes("--kernels")) kernels();
else await main();
