import { describe, expect, it } from "vitest";
import { dot, rng } from "../../../src/adapters/vector-index/ivf.js";
import { MemoryVectorIndex, type MemorySearchOptions } from "../../../src/adapters/vector-index/memory.js";
import { scanKernelBytes, scanKernelModule, type ScanKernelExports } from "../../../src/lib/simd/scan-kernel.js";
import type { VectorDistance, SearchFilter, SearchHit, VectorPoint } from "../../../src/ports/vector-index.js";
import { vectorIndexContract } from "../../ports/vector-index.contract.js";

// The whole port contract on the forced JS backend too (the default runs it on wasm-simd in memory.test.ts).
vectorIndexContract("memory (JS backend)", async () => ({
  index: new MemoryVectorIndex({ initialCapacity: 2, backend: "js" }),
}));

/** Values that stress the summation: mixed signs and magnitudes, zeros (-0 products), subnormal floats. */
function randomFloats(n: number, r: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.03) out[i] = 0;
    else if (u < 0.05) out[i] = -0;
    else if (u < 0.06)
      out[i] = (r() < 0.5 ? -1 : 1) * 1e-40; // subnormal
    else out[i] = (r() * 2 - 1) * 10 ** Math.floor(r() * 8 - 4);
  }
  return out;
}

const sameBits = (a: number, b: number): boolean => Object.is(a, b);

describe("wasm SIMD scan kernel", () => {
  it("is available in Node", () => {
    expect(scanKernelModule(64)).toBeDefined();
  });

  it("scores bit-for-bit like the JS four-sum dot product, for any dimension, contiguous and gathered", () => {
    const r = rng(7);
    for (const d of [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 31, 32, 33, 63, 64, 65, 100, 127, 128, 257]) {
      const module = scanKernelModule(d);
      expect(module, `d=${d}`).toBeDefined();
      if (!module) continue;
      const n = 301; // odd
      const qOff = 0;
      const outOff = 8 * 1024 * 16;
      const slotsOff = outOff + n * 8;
      const vecOff = slotsOff + n * 4 + 4; // deliberately not 16-aligned
      const hitsOff = vecOff + n * d * 4 + 4;
      const memory = new WebAssembly.Memory({ initial: Math.ceil((hitsOff + n * 4) / 65536) + 1 });
      const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ScanKernelExports;
      const rows = randomFloats(n * d, r);
      // A zero row against any query (all products ±0) and a duplicate: -0 sums and ties.
      rows.fill(-0, 0, d);
      rows.copyWithin(d * 2, d, d * 2);
      new Float32Array(memory.buffer, vecOff, n * d).set(rows);
      const q = randomFloats(d, r);
      new Float64Array(memory.buffer, qOff, d).set(q);
      const slots = new Int32Array(memory.buffer, slotsOff, n);
      for (let t = 0; t < n; t++) slots[t] = (t * 7 + 3) % n;
      const out = new Float64Array(memory.buffer, outOff, n);
      const hits = new Int32Array(memory.buffer, hitsOff, n);
      const want = Array.from({ length: n }, (_, t) => dot(rows, t * d, q, 0, d));
      // thr = -Infinity keeps every row, in order.
      expect(k.range(vecOff, qOff, outOff, hitsOff, n, -Infinity)).toBe(n);
      for (let t = 0; t < n; t++)
        if (!sameBits(out[t], want[t]) || hits[t] !== t) expect.fail(`range d=${d} row ${t}: ${out[t]} vs ${want[t]}`);
      expect(Object.is(out[0], 0)).toBe(true); // +0, as JS's 0 + -0
      expect(k.gather(vecOff, qOff, slotsOff, outOff, hitsOff, n, -Infinity)).toBe(n);
      for (let t = 0; t < n; t++)
        if (!sameBits(out[t], want[slots[t]]) || hits[t] !== t) expect.fail(`gather d=${d} slot ${slots[t]}`);
      // A threshold keeps exactly the rows JS would not skip (!(score <= thr)), in order; a tie with thr is dropped.
      const thr = [...want].sort((a, b) => a - b)[Math.floor(n * 0.8)];
      const keptRows = want.flatMap((s, t) => (s <= thr ? [] : [t]));
      expect(k.range(vecOff, qOff, outOff, hitsOff, n, thr)).toBe(keptRows.length);
      keptRows.forEach((t, c) => {
        if (hits[c] !== t || !sameBits(out[c], want[t])) expect.fail(`range thr d=${d}: kept ${c}`);
      });
      const keptSlots = Array.from(slots).flatMap((slot, t) => (want[slot] <= thr ? [] : [t]));
      expect(k.gather(vecOff, qOff, slotsOff, outOff, hitsOff, n, thr)).toBe(keptSlots.length);
      keptSlots.forEach((t, c) => {
        if (hits[c] !== t || !sameBits(out[c], want[slots[t]])) expect.fail(`gather thr d=${d}: kept ${c}`);
      });
      expect(k.range(vecOff, qOff, outOff, hitsOff, n, Infinity)).toBe(0);
      expect(k.range(vecOff, qOff, outOff, hitsOff, n, Number.NaN)).toBe(n); // as JS: score <= NaN is false, nothing skipped
      expect(k.range(vecOff, qOff, outOff, hitsOff, 0, -Infinity)).toBe(0); // n = 0 writes nothing and does not trap
    }
  });

  it("rejects a bad dimension when building bytes", () => {
    expect(() => scanKernelBytes(0)).toThrow(RangeError);
  });
});

