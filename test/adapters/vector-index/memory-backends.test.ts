import { describe, expect, it } from "vitest";
import { rng } from "../../../src/adapters/vector-index/ivf.js";
import { MemoryVectorIndex, type MemorySearchOptions } from "../../../src/adapters/vector-index/memory.js";
import type { SearchFilter, SearchHit, VectorDistance, VectorPoint } from "../../../src/ports/vector-index.js";
import { randomFloats, sameBits } from "../../ml/kernels/floats.js";
import { vectorIndexContract } from "../../ports/vector-index.contract.js";

// The whole port contract on the forced JS backend too (the default runs it on wasm-simd in memory.test.ts).
vectorIndexContract("memory (JS backend)", async () => ({
  index: new MemoryVectorIndex({ initialCapacity: 2, backend: "js" }),
}));

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
