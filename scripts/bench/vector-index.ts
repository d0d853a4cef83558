/**
 * Micro benchmark of the in-process VectorIndex at 100k and 1M items x 64 dims: exact scan vs IVF
 * (build time, median/p99 latency, recall@10 of IVF against exact, memory), measured in the same run
 * on the same data so the ratios hold on a noisy shared machine.
 *
 *   npx tsx scripts/bench/vector-index.ts [--sizes 100000,1000000] [--runs 3] [--queries 50] [--build-runs 3] [--noise 0.7] [--naive]
 *
 * Data: clustered (real embeddings are; on uniform random vectors no ANN index has structure to use):
 * n/500 random unit centres, item = centre + gaussian noise of norm --noise, normalised; queries drawn
 * the same way. At noise 1 and 1M items the top-10 is largely random far-cluster points (the max of 1M
 * near-orthogonal cosines rivals a point's own cluster), the regime where no IVF setting is cheap.
 * 100 categories (item i -> c(i % 100)), 70 % available.
 * Latency cells are the median over runs of each run's median / p99. Recall is the mean over all
 * queries of |IVF top-10 ∩ exact top-10| / 10. The index is created with exactBelowMatches: 0 so the
 * filtered rows measure IVF itself; the selectivity sweep is what the default fallback threshold rests on.
 * --naive adds the old baseline (score all into objects, Array.sort): slow, off by default.
 */
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory.js";
import type { SearchFilter, SearchHit, VectorPoint } from "../../src/ports/vector-index.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SIZES = arg("sizes", "100000,1000000").split(",").map(Number);
const RUNS = Number(arg("runs", "3"));
const QUERIES = Number(arg("queries", "50"));
const BUILD_RUNS = Number(arg("build-runs", "3"));
const NAIVE = process.argv.includes("--naive");
/** Gaussian noise norm around unit cluster centres: 0.7 puts items ~35° off their centre. */
const NOISE_NORM = Number(arg("noise", "0.7"));
const DIM = 64;
const K = 10;
const CATEGORIES = 100;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p99 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)];
};
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** The naive approach the index replaced: score all, sort all. */
function naiveSearch(data: Float32Array, n: number, query: Float32Array): { i: number; s: number }[] {
  const all: { i: number; s: number }[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < DIM; j++) s += data[i * DIM + j] * query[j];
    all.push({ i, s });
  }
  all.sort((a, b) => b.s - a.s);
  return all.slice(0, K);
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface Row {
  n: number;
  case: string;
  median: number;
  p99: number;
  /** Median CPU time per query: on a loaded machine wall time of anything over one time slice is inflated. */
  cpu: number;
  recall?: number;
  ratio?: number;
}

