import { describe, expect, it } from "vitest";
import { Rng } from "../../../../ml/core/rng.js";
import { expectedRank } from "../../../../ml/eval/metrics.js";
import { rankFirst } from "../../../../ml/models/sequential/metrics.js";
import { initParams, makeLayout } from "../../../../ml/models/sequential/params.js";
import { encodeLast, scoreItems } from "../../../../ml/models/sequential/scorer.js";
import { protocolMetrics, type ValCase } from "../../../../ml/models/sequential/trainer.js";

const N = 60;
const layout = makeLayout({ numItems: N, dim: 8, blocks: 1, maxLen: 10 });
const theta = new Float32Array(layout.total);
initParams(layout, theta, 7, 0.5);

function cases(n: number, withCandidates: boolean): ValCase[] {
  const rng = new Rng(3);
  return Array.from({ length: n }, () => {
    const history = Int32Array.from({ length: 1 + rng.int(8) }, () => rng.int(N));
    let target = rng.int(N);
    while (history.includes(target)) target = rng.int(N);
    const c: ValCase = { history, target };
    if (withCandidates) c.candidates = Int32Array.from([target, ...Array.from({ length: 20 }, () => rng.int(N))]);
    return c;
  });
}

/** HR@10 of the cases, each ranked by `rank`. */
function hr(cs: ValCase[], rank: (c: ValCase, scores: Float32Array) => number): number {
  let hits = 0;
  for (const c of cs) {
    const u = encodeLast(layout, theta, [c.history]);
    if (rank(c, scoreItems(layout, theta, u, c.candidates ?? null)) < 10) hits++;
  }
  return hits / cs.length;
}

describe("SASRec early-stopping validation ranks as the protocol does", () => {
  it("ranks against every item outside the history when a case has no candidates (full ranking)", () => {
    const cs = cases(80, false);
    const got = protocolMetrics(layout, theta, cs);
    // ties count against the target in both (pessimistic), so compare with a strict full-ranking count
    const want = hr(cs, (c, s) => {
      let r = 0;
      const hist = new Set(c.history);
      for (let j = 0; j < s.length; j++) if (j !== c.target && !hist.has(j) && s[j] >= s[c.target]) r++;
      return r;
    });
    expect(got.users).toBe(80);
    expect(got.hr).toBeCloseTo(want, 10);
    // a full ranking over 60 items is harder than 10 of them: far from HR 1
    expect(got.hr).toBeLessThan(0.5);
    // and agrees with the harness's expected rank when there are no ties
    const viaHarness = hr(cs, (c, s) => expectedRank(s, c.target, new Set(c.history)));
    expect(got.hr).toBeCloseTo(viaHarness, 10);
  });

  it("ranks among the case's own candidates (target first) when it has them", () => {
    const cs = cases(80, true);
    expect(protocolMetrics(layout, theta, cs).hr).toBeCloseTo(
      hr(cs, (_, s) => rankFirst(s)),
      10,
    );
  });
});
