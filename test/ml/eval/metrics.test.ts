import { describe, expect, it } from "vitest";
import { Rng } from "../../../ml/core/rng.js";
import { bootstrapInterval, hitAt, mean, mrrAt, ndcgAt, percentile, rankOfTarget } from "../../../ml/eval/metrics.js";

describe("ranking metrics", () => {
  it("match hand-computed values", () => {
    // rank 0 (first place): everything is 1
    expect(hitAt(0, 10)).toBe(1);
    expect(ndcgAt(0, 10)).toBe(1);
    expect(mrrAt(0, 10)).toBe(1);
    // rank 2 (third place): NDCG = 1/log2(4) = 0.5, MRR = 1/3
    expect(ndcgAt(2, 10)).toBeCloseTo(0.5, 12);
    expect(mrrAt(2, 10)).toBeCloseTo(1 / 3, 12);
    // rank 6: NDCG = 1/log2(8) = 1/3
    expect(ndcgAt(6, 10)).toBeCloseTo(1 / 3, 12);
    // outside the cut-off
    expect(hitAt(10, 10)).toBe(0);
    expect(ndcgAt(10, 10)).toBe(0);
    expect(mrrAt(10, 10)).toBe(0);
    expect(hitAt(9, 10)).toBe(1);
  });

  it("ranks the target by strictly greater scores, Infinity when excluded", () => {
    const rng = new Rng(1);
    const s = Float32Array.from([0.2, 0.9, 0.5, 0.1]);
    expect(rankOfTarget(s, 2, rng)).toBe(1);
    expect(rankOfTarget(s, 1, rng)).toBe(0);
    expect(rankOfTarget(s, 3, rng)).toBe(3);
    s[2] = Number.NEGATIVE_INFINITY;
    expect(rankOfTarget(s, 2, rng)).toBe(Number.POSITIVE_INFINITY);
  });

  it("breaks ties at random, on average in the middle", () => {
    const rng = new Rng(3);
    const s = new Float32Array(11); // all tied: expected rank 5
    let sum = 0;
    for (let i = 0; i < 5000; i++) sum += rankOfTarget(s, 0, rng);
    expect(sum / 5000).toBeGreaterThan(4.7);
    expect(sum / 5000).toBeLessThan(5.3);
  });

  it("mean and percentile", () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });

  it("bootstrap interval brackets the mean, is seeded, and shrinks with more data", () => {
    const rng = new Rng(5);
    const small = Float64Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const large = Float64Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const [lo, hi] = bootstrapInterval(small, rng);
    expect(lo).toBeLessThan(0.5);
    expect(hi).toBeGreaterThan(0.5);
    const [lo2, hi2] = bootstrapInterval(large, new Rng(5));
    expect(hi2 - lo2).toBeLessThan((hi - lo) / 3);
    expect(bootstrapInterval(small, new Rng(9))).toEqual(bootstrapInterval(small, new Rng(9)));
  });
});
