/**
 * Micro benchmark of the in-process VectorIndex at 100k and 1M items x 64 dims: exact scan vs IVF
 * (build time, median/p99 latency, recall@10 of IVF against exact, memory), measured in the same run
 * on the same data so the ratios hold on a noisy shared machine.
 *
 *   npx tsx scripts/bench/vector-index.ts [--sizes 100000,1000000 | --items 30000] [--runs 3] [--queries 50] [--build-runs 3]
 *     [--noise 0.7] [--k 10] [--nprobes 16,32,64] [--calibrate] [--backends js,wasm] [--only-unfiltered] [--naive]
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
 *
 * Backends: every case is measured with the wasm-simd scan kernel (the default where it compiles) and with
 * the JS loop (`backend: "js"` per search, same index, same data and lists), runs alternating between them;
 * a second table gives the CPU per query of each and their ratio, and every query's hits are checked to be
 * identical (ids, order, score bits) between the two. --backends wasm (or js) measures one only.
 * --calibrate adds a row at the nprobe calibrateNprobe picks (recall@k - 2 SE >= 0.95, as serving does).
 * --only-unfiltered skips the filtered rows (quicker at 1M).
 */
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory.js";
import type { SearchFilter, SearchHit, VectorPoint } from "../../src/ports/vector-index.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SIZES = arg("items", arg("sizes", "100000,1000000")).split(",").map(Number);
const RUNS = Number(arg("runs", "3"));
const QUERIES = Number(arg("queries", "50"));
const BUILD_RUNS = Number(arg("build-runs", "3"));
const NAIVE = process.argv.includes("--naive");
/** Gaussian noise norm around unit cluster centres: 0.7 puts items ~35° off their centre. */
const NOISE_NORM = Number(arg("noise", "0.7"));
const DIM = 64;
const K = Number(arg("k", "10"));
const NPROBES = arg("nprobes", "16,32,64").split(",").filter(Boolean).map(Number);
const CALIBRATE = process.argv.includes("--calibrate");
const ONLY_UNFILTERED = process.argv.includes("--only-unfiltered");
type Backend = "wasm" | "js";
const BACKENDS = arg("backends", "wasm,js").split(",") as Backend[];
if (BACKENDS.length === 0 || BACKENDS.some((b) => b !== "wasm" && b !== "js"))
  throw new Error("--backends: wasm and/or js");
