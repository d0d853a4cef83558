import { describe, expect, it } from "vitest";
import type { ModelArtifact, Query, Recommender, TrainData, ValidationCase } from "../../../ml/core/recommender.js";
import { Rng } from "../../../ml/core/rng.js";
import { expectedRank, ndcgOfRank } from "../../../ml/eval/metrics.js";
import { coldMask, routeCold } from "../../../ml/models/cold-routing.js";
import { HybridRecommender } from "../../../ml/models/hybrid.js";
import { loadModel } from "../../../ml/models/index.js";

describe("routeCold", () => {
  it("puts each cold item where the router ranks it among the warm items, keeping warm scores and cold order", () => {
    // warm items 0..3 (blend 10, 20, 30, 40; router 1, 2, 3, 4); cold items 4..6
    const blend = Float32Array.from([10, 20, 30, 40, 0, 0, 0]);
    const router = Float32Array.from([1, 2, 3, 4, 3.5, 0.5, 9]);
    const cold = new Set([4, 5, 6]);
    const out = routeCold(blend.slice(), router, (j) => cold.has(j));
    expect(Array.from(out.subarray(0, 4))).toEqual([10, 20, 30, 40]);
    expect(out[4]).toBeGreaterThan(30); // router 3.5: between the warm items at 3 and 4
    expect(out[4]).toBeLessThan(40);
    expect(out[5]).toBeLessThan(10); // below every warm item
    expect(out[6]).toBeGreaterThan(40); // above every warm item
  });

  it("maps by quantile, not by value: the router's scale does not matter", () => {
    const blend = Float32Array.from([0.1, 0.2, 0.9, 0]);
    const router = Float32Array.from([100, 300, 200, 250]); // cold item 3 is above 2 of 3 warm items by router
    const out = routeCold(blend.slice(), router, (j) => j === 3);
    // warm blends sorted 0.1, 0.2, 0.9: two below → between 0.2 and 0.9
    expect(out[3]).toBeGreaterThan(0.2);
    expect(out[3]).toBeLessThan(0.9);
  });

  it("leaves scores alone without cold items and keeps non-finite entries", () => {
    const blend = Float32Array.from([1, 2, Number.NEGATIVE_INFINITY]);
    const out = routeCold(blend.slice(), Float32Array.from([3, 2, 1]), () => false);
    expect(Array.from(out)).toEqual([1, 2, Number.NEGATIVE_INFINITY]);
    const mask = coldMask(4, [{ items: Int32Array.from([0, 2]) }]);
    expect(Array.from(mask)).toEqual([0, 1, 0, 1]);
  });
});

const N = 200;
const WARM = 150; // items 150..199 have no training interactions
const data: TrainData = {
  numItems: N,
  numUsers: 1,
  sequences: [{ user: 0, items: Int32Array.from({ length: WARM }, (_, i) => i), timestamps: new Float64Array(WARM) }],
  itemIds: Array.from({ length: N }, (_, i) => `i${i}`),
};

/** Scripted component (query `now` = case id): `score(rng, isTarget, item)`. */
class Scripted implements Recommender {
  constructor(
    readonly name: string,
    private readonly truth: Map<number, number>,
    private readonly score: (rng: Rng, isTarget: boolean, item: number) => number,
    private readonly salt: number,
  ) {}
  fit(): Promise<void> {
    return Promise.resolve();
  }
  scoreAll(q: Query): Float32Array {
    const id = q.now ?? -1;
    const target = this.truth.get(id) ?? -1;
    const rng = new Rng(id * 7919 + this.salt);
    return Float32Array.from({ length: N }, (_, i) => this.score(rng, i === target, i));
  }
  scoreCandidates(q: Query, c: Int32Array): Float32Array {
    const all = this.scoreAll(q);
    return Float32Array.from(c, (i) => all[i]);
  }
  save(): ModelArtifact {
    return { model: "random", params: {}, blobs: {}, itemIds: data.itemIds };
  }
}

/** Cases whose target is cold with probability `coldShare`; history of 6 warm items. */
function makeCases(n: number, offset: number, coldShare: number, truth: Map<number, number>, seed: number) {
  const rng = new Rng(seed);
  const out: ValidationCase[] = [];
  for (let k = 0; k < n; k++) {
    const id = offset + k;
    const history = Int32Array.from({ length: 6 }, () => rng.int(WARM));
    let target = rng.next() < coldShare ? WARM + rng.int(N - WARM) : rng.int(WARM);
    while (history.includes(target)) target = rng.int(WARM);
    truth.set(id, target);
    out.push({ history, target, now: id });
  }
  return out;
}

function meanNdcg(m: Recommender, cases: ValidationCase[]): number {
  let sum = 0;
  for (const c of cases)
    sum += ndcgOfRank(expectedRank(m.scoreAll({ history: c.history, now: c.now }), c.target, new Set(c.history)), 10);
  return sum / cases.length;
}

describe("hybrid: cold-item routing", () => {
  const truth = new Map<number, number>();
  // "collab" finds warm targets well and scores every cold item 0 (no signal); "content" is weaker on warm
  // targets but is the only one that can see cold ones.
  const collab = new Scripted("collab", truth, (r, t, i) => (i >= WARM ? 0 : 1 + r.next() + (t ? 0.9 : 0)), 1);
  const content = new Scripted("content", truth, (r, t) => r.next() + (t ? 0.5 : 0), 2);
  const val = makeCases(600, 0, 0.3, truth, 1);
  const testCold = makeCases(600, 100_000, 0.9, truth, 2);

  it("routes cold items through content when validation does not show a loss, and beats both parts on a cold-heavy window", async () => {
    const h = new HybridRecommender([collab, content], { guard: "on" });
    const logs: string[] = [];
    await h.fit(data, { seed: 1, validation: val, onProgress: (m) => logs.push(m) });
    expect(h.blendSpec.route).toEqual([true]);
    expect(logs.some((m) => m.startsWith("cold routing"))).toBe(true);
    const hy = meanNdcg(h, testCold);
    expect(hy).toBeGreaterThan(meanNdcg(collab, testCold));
    expect(hy).toBeGreaterThan(meanNdcg(content, testCold));
    const off = new HybridRecommender([collab, content], { guard: "on", coldRouting: "off" });
    await off.fit(data, { seed: 1, validation: val });
    expect(off.blendSpec.route).toEqual([false]);
    expect(hy).toBeGreaterThan(meanNdcg(off, testCold));
  });

  it("turns routing off when it clearly costs the warm targets on validation", async () => {
    // a content model that is pure noise: routing puts cold items above warm targets at random
    const noise = new Scripted("content", truth, (r) => r.next(), 3);
    const warmVal = makeCases(600, 200_000, 0, truth, 3);
    const h = new HybridRecommender([collab, noise], { guard: "on" });
    await h.fit(data, { seed: 1, validation: warmVal });
    expect(h.blendSpec.route).toEqual([false]);
  });

  it("rejects an unknown coldRouting and keeps the cold items and routing through save/load", async () => {
    expect(() => new HybridRecommender([collab], { coldRouting: "maybe" })).toThrow(/coldRouting/);
    const h = new HybridRecommender([collab, content], { guard: "on", coldRouting: "on" });
    await h.fit(data, { seed: 1, validation: val.slice(0, 100) });
    const a = h.save();
    expect(a.blobs.coldItems).toEqual(Int32Array.from({ length: N - WARM }, (_, i) => WARM + i));
    expect((a.params.blend as { route: boolean[] }).route).toEqual([true]);
  });
});

// keep the registry import used: the hybrid loader goes through it
void loadModel;
