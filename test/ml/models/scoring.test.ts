import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../../ml/core/rng.js";
import { topK } from "../../../ml/core/topk.js";
import { ContentRecommender } from "../../../ml/models/content.js";
import { FismBprRecommender } from "../../../ml/models/fism-bpr.js";
import { PureSvdRecommender } from "../../../ml/models/pure-svd.js";
import { scoreRows } from "../../../ml/models/common.js";
import { RowScorer, setWasmScoring } from "../../../ml/models/row-scorer.js";
import { serveTopN } from "../../../ml/eval/evaluate.js";

// Straightforward references for the optimised serving path: the one-row, four-accumulator dot product the
// models used before, and a full sort for the top-k (score descending, ties to the lower index, NaN and
// excluded items never ranked).
function referenceScores(
  vectors: Float32Array,
  u: Float32Array,
  n: number,
  d: number,
  bias?: Float32Array,
): Float32Array {
  const scores = new Float32Array(n);
  const d4 = d - (d % 4);
  for (let i = 0, base = 0; i < n; i++, base += d) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let f = 0;
    for (; f < d4; f += 4) {
      s0 += u[f] * vectors[base + f];
      s1 += u[f + 1] * vectors[base + f + 1];
      s2 += u[f + 2] * vectors[base + f + 2];
      s3 += u[f + 3] * vectors[base + f + 3];
    }
    for (; f < d; f++) s0 += u[f] * vectors[base + f];
    scores[i] = s0 + s1 + s2 + s3 + (bias === undefined ? 0 : bias[i]);
  }
  return scores;
}

function referenceTopK(scores: Float32Array, k: number, exclude: Iterable<number> = []): number[] {
  const ex = new Set(exclude);
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i]) && !ex.has(i)) idx.push(i);
  idx.sort((a, b) => (scores[a] === scores[b] ? a - b : scores[b] - scores[a]));
  return idx.slice(0, k);
}

function randomVectors(rng: Rng, n: number, d: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n * d }, () => rng.normal() * scale);
}

/** Scores with many exact ties, some NaN and infinities: the cases where top-k orders can silently differ. */
function tieHeavyScores(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const r = rng.next();
    if (r < 0.02) return Number.NaN;
    if (r < 0.03) return Number.NEGATIVE_INFINITY;
    if (r < 0.035) return Number.POSITIVE_INFINITY;
    if (r < 0.04) return -0;
    return rng.int(20) / 4;
  });
}

describe("topK matches a full sort", () => {
  it("on random scores, tie-heavy scores, with and without exclusions, for many k", () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(400);
      const scores = trial % 2 === 0 ? tieHeavyScores(rng, n) : Float32Array.from({ length: n }, () => rng.normal());
      const k = rng.int(n + 20);
      const exclude = Int32Array.from({ length: rng.int(30) }, () => rng.int(n + 5) - 2);
      expect(Array.from(topK(scores, k))).toEqual(referenceTopK(scores, k));
      expect(Array.from(topK(scores, k, exclude))).toEqual(referenceTopK(scores, k, exclude));
      expect(Array.from(topK(scores, k, new Set(exclude)))).toEqual(referenceTopK(scores, k, exclude));
    }
  });

  it("returns nothing for k <= 0", () => {
    expect(Array.from(topK(Float32Array.from([1, 2, 3]), 0))).toEqual([]);
    expect(Array.from(topK(Float32Array.from([1, 2, 3]), -1))).toEqual([]);
  });
});

describe("scoreRows (two rows per pass) is bit-for-bit the one-row reference", () => {
  it("for odd and even row counts, dims not divisible by 4, with and without bias, into a reused buffer", () => {
    const rng = new Rng(5);
    for (const [n, d] of [
      [1, 64],
      [2, 3],
      [7, 5],
      [1001, 64],
      [64, 33],
      [10, 1],
    ] as const) {
      const vectors = randomVectors(rng, n, d);
      const u = Float32Array.from({ length: d }, () => rng.normal());
      const bias = Float32Array.from({ length: n }, () => rng.normal());
      const out = new Float32Array(n).fill(Number.NaN);
      for (const b of [undefined, bias]) {
        const want = referenceScores(vectors, u, n, d, b);
        const got = scoreRows(vectors, u, n, d, b);
        const into = scoreRows(vectors, u, n, d, b, out);
        expect(into).toBe(out);
        for (let i = 0; i < n; i++) {
          expect(Object.is(got[i], want[i])).toBe(true);
          expect(Object.is(into[i], want[i])).toBe(true);
        }
      }
    }
  });
});

