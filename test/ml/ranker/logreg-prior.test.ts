import { describe, expect, it } from "vitest";
import { trainPairwise, type RankingCase } from "../../../ml/ranker/logreg";

/** Two features; the target of every case is the candidate with the larger feature 0. */
function cases(n: number): RankingCase[] {
  return Array.from({ length: n }, (_, c) => {
    const x = Float32Array.from([1 + (c % 3), 0.5, 0.2, 0.5 + (c % 2)]);
    return { x, positive: 0, count: 2 };
  });
}

describe("trainPairwise with a prior", () => {
  it("a strong pull keeps the weights at the prior; a weak one lets the data move them", () => {
    const prior = [-0.5, 0.25];
    const held = trainPairwise(cases(20), 2, { l2: 1e6, prior });
    expect(held.weights[0]).toBeCloseTo(-0.5, 3);
    expect(held.weights[1]).toBeCloseTo(0.25, 3);
    const moved = trainPairwise(cases(20), 2, { l2: 1e-3, prior });
    expect(moved.weights[0]).toBeGreaterThan(0); // the data says feature 0 wins
  });

  it("refuses a prior of another length", () => {
    expect(() => trainPairwise(cases(4), 2, { prior: [1, 2, 3] })).toThrow(/prior has 3 weights for 2 features/);
  });
});