/** Clustered points with duplicates (ties), categories and availability. */
function dataset(n: number, d: number, seed: number): VectorPoint[] {
  const r = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: d }, gauss));
  const points: VectorPoint[] = [];
  for (let i = 0; i < n; i++) {
    const vector =
      i % 50 === 49 ? points[i - 7].vector : centres[Math.floor(r() * centres.length)].map((x) => x + 0.6 * gauss());
    points.push({ id: `p${i}`, vector, payload: { category: `c${i % 10}`, available: r() < 0.7, price: i } });
  }
  return points;
}

const filters: (SearchFilter | undefined)[] = [
  undefined,
  { excludeIds: ["p1", "p2", "p3", "p10", "p20"] },
  { availableOnly: true }, // 70 %: dense wasm scan, filtered after scoring
  { categories: ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"] }, // 80 %: dense
  { categories: ["c1", "c4"], availableOnly: true, excludeIds: ["p1", "p4"] }, // 14 %: gathered
  { categories: ["c3"] }, // 10 %: gathered
];

/** Searches `index` both ways and requires the same ids, order and score bits. */
async function compareBackends(
  index: MemoryVectorIndex,
  queries: Float32Array[],
  options: Omit<MemorySearchOptions, "filter">,
): Promise<number> {
  let compared = 0;
  for (const q of queries) {
    for (const filter of filters) {
      const wasm = await index.search(q, { ...options, filter });
      const js = await index.search(q, { ...options, filter, backend: "js" });
      expectSame(wasm, js);
      compared += wasm.length;
    }
  }
  return compared;
}

function expectSame(a: SearchHit[], b: SearchHit[]): void {
  expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
  for (let i = 0; i < a.length; i++)
    if (!sameBits(a[i].score, b[i].score)) expect.fail(`hit ${i} (${a[i].id}): ${a[i].score} vs ${b[i].score}`);
}

describe("MemoryVectorIndex backends", () => {
  it("reports its backend: wasm-simd by default in Node, js when forced", async () => {
    const auto = new MemoryVectorIndex();
    const js = new MemoryVectorIndex({ backend: "js" });
    for (const index of [auto, js]) {
      await index.ensureCollection("v", { dimension: 8, distance: "cosine" });
      await index.upsert("v", dataset(10, 8, 1));
    }
    expect((await auto.indexStats("v")).backend).toBe("wasm-simd");
    expect((await js.indexStats("v")).backend).toBe("js");
    expect(() => new MemoryVectorIndex({ backend: "wasm" as "js" })).toThrow(/backend/);
    await expect(
      auto.search(new Float32Array(8).fill(1), { k: 1, version: "v", backend: "wasm" as "js" }),
    ).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("falls back to JS, visibly, when compiling wasm from bytes is refused (as in workerd)", async () => {
    const original = WebAssembly.Module;
    // A dimension no other test compiles, so the per-dimension module cache has not seen it.
    const d = 11;
    (WebAssembly as { Module: unknown }).Module = function refused(): never {
      throw new WebAssembly.CompileError("Wasm code generation disallowed by embedder");
    };
    const index = new MemoryVectorIndex();
    try {
      await index.ensureCollection("v", { dimension: d, distance: "dot" });
    } finally {
      (WebAssembly as { Module: unknown }).Module = original;
    }
    const points = dataset(200, d, 2);
    await index.upsert("v", points);
    expect((await index.indexStats("v")).backend).toBe("js");
    const q = points[5].vector;
    const reference = new MemoryVectorIndex({ backend: "js" });
    await reference.ensureCollection("v", { dimension: d, distance: "dot" });
    await reference.upsert("v", points);
    expectSame(await index.search(q, { k: 10, version: "v" }), await reference.search(q, { k: 10, version: "v" }));
  });

  it("moves to the JS backend, keeping every point, when the wasm memory cannot grow", async () => {
    const points = dataset(2000, 16, 3);
    const index = new MemoryVectorIndex({ initialCapacity: 64 });
    const reference = new MemoryVectorIndex({ initialCapacity: 64, backend: "js" });
    for (const ix of [index, reference]) {
      await ix.ensureCollection("v", { dimension: 16, distance: "cosine" });
      await ix.upsert("v", points.slice(0, 60));
    }
    expect((await index.indexStats("v")).backend).toBe("wasm-simd");
    const grow = WebAssembly.Memory.prototype.grow;
    WebAssembly.Memory.prototype.grow = function refused(): number {
      throw new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded");
    };
    try {
      await index.upsert("v", points.slice(60)); // 64 -> 2048 rows: more than the first 64 KB page holds
    } finally {
      WebAssembly.Memory.prototype.grow = grow;
    }
    await reference.upsert("v", points.slice(60));
    expect(await index.indexStats("v")).toMatchObject({ backend: "js", count: 2000 });
    for (const q of points.slice(0, 5).map((p) => p.vector)) {
      for (const filter of filters)
        expectSame(
          await index.search(q, { k: 1000, version: "v", filter }),
          await reference.search(q, { k: 1000, version: "v", filter }),
        );
    }
  });

  for (const [d, distance] of [
    [64, "cosine"],
    [13, "dot"],
    [3, "cosine"],
  ] as [number, VectorDistance][]) {
    it(`gives bit-identical results to the JS scan: d=${d} ${distance}, exact and IVF, filters, growth, overflow lists, tombstones`, async () => {
      const points = dataset(3000, d, d);
      const r = rng(100 + d);
      const queries = Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0 ? points[Math.floor(r() * points.length)].vector : randomFloats(d, r).map((x) => x + 0.5),
      );
      // Tiny initial capacity: the wasm memory grows (and its views are re-created) many times on load.
      const index = new MemoryVectorIndex({
        initialCapacity: 1,
        ivf: { minSize: 1000, nlist: 24, nprobe: 6, exactBelowMatches: 100 },
      });
      const jsIndex = new MemoryVectorIndex({
        initialCapacity: 1,
        backend: "js",
        ivf: { minSize: 1000, nlist: 24, nprobe: 6, exactBelowMatches: 100 },
      });
      for (const ix of [index, jsIndex]) {
        await ix.ensureCollection("v", { dimension: d, distance });
        await ix.upsert("v", points.slice(0, 900)); // below minSize: exact, swap-deletes
        await ix.delete("v", ["p3", "p77", "p500"]);
      }
      expect((await index.indexStats("v")).backend).toBe("wasm-simd");
      let compared = await compareBackends(index, queries, { k: 25, version: "v" });
      for (const ix of [index, jsIndex]) {
        await ix.upsert("v", points.slice(900, 2500));
        await ix.buildIndex("v");
      }
      expect((await index.indexStats("v")).mode).toBe("ivf");
      compared += await compareBackends(index, queries, { k: 25, version: "v" });
      compared += await compareBackends(index, queries, { k: 25, version: "v", exact: true });
      compared += await compareBackends(index, queries, { k: 120, version: "v", nprobe: 24 });
      // After the build: upserts go to overflow lists (and grow the storage past its capacity, which moves the
      // centroids in wasm memory), deletes and replacements leave tombstones.
      for (const ix of [index, jsIndex]) {
        await ix.upsert("v", points.slice(2500));
        await ix.upsert(
          "v",
          points.slice(0, 40).map((p, i) => ({ ...p, vector: points[2999 - i].vector })),
        );
        await ix.delete(
          "v",
          points.slice(100, 160).map((p) => p.id),
        );
      }
      const stats = await index.indexStats("v");
      expect(stats).toMatchObject({ mode: "ivf", backend: "wasm-simd" });
      expect(stats.unindexed).toBeGreaterThan(500);
      expect(stats.tombstones).toBe(99); // 39 replaced (p3 was deleted before the build) + 60 deleted
      compared += await compareBackends(index, queries, { k: 25, version: "v" });
      compared += await compareBackends(index, queries, { k: 25, version: "v", exact: true });
      compared += await compareBackends(index, queries, { k: 120, version: "v", nprobe: 3 });
      // And against a separate index on JS storage: the same operations give the same answers.
      for (const q of queries) {
        for (const filter of filters) {
          expectSame(
            await index.search(q, { k: 25, version: "v", filter }),
            await jsIndex.search(q, { k: 25, version: "v", filter }),
          );
        }
      }
      expect(compared).toBeGreaterThan(1000);
      // A rebuild compacts the tombstones and still agrees.
      await index.buildIndex("v");
      await jsIndex.buildIndex("v");
      for (const q of queries)
        expectSame(await index.search(q, { k: 50, version: "v" }), await jsIndex.search(q, { k: 50, version: "v" }));
    });
  }
});
