import { describe, expect, it } from "vitest";
import { MemoryVectorIndex, type IvfOptions } from "../../../src/adapters/vector-index/memory.js";
import { assignList, dot, rng, trainIvf } from "../../../src/adapters/vector-index/ivf.js";
import type { SearchFilter, VectorPoint } from "../../../src/ports/vector-index.js";
import { vectorIndexContract } from "../../ports/vector-index.contract.js";

// IVF forced on from the first point. Every list is probed (nprobe ≥ nlist), so results must equal the
// exact ones: this exercises list-ordered storage, lazy build, overflow lists and tombstones under the
// whole contract without approximation noise.
vectorIndexContract("memory (IVF forced, all lists probed)", async () => ({
  index: new MemoryVectorIndex({ initialCapacity: 2, ivf: { minSize: 1, nlist: 4, nprobe: 4 } }),
}));

const DIM = 32;

/** Clustered synthetic data: `clusters` random unit centres, points = centre + gaussian noise. */
function clustered(
  n: number,
  clusters: number,
  seed: number,
  noise = 0.35,
): { points: VectorPoint[]; centres: Float32Array[] } {
  const r = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: clusters }, () => {
    const c = Float32Array.from({ length: DIM }, gauss);
    const norm = Math.hypot(...c);
    return c.map((x) => x / norm);
  });
  const points = Array.from({ length: n }, (_, i) => {
    const c = centres[Math.floor(r() * clusters)];
    const vector = c.map((x) => x + (noise / Math.sqrt(DIM)) * gauss());
    return { id: `i${i}`, vector, payload: { category: `c${i % 50}`, available: r() < 0.7, price: i } };
  });
  return { points, centres };
}

function queries(count: number, centres: Float32Array[], seed: number): Float32Array[] {
  const r = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Array.from({ length: count }, () =>
    centres[Math.floor(r() * centres.length)].map((x) => x + (0.35 / Math.sqrt(DIM)) * gauss()),
  );
}

async function loaded(points: VectorPoint[], ivf: IvfOptions | false): Promise<MemoryVectorIndex> {
  const index = new MemoryVectorIndex({ ivf });
  await index.ensureCollection("v", { dimension: DIM, distance: "cosine" });
  await index.upsert("v", points);
  return index;
}

const ids = (hits: { id: string }[]): string[] => hits.map((h) => h.id);