describe("RowScorer is bit-for-bit the one-row reference on both backends", () => {
  it("uses wasm SIMD on this runtime when d is a multiple of 4, JS otherwise or when turned off", () => {
    const v = new Float32Array(8 * 4);
    expect(new RowScorer(v, 8, 4).backend).toBe("wasm-simd");
    expect(new RowScorer(new Float32Array(8 * 6), 8, 6).backend).toBe("js");
    setWasmScoring(false);
    try {
      expect(new RowScorer(v, 8, 4).backend).toBe("js");
    } finally {
      setWasmScoring(true);
    }
  });

  it("for many shapes, with and without bias, across repeated calls (reused output)", () => {
    const rng = new Rng(17);
    for (const [n, d] of [
      [1, 4],
      [2, 8],
      [7, 12],
      [1001, 64],
      [333, 512],
      [64, 36],
      [5, 6],
      [9, 1],
    ] as const) {
      // Mixed magnitudes and exact zeros / negative zeros: summation order shows in the low bits.
      const vectors = Float32Array.from({ length: n * d }, () => {
        const r = rng.next();
        return r < 0.05 ? 0 : r < 0.07 ? -0 : rng.normal() * 10 ** (rng.int(7) - 3);
      });
      const bias = Float32Array.from({ length: n }, () => rng.normal() * 10 ** (rng.int(5) - 2));
      for (const b of [undefined, bias]) {
        const scorer = new RowScorer(vectors, n, d, b);
        expect(scorer.backend).toBe(d % 4 === 0 ? "wasm-simd" : "js");
        for (let call = 0; call < 3; call++) {
          const u = Float32Array.from({ length: d }, () => rng.normal() * 10 ** (rng.int(5) - 2));
          const want = referenceScores(vectors, u, n, d, b);
          const got = scorer.score(u);
          expect(got.length).toBe(n);
          for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i])) expect([i, got[i]]).toEqual([i, want[i]]);
        }
      }
    }
  });
});

describe.each([true, false])(
  "recommend (serving path) gives exactly topK(scoreAll) and the reference ranking (wasm %s)",
  (wasm) => {
    // Scorers are built lazily on a model's first scoring call, i.e. inside the tests below.
    beforeAll(() => setWasmScoring(wasm));
    afterAll(() => setWasmScoring(true));
    const n = 3001;
    const ids = Array.from({ length: n }, (_, i) => `i${i}`);
    const rng = new Rng(99);
    const d = 64;
    // Quantised vectors make exact score ties common, so the tie-break is really exercised.
    const quantised = (len: number): Float32Array => Float32Array.from({ length: len }, () => rng.int(5) - 2);
    const fism = FismBprRecommender.load({
      model: "fism-bpr",
      params: { dim: d, context: 10, contextDecay: 0.7 },
      blobs: {
        itemVectors: quantised(n * d),
        contextVectors: randomVectors(rng, n, d, 0.3),
        bias: Float32Array.from({ length: n }, () => rng.int(3)),
      },
      itemIds: ids,
    });
    const svd = PureSvdRecommender.load({
      model: "pure-svd",
      params: { dimActual: 48, maxHistory: 20, historyDecay: 0.8 },
      blobs: { itemVectors: randomVectors(rng, n, 48) },
      itemIds: ids,
    });
    const content = ContentRecommender.load({
      model: "content",
      params: { dim: 36, embedder: "test", maxHistory: 10, historyDecay: 0.7 },
      blobs: {
        itemVectors: randomVectors(rng, n, 36),
        prior: Float32Array.from({ length: n }, () => rng.next() * 0.01),
      },
      itemIds: ids,
    });
    const queries = Array.from({ length: 40 }, (_, q) => ({
      history: Int32Array.from({ length: q === 0 ? 0 : 1 + rng.int(60) }, () => rng.int(n)),
    }));

    for (const model of [fism, svd, content]) {
      it(`${model.name}`, () => {
        for (const q of queries) {
          const all = model.scoreAll(q);
          const want = referenceTopK(all, 100, q.history);
          expect(Array.from(model.recommend(q, 100, q.history))).toEqual(want);
          expect(Array.from(topK(model.scoreAll(q), 100, q.history))).toEqual(want);
          expect(Array.from(serveTopN(model, q, 100))).toEqual(want);
          // The reused buffer must not leak the previous request's exclusions or scores.
          expect(Array.from(model.recommend(q, 100))).toEqual(referenceTopK(all, 100));
          expect(Array.from(model.recommend(q, n + 5, new Set(q.history)))).toEqual(
            referenceTopK(all, n + 5, q.history),
          );
        }
        const backend = (model as unknown as { scorer: RowScorer }).scorer.backend;
        expect(backend).toBe(wasm ? "wasm-simd" : "js");
      });
    }

    it("fism-bpr scoreAll equals the reference dot product with its query vector", () => {
      const q = queries[3];
      const u = fism.queryVector(q);
      const want = referenceScores(fism.itemVectors(), u, n, d, fism.save().blobs.bias as Float32Array);
      const got = fism.scoreAll(q);
      for (let i = 0; i < n; i++) expect(Object.is(got[i], want[i])).toBe(true);
    });
  },
);
