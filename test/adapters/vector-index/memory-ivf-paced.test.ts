import { describe, expect, it } from "vitest";
import { MemoryVectorIndex } from "../../../src/adapters/vector-index/memory.js";
import { rng, trainIvf, trainIvfPaced } from "../../../src/adapters/vector-index/ivf.js";
import type { VectorPoint } from "../../../src/ports/vector-index.js";

const DIM = 16;

function points(n: number, seed: number): VectorPoint[] {
  const r = rng(seed);
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: DIM }, () => r() - 0.5));
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    vector: centres[i % 20].map((x) => x + 0.1 * (r() - 0.5)),
    payload: { category: `c${i % 7}`, available: true, price: i },
  }));
}

async function index(ps: VectorPoint[], distance: "dot" | "cosine" = "dot"): Promise<MemoryVectorIndex> {
  const idx = new MemoryVectorIndex({ ivf: { minSize: 100 } });
  await idx.ensureCollection("v", { dimension: DIM, distance });
  await idx.upsert("v", ps);
  return idx;
}

describe("IVF build paced for a serving thread (buildIndex with pause)", () => {
  const ps = points(3000, 5);
  const queries = points(20, 9).map((p) => p.vector);

  it("trainIvfPaced gives the model trainIvf gives, pausing between steps", async () => {
    const vectors = new Float32Array(ps.length * DIM);
    ps.forEach((p, i) => {
      vectors.set(p.vector, i * DIM);
    });
    const slots = Int32Array.from(ps, (_, i) => i);
    const params = { nlist: 30, trainSample: 2000, iterations: 8, seed: 3, spherical: false, mips: true };
    let pauses = 0;
    const paced = await trainIvfPaced(vectors, DIM, slots, params, async () => void pauses++);
    expect(pauses).toBeGreaterThan(8);
    expect(paced).toEqual(trainIvf(vectors, DIM, slots, params));
  });

  it("answers searches exactly as the unpaced build, and yields to the event loop while building", async () => {
    const a = await index(ps);
    const b = await index(ps);
    expect(await a.buildIndex("v")).toBe(true);
    let timers = 0;
    const yieldNow = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
    const tick = setInterval(() => timers++, 0);
    expect(await b.buildIndex("v", { pause: yieldNow })).toBe(true);
    clearInterval(tick);
    expect(timers).toBeGreaterThan(0);
    expect((await b.indexStats("v")).mode).toBe("ivf");
    for (const q of queries)
      expect((await b.search(q, { k: 10, version: "v" })).map((h) => h.id)).toEqual(
        (await a.search(q, { k: 10, version: "v" })).map((h) => h.id),
      );
  });

  it("points written during a paced build are not lost: the build starts over on the new data", async () => {
    const idx = await index(ps, "cosine");
    const late = points(3100, 6)
      .slice(3000)
      .map((p, i) => ({ ...p, id: `late${i}` }));
    let wrote = false;
    await idx.buildIndex("v", {
      pause: async () => {
        if (wrote) return;
        wrote = true;
        await idx.upsert("v", late);
      },
    });
    expect((await idx.indexStats("v")).count).toBe(3100);
    expect((await idx.indexStats("v")).unindexed).toBe(0);
    for (const p of [late[0], late[99], ps[0]])
      expect((await idx.search(p.vector, { k: 1, version: "v", exact: true }))[0].id).toBe(p.id);
    expect((await idx.search(late[0].vector, { k: 1, version: "v", nprobe: 1000 }))[0].id).toBe("late0");
  });
});