describe("MemoryVectorIndex IVF", () => {
  const N = 20_000;
  const data = clustered(N, 200, 11);
  const qs = queries(50, data.centres, 12);
  const ivfOpts: IvfOptions = { minSize: 10_000 };

  it("recall@10 vs exact is at least 0.95 with the default nprobe, and it scans fewer lists than all", async () => {
    const index = await loaded(data.points, ivfOpts);
    expect(await index.buildIndex("v")).toBe(true);
    const stats = await index.indexStats("v");
    expect(stats.mode).toBe("ivf");
    expect(stats.nlist).toBeGreaterThan(64); // ~sqrt(20k) lists, so 32 probes is a fraction of the data
    let found = 0;
    let narrowFound = 0;
    for (const q of qs) {
      const exact = new Set(ids(await index.search(q, { k: 10, version: "v", exact: true })));
      found += ids(await index.search(q, { k: 10, version: "v" })).filter((id) => exact.has(id)).length;
      narrowFound += ids(await index.search(q, { k: 10, version: "v", nprobe: 1 })).filter((id) =>
        exact.has(id),
      ).length;
    }
    const recall = found / (qs.length * 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // One probe must lose something, or the recall check above measures nothing approximate.
    expect(narrowFound / (qs.length * 10)).toBeLessThan(recall);
  });

  it("stays exact below minSize and when ivf is disabled", async () => {
    const small = await loaded(data.points.slice(0, 5000), ivfOpts);
    await small.search(qs[0], { k: 10, version: "v" });
    expect((await small.indexStats("v")).mode).toBe("exact");
    expect(await small.buildIndex("v")).toBe(false);
    const off = await loaded(data.points, false);
    await off.search(qs[0], { k: 10, version: "v" });
    expect((await off.indexStats("v")).mode).toBe("exact");
  });

  it("builds lazily on the first search at or above minSize", async () => {
    const index = await loaded(data.points, ivfOpts);
    expect((await index.indexStats("v")).mode).toBe("exact");
    await index.search(qs[0], { k: 10, version: "v" });
    expect((await index.indexStats("v")).mode).toBe("ivf");
  });

  it("honours filters exactly: every hit passes, with IVF recall close to unfiltered", async () => {
    // exactBelowMatches low so that these filters (~800 to 14 000 matches) go through IVF.
    const index = await loaded(data.points, { ...ivfOpts, exactBelowMatches: 100 });
    await index.buildIndex("v");
    const byId = new Map(data.points.map((p) => [p.id, p]));
    const filters: SearchFilter[] = [
      { categories: ["c1", "c2", "c3"], availableOnly: true, excludeIds: ["i1", "i2", "i3"] },
      { availableOnly: true },
      { categories: ["c4", "c40"], excludeIds: [] },
    ];
    let found = 0;
    let wanted = 0;
    for (const q of qs.slice(0, 10)) {
      for (const filter of filters) {
        const hits = await index.search(q, { k: 10, version: "v", filter });
        expect(hits).toHaveLength(10);
        for (const h of hits) {
          const p = byId.get(h.id);
          expect(p).toBeDefined();
          if (filter.categories) expect(filter.categories).toContain(p?.payload.category);
          if (filter.availableOnly) expect(p?.payload.available).toBe(true);
          expect(filter.excludeIds ?? []).not.toContain(h.id);
          expect(h.payload).toEqual(p?.payload);
        }
        const exact = new Set(ids(await index.search(q, { k: 10, version: "v", filter, exact: true })));
        found += ids(hits).filter((id) => exact.has(id)).length;
        wanted += exact.size;
      }
    }
    // The filters above (4 % to 70 % of the points) go through IVF: recall holds up there too.
    expect(found / wanted).toBeGreaterThanOrEqual(0.95);
  });

  it("answers a very selective filter (at most exactBelowMatches matches) with the exact scan", async () => {
    // One probe, so an IVF answer would visibly differ from the exact one.
    const selective: SearchFilter = { categories: ["c5"], availableOnly: true, excludeIds: ["i5"] }; // ~280 of 20 000 pass
    const fallback = await loaded(data.points, { ...ivfOpts, nprobe: 1 });
    const noFallback = await loaded(data.points, { ...ivfOpts, nprobe: 1, exactBelowMatches: 0 });
    await fallback.buildIndex("v");
    await noFallback.buildIndex("v");
    let differs = 0;
    for (const q of qs.slice(0, 20)) {
      const exact = ids(await fallback.search(q, { k: 10, version: "v", filter: selective, exact: true }));
      expect(ids(await fallback.search(q, { k: 10, version: "v", filter: selective }))).toEqual(exact);
      if (ids(await noFallback.search(q, { k: 10, version: "v", filter: selective })).join() !== exact.join())
        differs++;
    }
    expect(differs).toBeGreaterThan(0);
  });

  it("fills k even when the probed lists hold too few filter matches", async () => {
    // 12 "rare" points spread over the clusters; exact fallback off and one probe (~37 lists after the
    // selectivity scaling): the first lists hold only a few rare points, so probing must go on.
    const index = await loaded(data.points, { ...ivfOpts, nprobe: 1, exactBelowMatches: 0 });
    await index.buildIndex("v");
    const rare = data.points
      .slice(0, 12 * 97)
      .filter((_, i) => i % 97 === 0)
      .map((p, i) => ({ ...p, id: `rare${i}`, payload: { category: "rare", available: true } }));
    await index.upsert("v", rare);
    const filter = { categories: ["rare"] };
    const hits = await index.search(qs[0], { k: 10, version: "v", filter });
    expect(hits).toHaveLength(10);
    for (const h of hits) expect(h.payload.category).toBe("rare");
    // Without the fill-up walk only the rare points of the first lists would come back.
    const exact = await index.search(qs[0], { k: 12, version: "v", filter, exact: true });
    expect(exact).toHaveLength(12);
  });

  it("finds points upserted after the build, forgets deleted and replaced ones", async () => {
    const index = await loaded(data.points, ivfOpts);
    await index.buildIndex("v");
    const q = qs[3];
    const before = await index.search(q, { k: 10, version: "v" });
    // A new point identical to the query is the best match wherever its list is.
    await index.upsert("v", [{ id: "new", vector: q, payload: { category: "fresh", available: true } }]);
    const after = await index.search(q, { k: 10, version: "v" });
    expect(after[0]).toEqual({
      id: "new",
      score: expect.closeTo(1, 4),
      payload: { category: "fresh", available: true },
    });
    expect((await index.indexStats("v")).unindexed).toBe(1);
    // Delete the previous best: gone from every search mode; count follows.
    await index.delete("v", [before[0].id]);
    expect(ids(await index.search(q, { k: 10, version: "v" }))).not.toContain(before[0].id);
    expect(ids(await index.search(q, { k: 10, version: "v", exact: true }))).not.toContain(before[0].id);
    expect((await index.describe("v"))?.count).toBe(N);
    // Replace the new point with a far-away vector: it must not be found near q any more.
    await index.upsert("v", [
      { id: "new", vector: q.map((x) => -x), payload: { category: "fresh", available: false } },
    ]);
    const moved = await index.search(q, { k: 10, version: "v" });
    expect(ids(moved)).not.toContain("new");
    const far = await index.search(
      q.map((x) => -x),
      { k: 1, version: "v", filter: { categories: ["fresh"] } },
    );
    expect(far).toEqual([{ id: "new", score: expect.closeTo(1, 4), payload: { category: "fresh", available: false } }]);
    expect((await index.indexStats("v")).tombstones).toBe(2);
    expect((await index.describe("v"))?.count).toBe(N);
  });

  it("rebuilds after enough churn, compacting tombstones", async () => {
    const index = await loaded(data.points, { ...ivfOpts, rebuildAfter: 0.1 });
    await index.buildIndex("v");
    const gone = data.points.slice(0, 2500).map((p) => p.id);
    await index.delete("v", gone);
    expect((await index.indexStats("v")).tombstones).toBe(2500);
    const hits = await index.search(qs[0], { k: 10, version: "v" });
    const stats = await index.indexStats("v");
    expect(stats).toMatchObject({ mode: "ivf", tombstones: 0, unindexed: 0, count: N - 2500 });
    for (const id of ids(hits)) expect(gone).not.toContain(id);
  });

  it("is deterministic under a seed", async () => {
    const run = async (seed: number): Promise<string[][]> => {
      const index = await loaded(data.points, { ...ivfOpts, seed, nprobe: 1 });
      await index.buildIndex("v");
      const out: string[][] = [];
      for (const q of qs) out.push(ids(await index.search(q, { k: 10, version: "v" })));
      return out;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    // Another seed gives other lists, hence (with one probe) other approximate answers somewhere.
    expect(await run(6)).not.toEqual(a);
  });

  it("calibrates nprobe to the smallest one whose recall@k (less 2 standard errors) reaches the target, and it holds on held-out queries", async () => {
    // Wider clusters than the other tests (noise 0.9): the default nprobe is not already near-exact here.
    const wide = clustered(N, 200, 21, 0.9);
    const index = await loaded(wide.points, ivfOpts);
    await index.buildIndex("v");
    const recallAt = async (queries: Float32Array[], nprobe: number | undefined, k: number): Promise<number> => {
      let found = 0;
      for (const q of queries) {
        const exact = new Set(ids(await index.search(q, { k, version: "v", exact: true })));
        found += ids(await index.search(q, { k, version: "v", nprobe })).filter((id) => exact.has(id)).length;
      }
      return found / (queries.length * k);
    };
    const k = 100;
    const cal = await index.calibrateNprobe("v", queries(60, wide.centres, 22), { k, targetRecall: 0.95 });
    expect(cal).not.toBeNull();
    if (!cal) return;
    expect(cal.lower).toBeGreaterThanOrEqual(0.95);
    expect(cal.recall).toBeGreaterThan(cal.lower);
    expect(cal.nprobe).toBeLessThan(cal.nlist);
    // Minimal: one list fewer misses the target on the calibration queries (the curve has that point).
    if (cal.nprobe > 1) expect(cal.curve.find((p) => p.nprobe === cal.nprobe - 1)?.lower ?? 0).toBeLessThan(0.95);
    expect(await index.indexStats("v")).toMatchObject({ nprobe: cal.nprobe, calibrated: true });
    // The check that matters: plain searches (no nprobe given) on queries the calibration never saw.
    const heldOut = queries(60, wide.centres, 23);
    expect(await recallAt(heldOut, undefined, k)).toBeGreaterThanOrEqual(0.95);
    // A rebuild makes new lists: the calibration no longer applies and the configured default comes back.
    await index.buildIndex("v");
    expect(await index.indexStats("v")).toMatchObject({ nprobe: 40, calibrated: false });
    // No index, nothing to calibrate.
    const exactOnly = await loaded(wide.points.slice(0, 100), ivfOpts);
    expect(await exactOnly.calibrateNprobe("v", heldOut, { k: 10 })).toBeNull();
  });

  it("rejects bad IVF options and nprobe", async () => {
    expect(() => new MemoryVectorIndex({ ivf: { nprobe: 0 } })).toThrow(/nprobe/);
    expect(() => new MemoryVectorIndex({ ivf: { exactBelowMatches: -1 } })).toThrow(/exactBelowMatches/);
    const index = await loaded(data.points.slice(0, 10), ivfOpts);
    await expect(index.search(qs[0], { k: 1, version: "v", nprobe: 1.5 })).rejects.toMatchObject({
      code: "invalid_argument",
    });
  });
});

/**
 * Maximum-inner-product data: clustered directions with norms spread over ~e^±1 (lognormal), so the
 * top-k by dot product is dominated by long vectors, as with learned item embeddings.
 */
function mipsData(
  n: number,
  clusters: number,
  seed: number,
): { points: VectorPoint[]; queries: (count: number, seed: number) => Float32Array[] } {
  const r = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: clusters }, () => {
    const c = Float32Array.from({ length: DIM }, gauss);
    const norm = Math.hypot(...c);
    return c.map((x) => x / norm);
  });
  const points = Array.from({ length: n }, (_, i) => {
    const v = centres[Math.floor(r() * clusters)].map((x) => x + (0.9 / Math.sqrt(DIM)) * gauss());
    const scale = Math.exp(0.5 * gauss()) / Math.hypot(...v);
    return { id: `i${i}`, vector: v.map((x) => x * scale), payload: { category: `c${i % 50}`, available: true } };
  });
  const queries = (count: number, s: number): Float32Array[] => {
    const rq = rng(s);
    const g = (): number => Math.sqrt(-2 * Math.log(1 - rq())) * Math.cos(2 * Math.PI * rq());
    return Array.from({ length: count }, () =>
      centres[Math.floor(rq() * clusters)].map((x) => x + (0.9 / Math.sqrt(DIM)) * g()),
    );
  };
  return { points, queries };
}