/** The backend of the main table (and recall): wasm when measured. */
const MAIN: Backend = BACKENDS.includes("wasm") ? "wasm" : "js";
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
  /** Median CPU ms per query of each measured backend. */
  cpuBy: Partial<Record<Backend, number>>;
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
        batch.push({
          id: `item-${i}`,
          vector: data.subarray(i * DIM, (i + 1) * DIM),
          payload: { category: `c${cats[i]}`, available: avail[i] === 1, price: i % 500 },
        });
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
    categories: Array.from({ length: cats }, (_, c) => `c${(c * 7) % CATEGORIES}`),
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
  const mismatches: string[] = [];
  type Search = (q: Float32Array, backend: Backend) => Promise<SearchHit[]>;
  const opts = (backend: Backend): { backend?: "js" } => (backend === "js" ? { backend: "js" } : {});
  /** Runs alternate between the backends (same queries, same index), so both see the same machine state. */
  const measure = async (name: string, run: Search, qs: Float32Array[]): Promise<Row> => {
    for (const backend of BACKENDS) for (const q of qs.slice(0, 3)) await run(q, backend); // warm up the JIT
    if (BACKENDS.length > 1) {
      // Both backends must answer identically: same ids, same order, same score bits.
      for (const q of qs) {
        const [a, b] = [await run(q, "wasm"), await run(q, "js")];
        if (a.length !== b.length || a.some((h, i) => h.id !== b[i].id || !Object.is(h.score, b[i].score)))
          mismatches.push(`${n} ${name}`);
      }
    }
    const medians: number[] = [];
    const p99s: number[] = [];
    const cpus: Record<Backend, number[]> = { wasm: [], js: [] };
    for (let r = 0; r < RUNS; r++) {
      for (const backend of BACKENDS) {
        const samples: number[] = [];
        const cpu: number[] = [];
        for (const q of qs) {
          const before = process.cpuUsage();
          samples.push(await time(() => run(q, backend)));
          const used = process.cpuUsage(before);
          cpu.push((used.user + used.system) / 1000);
        }
        if (backend === MAIN) {
          medians.push(median(samples));
          p99s.push(p99(samples));
        }
        cpus[backend].push(median(cpu));
      }
    }
    const cpuBy: Partial<Record<Backend, number>> = {};
    for (const backend of BACKENDS) cpuBy[backend] = median(cpus[backend]);
    const row: Row = { n, case: name, median: median(medians), p99: median(p99s), cpu: cpuBy[MAIN] ?? NaN, cpuBy };
    rows.push(row);
    return row;
  };
  const recallOf = async (filter: SearchFilter | undefined, nprobe: number | undefined): Promise<number> => {
    let hit = 0;
    let want = 0;
    for (const q of queries) {
      const truth = new Set((await index.search(q, { k: K, version: "bench", filter, exact: true })).map((h) => h.id));
      hit += (await index.search(q, { k: K, version: "bench", filter, nprobe })).filter((h) => truth.has(h.id)).length;
      want += truth.size;
    }
    return hit / want;
  };
  for (const f of ONLY_UNFILTERED ? filters.slice(0, 1) : filters) {
    const exact = await measure(
      `exact, ${f.name}`,
      (q, b) => index.search(q, { k: K, version: "bench", filter: f.filter, exact: true, ...opts(b) }),
      queries,
    );
    const ivf = await measure(
      `IVF, ${f.name}`,
      (q, b) => index.search(q, { k: K, version: "bench", filter: f.filter, ...opts(b) }),
      queries,
    );
    ivf.recall = await recallOf(f.filter, undefined);
    ivf.ratio = exact.median / ivf.median;
  }
  // nprobe sweep, unfiltered: the recall/latency trade-off behind the default.
  const sweep: { nprobe: number; label: string }[] = NPROBES.map((nprobe) => ({ nprobe, label: `nprobe=${nprobe}` }));
  if (CALIBRATE) {
    // As serving does at publish: the smallest nprobe with recall@k - 2 SE >= 0.95 on separate queries.
    const calQueries = Array.from({ length: n > 200_000 ? 60 : 200 }, () => {
      const q = new Float32Array(DIM);
      draw(q, 0);
      return q;
    });
    const t0 = performance.now();
    const cal = await index.calibrateNprobe("bench", calQueries, { k: K, targetRecall: 0.95 });
    if (cal) {
      notes.push(
        `n=${n}: calibrateNprobe(k=${K}, 0.95, ${calQueries.length} queries) -> nprobe ${cal.nprobe} of ${cal.nlist} (recall ${cal.recall.toFixed(3)}, lower ${cal.lower.toFixed(3)}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      console.log(notes[notes.length - 1]);
      sweep.push({ nprobe: cal.nprobe, label: `calibrated nprobe=${cal.nprobe}` });
    }
  }
  for (const { nprobe, label } of sweep) {
    const row = await measure(
      `IVF ${label}, no filter`,
      (q, b) => index.search(q, { k: K, version: "bench", nprobe, ...opts(b) }),
      queries,
    );
    row.recall = await recallOf(undefined, nprobe);
    row.ratio = (rows.find((r) => r.n === n && r.case === "exact, no filter")?.median ?? NaN) / row.median;
  }
  if (mismatches.length > 0) throw new Error(`wasm and JS backends disagree: ${mismatches.join("; ")}`);
  if (BACKENDS.length > 1)
    notes.push(
      `n=${n}: wasm and JS backends gave identical hits (ids, order, score bits) for every query of every case`,
    );
  if (NAIVE) {
    const check = await index.search(queries[0], { k: K, version: "bench", exact: true });
    const ref = naiveSearch(data, n, queries[0]);
    if (check.map((h) => h.id).join() !== ref.map((r) => `item-${r.i}`).join())
      throw new Error("exact index and naive baseline disagree on top-k");
    await measure(
      "naive sort (baseline)",
      async (q) =>
        naiveSearch(data, n, q).map((r) => ({
          id: `item-${r.i}`,
          score: r.s,
          payload: { category: "", available: true },
        })),
      queries.slice(0, 5),
    );
  }
  return { rows, notes };
}

const loadAtStart = (await import("node:os"))
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(", ");
const rows: Row[] = [];
const notes: string[] = [];
for (const n of SIZES) {
  const r = await benchSize(n);
  rows.push(...r.rows);
  notes.push(...r.notes);
}

const { execSync } = await import("node:child_process");
console.log(
  `\nnode ${process.version}, dim=${DIM}, k=${K}, runs=${RUNS}, queries/run=${QUERIES}; load at start ${loadAtStart}; at end: ${execSync("uptime").toString().trim()}`,
);
for (const note of notes) console.log(note);
console.log(`noise norm ${NOISE_NORM}; main table backend: ${MAIN === "wasm" ? "wasm-simd" : "js"}`);
console.log(`| items | case | median ms | p99 ms | median CPU ms | exact / IVF (median) | recall@${K} vs exact |`);
console.log("|---:|---|---:|---:|---:|---:|---:|");
for (const row of rows) {
  const ratio = row.ratio === undefined ? "" : `${row.ratio.toFixed(1)}x`;
  const recall = row.recall === undefined ? "" : row.recall.toFixed(3);
  console.log(
    `| ${row.n.toLocaleString("en-US")} | ${row.case} | ${row.median.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.cpu.toFixed(2)} | ${ratio} | ${recall} |`,
  );
}
if (BACKENDS.length > 1) {
  console.log(
    "\nSearch CPU per query by scan backend (median over runs of each run's median; runs alternate between backends):",
  );
  console.log(`| items | case | JS CPU ms | wasm-simd CPU ms | JS / wasm | recall@${K} (both) |`);
  console.log("|---:|---|---:|---:|---:|---:|");
  for (const row of rows) {
    const js = row.cpuBy.js ?? NaN;
    const wasm = row.cpuBy.wasm ?? NaN;
    console.log(
      `| ${row.n.toLocaleString("en-US")} | ${row.case} | ${js.toFixed(3)} | ${wasm.toFixed(3)} | ${(js / wasm).toFixed(2)}x | ${row.recall === undefined ? "" : row.recall.toFixed(3)} |`,
    );
  }
}
