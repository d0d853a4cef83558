import { describe, expect, it } from "vitest";
import { kernelModule } from "../../ml/kernels/load";
import { scoreRows } from "../../ml/models/common";
import { RowScorer } from "../../ml/models/row-scorer";
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory";

// Runs inside workerd: the WebAssembly kernels arrive as `.wasm` imports (ml/kernels/modules.workerd.ts), the
// only way workerd takes wasm, so Workers score with SIMD too, and with the same bits as the JS loops.

/** Deterministic floats with mixed signs and magnitudes (summation order shows in the low bits). */
function floats(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7919 + i * 104729) * 10 ** ((i % 7) - 3));
}

describe("WebAssembly kernels in workerd", () => {
  it("come precompiled from the .wasm imports: compiling bytes at run time is refused here", () => {
    const scan = kernelModule("scan");
    expect(scan).toBeInstanceOf(WebAssembly.Module);
    expect(kernelModule("row-scorer")).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(scan as WebAssembly.Module).map((e) => e.name)).toEqual(["range", "gather"]);
    // The reason for the imports: the same kernel given as bytes does not compile inside workerd.
    const bytes = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
    expect(() => new WebAssembly.Module(bytes)).toThrow(/disallowed/i);
  });

  it("the vector index scans with SIMD and returns the JS scan's hits, bit for bit", async () => {
    const d = 13; // not a multiple of 4: the tail path too
    const index = new MemoryVectorIndex({ ivf: false });
    const reference = new MemoryVectorIndex({ ivf: false, backend: "js" });
    const points = Array.from({ length: 3000 }, (_, i) => ({
      id: `p${i}`,
      vector: floats(d, i),
      payload: { category: `c${i % 10}`, available: i % 3 !== 0, price: i },
    }));
    for (const ix of [index, reference]) {
      await ix.ensureCollection("v", { dimension: d, distance: "dot" });
      await ix.upsert("v", points);
    }
    expect((await index.indexStats("v")).backend).toBe("wasm-simd");
    expect((await reference.indexStats("v")).backend).toBe("js");
    for (const filter of [undefined, { availableOnly: true }, { categories: ["c3"] }]) {
      for (const q of [floats(d, 90001), floats(d, 90002), points[17].vector]) {
        const hits = await index.search(q, { k: 50, version: "v", filter });
        const js = await reference.search(q, { k: 50, version: "v", filter });
        expect(hits.length).toBe(50);
        expect(hits.map((h) => h.id)).toEqual(js.map((h) => h.id));
        for (let i = 0; i < hits.length; i++) expect(Object.is(hits[i].score, js[i].score)).toBe(true);
      }
    }
  });

  it("the models' row scorer uses SIMD and gives the JS loop's scores, bit for bit", () => {
    const [n, d] = [1001, 64];
    const vectors = floats(n * d, 1);
    const bias = floats(n, 2);
    const scorer = new RowScorer(vectors, n, d, bias);
    expect(scorer.backend).toBe("wasm-simd");
    const u = floats(d, 3);
    const got = scorer.score(u);
    const want = scoreRows(vectors, u, n, d, bias);
    for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i])) expect([i, got[i]]).toEqual([i, want[i]]);
  });
});
