import { describe, expect, it } from "vitest";
import { mixSeed, Rng } from "../../../ml/core/rng.js";
import { topK } from "../../../ml/core/topk.js";

describe("Rng", () => {
  it("repeats its stream for the same seed and differs for another", () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it("draws integers uniformly in range", () => {
    const rng = new Rng(1);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40_000; i++) counts[rng.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe("mixSeed", () => {
  it("is deterministic, order-sensitive and spreads nearby inputs", () => {
    expect(mixSeed(42, 1, 2)).toBe(mixSeed(42, 1, 2));
    expect(mixSeed(42, 1, 2)).not.toBe(mixSeed(42, 2, 1));
    const seen = new Set<number>();
    for (let e = 0; e < 100; e++) for (let b = 0; b < 100; b++) seen.add(mixSeed(7, e, b));
    expect(seen.size).toBe(10_000);
    for (const s of seen) expect(s >>> 0).toBe(s);
  });
});

describe("topK", () => {
  it("returns the k best in descending order, ties to the lower index", () => {
    const s = Float32Array.from([0.1, 0.9, 0.5, 0.9, 0.3]);
    expect(Array.from(topK(s, 3))).toEqual([1, 3, 2]);
  });

  it("skips excluded items and NaN", () => {
    const s = Float32Array.from([5, 4, Number.NaN, 3, 2]);
    expect(Array.from(topK(s, 2, Int32Array.from([0])))).toEqual([1, 3]);
  });

  it("handles k larger than n", () => {
    expect(Array.from(topK(Float32Array.from([1, 2]), 10))).toEqual([1, 0]);
  });
});