describe("IVF on dot collections (MIPS quantizer)", () => {
  it("assigns a vector to the list with the best augmented score [x, sqrt(M² − |x|²)] · c, centroids unit length in d + 1", () => {
    const { points } = mipsData(2000, 20, 41);
    const vectors = new Float32Array(points.length * DIM);
    points.forEach((p, i) => {
      vectors.set(p.vector, i * DIM);
    });
    const slots = Int32Array.from({ length: points.length }, (_, i) => i);
    // 4 lists in 2 groups: the 2 best groups searched are all of them, so assignment must be the exact argmax.
    const model = trainIvf(vectors, DIM, slots, {
      nlist: 4,
      trainSample: 2000,
      iterations: 5,
      seed: 1,
      spherical: false,
      mips: true,
    });
    expect(model.extra).not.toBeNull();
    const extra = model.extra as Float32Array;
    let maxNorm = 0;
    for (let i = 0; i < points.length; i++)
      maxNorm = Math.max(maxNorm, Math.sqrt(dot(vectors, i * DIM, vectors, i * DIM, DIM)));
    expect(model.maxNorm).toBeCloseTo(maxNorm, 5);
    for (let l = 0; l < model.nlist; l++)
      expect(dot(model.centroids, l * DIM, model.centroids, l * DIM, DIM) + extra[l] ** 2).toBeCloseTo(1, 5);
    const sizes = new Array<number>(model.nlist).fill(0);
    for (let i = 0; i < points.length; i++) {
      const a = Math.sqrt(Math.max(0, maxNorm ** 2 - dot(vectors, i * DIM, vectors, i * DIM, DIM)));
      const score = (l: number): number => dot(vectors, i * DIM, model.centroids, l * DIM, DIM) + a * extra[l];
      let best = 0;
      for (let l = 1; l < model.nlist; l++) if (score(l) > score(best)) best = l;
      const got = assignList(model, vectors, i * DIM);
      expect(score(got)).toBeCloseTo(score(best), 5);
      sizes[got]++;
    }
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    // A vector longer than every trained one (upserted later) has no augmented coordinate: still assigned.
    const long = new Float32Array(DIM).fill(10);
    expect(assignList(model, long, 0)).toBeGreaterThanOrEqual(0);
  });

  it("reaches the recall target scanning fewer lists than Euclidean lists ranked by q·c, and recalls at least as much at a fixed nprobe", async () => {
    const data = mipsData(20_000, 100, 31);
    const k = 50;
    const measure = async (
      quantizer: "mips" | "euclidean",
    ): Promise<{ recall16: number; nprobe: number; heldOut: number }> => {
      const index = new MemoryVectorIndex({ ivf: { minSize: 10_000, quantizer } });
      await index.ensureCollection("v", { dimension: DIM, distance: "dot" });
      await index.upsert("v", data.points);
      await index.buildIndex("v");
      const recallAt = async (qs: Float32Array[], nprobe: number | undefined): Promise<number> => {
        let found = 0;
        for (const q of qs) {
          const exact = new Set(ids(await index.search(q, { k, version: "v", exact: true })));
          found += ids(await index.search(q, { k, version: "v", nprobe })).filter((id) => exact.has(id)).length;
        }
        return found / (qs.length * k);
      };
      const recall16 = await recallAt(data.queries(40, 32), 16);
      const cal = await index.calibrateNprobe("v", data.queries(60, 33), { k, targetRecall: 0.95 });
      return { recall16, nprobe: cal?.nprobe ?? Infinity, heldOut: await recallAt(data.queries(40, 34), undefined) };
    };
    const mips = await measure("mips");
    const euclidean = await measure("euclidean");
    // Measured: recall@50 at nprobe 16 0.77 vs 0.74; calibrated nprobe 45 vs 63 of 142 lists.
    expect(mips.recall16).toBeGreaterThanOrEqual(euclidean.recall16);
    expect(mips.nprobe).toBeLessThan(euclidean.nprobe * 0.85);
    expect(mips.heldOut).toBeGreaterThanOrEqual(0.94);
  });

  it("keeps exact results for points upserted after the build, longer than any indexed one", async () => {
    const data = mipsData(12_000, 50, 51);
    const index = new MemoryVectorIndex({ ivf: { minSize: 10_000, nprobe: 10_000 } }); // every list probed: must be exact
    await index.ensureCollection("v", { dimension: DIM, distance: "dot" });
    await index.upsert("v", data.points);
    await index.buildIndex("v");
    const q = data.queries(1, 52)[0];
    await index.upsert("v", [
      { id: "long", vector: q.map((x) => x * 100), payload: { category: "c0", available: true } },
    ]);
    const hits = await index.search(q, { k: 10, version: "v" });
    expect(hits[0].id).toBe("long");
    expect(ids(hits)).toEqual(ids(await index.search(q, { k: 10, version: "v", exact: true })));
  });

  it("rejects an unknown quantizer", () => {
    expect(() => new MemoryVectorIndex({ ivf: { quantizer: "pq" as unknown as "mips" } })).toThrow(/quantizer/);
  });
});
