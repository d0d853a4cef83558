import { describe, expect, it, vi } from "vitest";

// The runtime's loader (#kernel-modules) replaced: `failure` decides what loading a kernel throws.
const runtime = vi.hoisted(() => ({ failure: null as Error | null, calls: 0 }));
vi.mock("#kernel-modules", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../ml/kernels/modules.node.js")>();
  return {
    kernelModule: (name: "scan" | "row-scorer") => {
      runtime.calls++;
      if (runtime.failure) throw runtime.failure;
      return real.kernelModule(name);
    },
  };
});

// Imported after the mock; each test re-imports them fresh (vi.resetModules) so the load cache is empty.
async function fresh() {
  vi.resetModules();
  runtime.calls = 0;
  const [{ kernelModule }, { VectorStorage }, { RowScorer }, { MemoryVectorIndex }] = await Promise.all([
    import("../../../ml/kernels/load.js"),
    import("../../../ml/kernels/vector-storage.js"),
    import("../../../ml/models/row-scorer.js"),
    import("../../../src/adapters/vector-index/memory.js"),
  ]);
  return { kernelModule, VectorStorage, RowScorer, MemoryVectorIndex };
}

describe("kernel modules", () => {
  it("are compiled once per process and shared", async () => {
    runtime.failure = null;
    const { kernelModule } = await fresh();
    const scan = kernelModule("scan");
    expect(scan).toBeInstanceOf(WebAssembly.Module);
    expect(kernelModule("scan")).toBe(scan);
    expect(kernelModule("row-scorer")).toBeInstanceOf(WebAssembly.Module);
    expect(runtime.calls).toBe(2);
    expect(WebAssembly.Module.exports(scan as WebAssembly.Module).map((e) => e.name)).toEqual(["range", "gather"]);
    expect(WebAssembly.Module.imports(scan as WebAssembly.Module).map((i) => `${i.module}.${i.name}`)).toEqual([
      "env.memory",
      "env.d",
    ]);
  });

  it("without wasm SIMD (the module does not compile), every user falls back to its JS loop, visibly and with the same answers", async () => {
    runtime.failure = new WebAssembly.CompileError("WebAssembly.Module(): invalid simd opcode");
    try {
      const { kernelModule, VectorStorage, RowScorer, MemoryVectorIndex } = await fresh();
      expect(kernelModule("scan")).toBeUndefined();
      expect(kernelModule("scan")).toBeUndefined();
      expect(runtime.calls).toBe(1); // the failure is remembered, not retried per call
      expect(new VectorStorage(8, 16, "wasm-simd").backend).toBe("js");
      const vectors = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i));
      const scorer = new RowScorer(vectors, 10, 4);
      expect(scorer.backend).toBe("js");
      expect(Array.from(scorer.score(Float32Array.of(1, 2, 3, 4)))).toHaveLength(10);

      const index = new MemoryVectorIndex();
      const reference = new MemoryVectorIndex({ backend: "js" });
      const points = Array.from({ length: 200 }, (_, i) => ({
        id: `p${i}`,
        vector: Float32Array.from({ length: 11 }, (_, j) => Math.sin(i * 11 + j)),
        payload: { category: `c${i % 5}`, available: true, price: i },
      }));
      for (const ix of [index, reference]) {
        await ix.ensureCollection("v", { dimension: 11, distance: "dot" });
        await ix.upsert("v", points);
      }
      expect((await index.indexStats("v")).backend).toBe("js");
      const q = points[5].vector;
      expect(await index.search(q, { k: 10, version: "v" })).toEqual(
        await reference.search(q, { k: 10, version: "v" }),
      );
    } finally {
      runtime.failure = null;
    }
  });

  it("a missing or unreadable .wasm is a broken build: it throws instead of quietly scoring in JS", async () => {
    runtime.failure = Object.assign(new Error("ENOENT: no such file or directory, open 'scan.wasm'"), {
      code: "ENOENT",
    });
    try {
      const { kernelModule, VectorStorage } = await fresh();
      expect(() => kernelModule("scan")).toThrow(/ENOENT/);
      expect(() => new VectorStorage(8, 16, "wasm-simd")).toThrow(/ENOENT/);
    } finally {
      runtime.failure = null;
    }
  });
});
