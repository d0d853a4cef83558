import { describe, expect, it } from "vitest";
import { MemoryVectorIndex } from "../../../src/adapters/vector-index/memory.js";
import { TopK } from "../../../src/adapters/vector-index/topk.js";
import { vectorIndexContract } from "../../ports/vector-index.contract.js";

vectorIndexContract("memory", async () => ({ index: new MemoryVectorIndex({ initialCapacity: 2 }) }));

describe("MemoryVectorIndex internals", () => {
  it("grows past its initial capacity and keeps every point searchable after swap-deletes", async () => {
    const index = new MemoryVectorIndex({ initialCapacity: 1 });
    await index.ensureCollection("v", { dimension: 3, distance: "dot" });
    const points = Array.from({ length: 100 }, (_, i) => ({
      id: `p${i}`,
      vector: Float32Array.from([i, 1, i % 7]),
      payload: { category: `c${i % 5}`, available: i % 2 === 0, price: i },
    }));
    await index.upsert("v", points);
    await index.delete(
      "v",
      points.filter((_, i) => i % 3 === 0).map((p) => p.id),
    );
    const hits = await index.search(Float32Array.from([1, 0, 0]), { k: 100, version: "v" });
    const expected = points.filter((_, i) => i % 3 !== 0).sort((a, b) => b.vector[0] - a.vector[0]);
    expect(hits.map((h) => h.id)).toEqual(expected.map((p) => p.id));
    for (const h of hits) expect(h.payload).toEqual(points[Number(h.id.slice(1))].payload);
  });

  it("rejects a bad initialCapacity", () => {
    expect(() => new MemoryVectorIndex({ initialCapacity: 0 })).toThrow(/initialCapacity/);
  });

  it("TopK keeps the k largest scores in order", () => {
    const heap = new TopK(3);
    for (const [s, i] of [
      [0.5, 1],
      [0.9, 2],
      [0.1, 3],
      [0.7, 4],
      [0.95, 5],
      [0.2, 6],
    ])
      heap.push(s, i);
    expect(heap.sorted()).toEqual([
      { score: 0.95, slot: 5 },
      { score: 0.9, slot: 2 },
      { score: 0.7, slot: 4 },
    ]);
    expect(heap.threshold).toBe(0.7);
  });
});