async function benchSize(n: number): Promise<{ rows: Row[]; notes: string[] }> {
  const rand = rng(n);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const clusters = Math.max(50, Math.round(n / 500));
  const centres = new Float32Array(clusters * DIM);
  for (let c = 0; c < clusters; c++) {
    let sq = 0;
    for (let j = 0; j < DIM; j++) sq += (centres[c * DIM + j] = gauss()) ** 2;
    for (let j = 0; j < DIM; j++) centres[c * DIM + j] /= Math.sqrt(sq);
  }
  const NOISE = NOISE_NORM / Math.sqrt(DIM);
  const draw = (out: Float32Array, o: number): void => {
    const c = Math.floor(rand() * clusters);
    let sq = 0;
    for (let j = 0; j < DIM; j++) sq += (out[o + j] = centres[c * DIM + j] + NOISE * gauss()) ** 2;
    for (let j = 0; j < DIM; j++) out[o + j] /= Math.sqrt(sq);
  };
  const data = new Float32Array(n * DIM);
  const cats = new Uint8Array(n);
  const avail = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    draw(data, i * DIM);
    cats[i] = i % CATEGORIES;
    avail[i] = rand() < 0.7 ? 1 : 0;
  }
  const queries = Array.from({ length: QUERIES }, () => {
    const q = new Float32Array(DIM);
    draw(q, 0);
    return q;
  });

  const rssBefore = process.memoryUsage().rss;
  const index = new MemoryVectorIndex({ initialCapacity: 1024, ivf: { exactBelowMatches: 0 } });
  await index.ensureCollection("bench", { dimension: DIM, distance: "cosine" });
  const loadMs = await time(async () => {
    const BATCH = 10_000;
    for (let start = 0; start < n; start += BATCH) {
      const batch: VectorPoint[] = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        batch.push({ id: `item-${i}`, vector: data.subarray(i * DIM, (i + 1) * DIM), payload: { category: `c${cats[i]}`, available: avail[i] === 1, price: i % 500 } });
      }
      await index.upsert("bench", batch);
    }
  });
  const rssLoaded = process.memoryUsage().rss;
  const exactStats = await index.indexStats("bench");
  const buildTimes: number[] = [];
  const buildCpu: number[] = []; // CPU time of this process: what the build costs on an idle core
  for (let r = 0; r < BUILD_RUNS; r++) {
    const cpu = process.cpuUsage();
    buildTimes.push(await time(() => index.buildIndex("bench")));
    const used = process.cpuUsage(cpu);
    buildCpu.push((used.user + used.system) / 1000);
  }
  const rssBuilt = process.memoryUsage().rss;
  const stats = await index.indexStats("bench");
  const notes = [
    `n=${n}: load ${(loadMs / 1000).toFixed(1)} s; IVF build median ${(median(buildTimes) / 1000).toFixed(2)} s wall, ${(median(buildCpu) / 1000).toFixed(2)} s CPU over ${BUILD_RUNS} (${buildTimes.map((t) => (t / 1000).toFixed(2)).join(", ")}); nlist=${stats.nlist}; ` +
      `typed-array storage ${mb(exactStats.bytes)} exact -> ${mb(stats.bytes)} with IVF; RSS +${mb(rssLoaded - rssBefore)} after load, ${mb(rssBuilt - rssLoaded)} more after builds`,
  ];
  console.log(notes[0]);

  const filter = (cats: number, availableOnly: boolean): SearchFilter => ({
    categories: Array.from({ length: cats }, (_, c) => `c${c * 7 % CATEGORIES}`),
    availableOnly,
    excludeIds: ["item-1", "item-2", "item-3", "item-4", "item-5"],
  });
  // Selectivity sweep (fraction of items passing): 0.7 %, 2.1 %, 5 %, 10.5 %, 70 %.
  const filters: { name: string; filter?: SearchFilter }[] = [
    { name: "no filter" },
    { name: "filter 10.5 % (15 cats + avail)", filter: filter(15, true) },
    { name: "filter 5 % (5 cats)", filter: filter(5, false) },
    { name: "filter 2.1 % (3 cats + avail)", filter: filter(3, true) },
    { name: "filter 0.7 % (1 cat + avail)", filter: filter(1, true) },
    { name: "filter 70 % (avail)", filter: { availableOnly: true } },
  ];

  const rows: Row[] = [];
  const measure = async (name: string, run: (q: Float32Array) => Promise<SearchHit[]> | unknown, qs: Float32Array[]): Promise<Row> => {
    for (const q of qs.slice(0, 3)) await run(q); // warm up the JIT
    const medians: number[] = [];
    const p99s: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const samples: number[] = [];
      const cpu: number[] = [];
      for (const q of qs) {
        const before = process.cpuUsage();
        samples.push(await time(() => run(q)));
        const used = process.cpuUsage(before);
        cpu.push((used.user + used.system) / 1000);
      }
      medians.push(median(samples));
      p99s.push(p99(samples));
      cpus.push(median(cpu));
    }
    const row: Row = { n, case: name, median: median(medians), p99: median(p99s), cpu: median(cpus) };
    rows.push(row);
    return row;
  };
  for (const f of filters) {
    const exact = await measure(`exact, ${f.name}`, (q) => index.search(q, { k: K, version: "bench", filter: f.filter, exact: true }), queries);
    const ivf = await measure(`IVF, ${f.name}`, (q) => index.search(q, { k: K, version: "bench", filter: f.filter }), queries);
    let hit = 0;
    let want = 0;
    for (const q of queries) {
      const truth = new Set((await index.search(q, { k: K, version: "bench", filter: f.filter, exact: true })).map((h) => h.id));
      hit += (await index.search(q, { k: K, version: "bench", filter: f.filter })).filter((h) => truth.has(h.id)).length;
      want += truth.size;
    }
    ivf.recall = hit / want;
    ivf.ratio = exact.median / ivf.median;
  }
  // nprobe sweep, unfiltered: the recall/latency trade-off behind the default.
  for (const nprobe of [16, 32, 64]) {
    const row = await measure(`IVF nprobe=${nprobe}, no filter`, (q) => index.search(q, { k: K, version: "bench", nprobe }), queries);
    let hit = 0;
    for (const q of queries) {
      const truth = new Set((await index.search(q, { k: K, version: "bench", exact: true })).map((h) => h.id));
      hit += (await index.search(q, { k: K, version: "bench", nprobe })).filter((h) => truth.has(h.id)).length;
    }
    row.recall = hit / (queries.length * K);
    row.ratio = (rows.find((r) => r.n === n && r.case === "exact, no filter")?.median ?? NaN) / row.median;
  }
  if (NAIVE) {
    const check = await index.search(queries[0], { k: K, version: "bench", exact: true });
    const ref = naiveSearch(data, n, queries[0]);
    if (check.map((h) => h.id).join() !== ref.map((r) => `item-${r.i}`).join()) throw new Error("exact index and naive baseline disagree on top-k");
    await measure("naive sort (baseline)", (q) => naiveSearch(data, n, q), queries.slice(0, 5));
  }
  return { rows, notes };
}

const rows: Row[] = [];
const notes: string[] = [];
for (const n of SIZES) {
  const r = await benchSize(n);
  rows.push(...r.rows);
  notes.push(...r.notes);
}

const { execSync } = await import("node:child_process");
console.log(`\nnode ${process.version}, dim=${DIM}, k=${K}, runs=${RUNS}, queries/run=${QUERIES}; load: ${execSync("uptime").toString().trim()}`);
for (const note of notes) console.log(note);
console.log(`noise norm ${NOISE_NORM}`);
console.log("| items | case | median ms | p99 ms | median CPU ms | exact / IVF (median) | recall@10 vs exact |");
console.log("|---:|---|---:|---:|---:|---:|---:|");
for (const row of rows) {
  const ratio = row.ratio === undefined ? "" : `${row.ratio.toFixed(1)}x`;
  const recall = row.recall === undefined ? "" : row.recall.toFixed(3);
  console.log(`| ${row.n.toLocaleString("en-US")} | ${row.case} | ${row.median.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.cpu.toFixed(2)} | ${ratio} | ${recall} |`);
}
