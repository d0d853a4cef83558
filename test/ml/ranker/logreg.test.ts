import { describe, expect, it } from "vitest";
import { Rng } from "../../../ml/core/rng";
import { choleskySolve, trainLogReg, trainPairwise } from "../../../ml/ranker/logreg";
import { metricsOf, pairedBootstrap } from "../../../ml/ranker/metrics";

/**
 * Planted pattern: cases of 30 candidates with 4 features. Feature 1 decides which candidate is the target
 * (the target has the largest value, through noise); feature 0 is pure noise; feature 2 is a constant;
 * feature 3 is feature 1 negated plus noise, so its learned weight must be negative.
 */
function planted(cases: number, seed: number): { x: Float32Array; positive: number; count: number }[] {
  const rng = new Rng(seed);
  const out = [];
  for (let c = 0; c < cases; c++) {
    const count = 30;
    const x = new Float32Array(count * 4);
    let best = -1;
    let bestV = -Infinity;
    for (let j = 0; j < count; j++) {
      const signal = rng.next();
      x[j * 4] = rng.next();
      x[j * 4 + 1] = signal;
      x[j * 4 + 2] = 1;
      x[j * 4 + 3] = 1 - signal + 0.3 * rng.next();
      const v = signal + 0.1 * rng.normal();
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out.push({ x, positive: best, count });
  }
  return out;
}

const top1 = (c: { x: Float32Array; count: number }, w: Float32Array): number => {
  let best = 0;
  let bestS = -Infinity;
  for (let j = 0; j < c.count; j++) {
    let s = 0;
    for (let f = 0; f < 4; f++) s += w[f] * c.x[j * 4 + f];
    if (s > bestS) {
      bestS = s;
      best = j;
    }
  }
  return best;
};

describe("ranker trainers (Newton)", () => {
  it("solves a symmetric positive definite system", () => {
    const A = Float64Array.of(4, 2, 0, 2, 5, 1, 0, 1, 3);
    const b = Float64Array.of(6, 8, 4); // x = (1, 1, 1)
    choleskySolve(A, b, 3);
    for (const v of b) expect(v).toBeCloseTo(1, 10);
  });

  it("pairwise: learns the planted feature, ignores noise, ranks held-out cases", () => {
    const fit = trainPairwise(planted(300, 1), 4, { l2: 1e-4 });
    expect(fit.weights[1]).toBeGreaterThan(5);
    expect(fit.weights[3]).toBeLessThan(0);
    expect(Math.abs(fit.weights[0])).toBeLessThan(0.2 * fit.weights[1]);
    expect(fit.weights[2]).toBeCloseTo(0, 6); // constant: cancels in every pair, only the ridge acts
    expect(fit.iterations).toBeLessThan(30);
    const test = planted(200, 2);
    const hits = test.filter((c) => top1(c, fit.weights) === c.positive).length;
    expect(hits / test.length).toBeGreaterThan(0.3); // chance is 1/30
  });

  it("pointwise: learns the planted feature and a bias, deterministically", () => {
    const cases = planted(300, 3);
    const x = new Float32Array(cases.length * 30 * 4);
    const y = new Uint8Array(cases.length * 30);
    cases.forEach((c, i) => {
      x.set(c.x, i * 30 * 4);
      y[i * 30 + c.positive] = 1;
    });
    const a = trainLogReg(x, y, 4, { l2: 1e-4 });
    const b = trainLogReg(x, y, 4, { l2: 1e-4 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.weights[1]).toBeGreaterThan(5);
    expect(Math.abs(a.weights[0])).toBeLessThan(0.2 * a.weights[1]);
    // More L2, smaller weights.
    expect(Math.abs(trainLogReg(x, y, 4, { l2: 1 }).weights[1])).toBeLessThan(Math.abs(a.weights[1]));
  });
});

describe("offline metrics", () => {
  it("HR@10 and NDCG@10 over orders; unrecalled targets count as misses", () => {
    const m = metricsOf([[5, 3, 1], [1, 2], [0]], [5, 2, -1]);
    expect(m.hr10).toBeCloseTo(2 / 3, 10);
    expect(m.ndcg10).toBeCloseTo((1 + 1 / Math.log2(3)) / 3, 10);
  });

  it("paired bootstrap: an interval around the mean difference, excluding 0 only for a real gap", () => {
    const rng = new Rng(7);
    const a = Float64Array.from({ length: 2000 }, () => rng.next());
    const better = Float64Array.from(a, (v) => v + 0.05 + 0.01 * rng.normal());
    const same = Float64Array.from(a, (v) => v + 0.1 * rng.normal());
    const r = pairedBootstrap(better, a, 1000, 1);
    expect(r.diff).toBeCloseTo(0.05, 2);
    expect(r.lo).toBeGreaterThan(0.04);
    expect(r.hi).toBeLessThan(0.06);
    const n = pairedBootstrap(same, a, 1000, 1);
    expect(n.lo).toBeLessThan(0);
    expect(n.hi).toBeGreaterThan(0);
    expect(pairedBootstrap(same, a, 1000, 1)).toEqual(n); // seeded
  });
});

describe("LambdaRank (linear)", () => {
  it("learns the planted feature and ranks held-out cases at least as well as plain pairwise", async () => {
    const { trainLambdaRank } = await import("../../../ml/ranker/logreg");
    const train = planted(300, 1);
    const lr = trainLambdaRank(train, 4, { l2: 1e-4, rounds: 3 });
    expect(lr.weights[1]).toBeGreaterThan(5);
    const test = planted(200, 2);
    const hits = (w: Float32Array): number => test.filter((c) => top1(c, w) === c.positive).length;
    expect(hits(lr.weights)).toBeGreaterThanOrEqual(hits(trainPairwise(train, 4, { l2: 1e-4 }).weights) - 5);
  });

  it("pair weights of 0 drop pairs: weighting only one case equals training on that case", () => {
    const cases = planted(20, 5);
    const only = cases.map((c, i) => new Float32Array(c.count).fill(i === 0 ? 1 : 0));
    const a = trainPairwise(cases, 4, { l2: 1e-3, pairWeights: only });
    const b = trainPairwise([cases[0]], 4, { l2: 1e-3 });
    for (let f = 0; f < 4; f++) expect(a.weights[f]).toBeCloseTo(b.weights[f], 5);
  });
});
