/**
 * Micro benchmark of the in-process VectorIndex: search latency at 100k and 1M items x 64 dims,
 * against a naive baseline (score everything into an array of objects, Array.sort, take k) measured
 * in the same run on the same data, so the ratio is meaningful on a noisy shared machine.
 *
 *   npx tsx scripts/bench/vector-index.ts [--sizes 100000,1000000] [--runs 5] [--queries 20]
 *
 * Reports, per size and case, the median over runs of each run's median and p99 latency.
 */
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory.js";
import type { SearchFilter, VectorPoint } from "../../src/ports/vector-index.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SIZES = arg("sizes", "100000,1000000").split(",").map(Number);
const RUNS = Number(arg("runs", "5"));
const QUERIES = Number(arg("queries", "20"));
const BASELINE_QUERIES = Math.max(2, Math.floor(QUERIES / 4)); // the baseline is slow; fewer samples
const DIM = 64;
const K = 10;
const CATEGORIES = 20;

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

/** The naive approach the index replaces: normalise, score all, sort all. */
function naiveSearch(data: Float32Array, cats: Uint8Array, avail: Uint8Array, n: number, query: Float32Array, filter?: { cats: Set<number>; excl: Set<number> }): { i: number; s: number }[] {
  let qn = 0;
  for (let j = 0; j < DIM; j++) qn += query[j] * query[j];
  qn = Math.sqrt(qn);
  const all: { i: number; s: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (filter && (!filter.cats.has(cats[i]) || avail[i] === 0 || filter.excl.has(i))) continue;
    let s = 0;
    for (let j = 0; j < DIM; j++) s += data[i * DIM + j] * query[j];
    all.push({ i, s: s / qn });
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
}

async function benchSize(n: number): Promise<Row[]> {
  const rand = rng(n);
  // Stored data, pre-normalised (as the index stores it) so the baseline scores the same vectors.
  const data = new Float32Array(n * DIM);
  const cats = new Uint8Array(n);
  const avail = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = 0; j < DIM; j++) {
      const x = rand() * 2 - 1;
      data[i * DIM + j] = x;
      sq += x * x;
    }
    const inv = 1 / Math.sqrt(sq);
    for (let j = 0; j < DIM; j++) data[i * DIM + j] *= inv;
    cats[i] = Math.floor(rand() * CATEGORIES);
    avail[i] = rand() < 0.7 ? 1 : 0;
  }

  const index = new MemoryVectorIndex({ initialCapacity: 1024 }); // grows by doubling, as in production
  await index.ensureCollection("bench", { dimension: DIM, distance: "cosine" });
  const buildMs = await time(async () => {
    const BATCH = 10_000;
    for (let start = 0; start < n; start += BATCH) {
      const batch: VectorPoint[] = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        batch.push({ id: `item-${i}`, vector: data.subarray(i * DIM, (i + 1) * DIM), payload: { category: `c${cats[i]}`, available: avail[i] === 1, price: i % 500 } });
      }
      await index.upsert("bench", batch);
    }
  });
  console.log(`n=${n}: built index in ${(buildMs / 1000).toFixed(1)} s (${Math.round(n / (buildMs / 1000))} upserts/s)`);

  const queries = Array.from({ length: QUERIES }, () => Float32Array.from({ length: DIM }, () => rand() * 2 - 1));
  const filter: SearchFilter = { categories: ["c1", "c2", "c3"], availableOnly: true, excludeIds: ["item-1", "item-2", "item-3", "item-4", "item-5"] };
  const naiveFilter = { cats: new Set([1, 2, 3]), excl: new Set([1, 2, 3, 4, 5]) };

  // Sanity: the index and the baseline agree on the top k.
  const check = await index.search(queries[0], { k: K, version: "bench" });
  const ref = naiveSearch(data, cats, avail, n, queries[0]);
  if (check.map((h) => h.id).join() !== ref.map((r) => `item-${r.i}`).join()) throw new Error("index and baseline disagree on top-k");

  const cases: { name: string; queries: number; run: (q: Float32Array) => unknown }[] = [
    { name: "index k=10", queries: QUERIES, run: (q) => index.search(q, { k: K, version: "bench" }) },
    { name: "index k=10 filtered", queries: QUERIES, run: (q) => index.search(q, { k: K, version: "bench", filter }) },
    { name: "naive sort k=10", queries: BASELINE_QUERIES, run: (q) => naiveSearch(data, cats, avail, n, q) },
    { name: "naive sort k=10 filtered", queries: BASELINE_QUERIES, run: (q) => naiveSearch(data, cats, avail, n, q, naiveFilter) },
  ];
  for (const c of cases) for (const q of queries.slice(0, 2)) await c.run(q); // warm up the JIT

  const rows: Row[] = [];
  for (const c of cases) {
    const medians: number[] = [];
    const p99s: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const samples: number[] = [];
      for (const q of queries.slice(0, c.queries)) samples.push(await time(() => c.run(q)));
      medians.push(median(samples));
      p99s.push(p99(samples));
    }
    rows.push({ n, case: c.name, median: median(medians), p99: median(p99s) });
  }
  return rows;
}

const all: Row[] = [];
for (const n of SIZES) all.push(...(await benchSize(n)));

console.log(`\nnode ${process.version}, dim=${DIM}, k=${K}, runs=${RUNS}, queries/run=${QUERIES} (baseline ${BASELINE_QUERIES})`);
console.log("| items | case | median ms | p99 ms | baseline / index (median) |");
console.log("|---:|---|---:|---:|---:|");
for (const row of all) {
  const base = all.find((r) => r.n === row.n && r.case === (row.case.includes("filtered") ? "naive sort k=10 filtered" : "naive sort k=10"));
  const ratio = row.case.startsWith("index") && base ? `${(base.median / row.median).toFixed(1)}x` : "";
  console.log(`| ${row.n.toLocaleString("en-US")} | ${row.case} | ${row.median.toFixed(2)} | ${row.p99.toFixed(2)} | ${ratio} |`);
}
