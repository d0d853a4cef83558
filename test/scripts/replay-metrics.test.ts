import { describe, expect, it } from "vitest";
import {
  bootstrapInterval,
  hitAt,
  ndcgAt,
  normalInterval,
  pairedDifference,
  quantile,
  rankOf,
} from "../../scripts/lib/replay/metrics";
import { buildComparison } from "../../scripts/lib/replay/report";
import type { RunResult } from "../../scripts/lib/replay/run";

describe("replay scoring", () => {
  it("ranks are 1-based and 0 when absent", () => {
    expect(rankOf(["a", "b", "c"], "a")).toBe(1);
    expect(rankOf(["a", "b", "c"], "c")).toBe(3);
    expect(rankOf(["a", "b", "c"], "z")).toBe(0);
  });

  it("HR@k and NDCG@k match hand-computed values", () => {
    expect(hitAt(1, 10)).toBe(1);
    expect(hitAt(10, 10)).toBe(1);
    expect(hitAt(11, 10)).toBe(0);
    expect(hitAt(0, 10)).toBe(0);
    expect(ndcgAt(1, 10)).toBe(1);
    expect(ndcgAt(3, 10)).toBeCloseTo(0.5, 12); // 1 / log2(4)
    expect(ndcgAt(7, 10)).toBeCloseTo(1 / 3, 12); // 1 / log2(8)
    expect(ndcgAt(11, 10)).toBe(0);
    expect(ndcgAt(0, 10)).toBe(0);
  });

  it("normal interval: mean ± 1.96·sd/√n by hand", () => {
    // values 0,0,1,1: mean 0.5, sample variance 1/3, se = sqrt(1/3/4) = 0.288675
    const i = normalInterval([0, 0, 1, 1]);
    expect(i.mean).toBe(0.5);
    expect(i.hi - i.mean).toBeCloseTo(1.96 * Math.sqrt(1 / 12), 10);
    expect(i.mean - i.lo).toBeCloseTo(1.96 * Math.sqrt(1 / 12), 10);
  });

  it("quantile interpolates linearly", () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
  });

  it("bootstrap interval: degenerate data has zero width; otherwise it brackets the mean and agrees with the normal one", () => {
    expect(bootstrapInterval([1, 1, 1, 1])).toEqual({ mean: 1, lo: 1, hi: 1, n: 4 });
    const values = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? 1 : 0)); // p = 0.2
    const b = bootstrapInterval(values, { seed: 7 });
    const n = normalInterval(values);
    expect(b.mean).toBeCloseTo(0.2, 12);
    expect(b.lo).toBeLessThan(0.2);
    expect(b.hi).toBeGreaterThan(0.2);
    expect(Math.abs(b.lo - n.lo)).toBeLessThan(0.01);
    expect(Math.abs(b.hi - n.hi)).toBeLessThan(0.01);
    expect(bootstrapInterval(values, { seed: 7 })).toEqual(b); // seeded: reproducible
  });

  it("paired difference is on − off per case, and refuses runs of different lengths", () => {
    const d = pairedDifference([0, 1, 0, 1], [1, 1, 0, 1]);
    expect(d.mean).toBe(0.25);
    expect(d.lo).toBeGreaterThanOrEqual(0);
    expect(() => pairedDifference([0], [0, 1])).toThrow(/differ in length/);
  });

  it("comparison: equal-count windows over cases, per surface, with both runs and their paired diff", () => {
    const run = (mode: "off" | "on", ranks: number[]): RunResult => ({
      mode,
      cases: ranks.map((r, index) => ({ index, ranks: { feed: r }, modelVersion: "v" })),
      rejected: {},
      requests: 0,
      wallMs: 0,
      startMs: 0,
      modelVersions: {},
    });
    const off = run("off", [1, 0, 0, 0, 3, 0]);
    const on = run("on", [1, 2, 0, 0, 3, 3]);
    const { windows, overall } = buildComparison({
      k: 10,
      surfaces: ["feed"],
      windows: 2,
      times: [10, 20, 30, 40, 50, 60],
      runs: { off, on },
      seed: 1,
    });
    expect(windows.map((w) => [w.from, w.to, w.n])).toEqual([
      [10, 30, 3],
      [40, 60, 3],
    ]);
    expect(windows[0].metrics.feed?.hr.off?.mean).toBeCloseTo(1 / 3, 12);
    expect(windows[0].metrics.feed?.hr.on?.mean).toBeCloseTo(2 / 3, 12);
    expect(windows[0].metrics.feed?.hr.diff?.mean).toBeCloseTo(1 / 3, 12);
    expect(windows[1].metrics.feed?.ndcg.on?.mean).toBeCloseTo((0.5 + 0.5) / 3, 12);
    expect(overall.n).toBe(6);
    expect(overall.metrics.feed?.hr.off?.mean).toBeCloseTo(2 / 6, 12);
  });
});
