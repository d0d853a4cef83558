import { describe, expect, it } from "vitest";
import type { ModelArtifact, Query, Recommender, TrainData, ValidationCase } from "../../../ml/core/recommender.js";
import { Rng } from "../../../ml/core/rng.js";
import { bucketOf, HybridRecommender, normalizeRank, normalizeZ, quantileBounds } from "../../../ml/models/hybrid.js";

const N = 300;
const data: TrainData = {
  numItems: N,
  numUsers: 0,
  sequences: [],
  itemIds: Array.from({ length: N }, (_, i) => `i${i}`),
};

/**
 * A scripted component: a query's first history item is its case id; `truth` gives the case's target, and
 * `score(caseId, item, isTarget, length)` the component's opinion. Seeded per case, so scoring repeats.
 */
class Scripted implements Recommender {
  constructor(
    readonly name: string,
    private readonly truth: Map<number, number>,
    private readonly score: (rng: Rng, isTarget: boolean, length: number, item: number, caseId: number) => number,
    private readonly salt: number,
  ) {}
  fit(): Promise<void> {
    return Promise.resolve();
  }
  scoreAll(q: Query): Float32Array {
    const id = q.history[0];
    const target = this.truth.get(id) ?? -1;
    const rng = new Rng(id * 131 + this.salt);
    return Float32Array.from({ length: N }, (_, i) => this.score(rng, i === target, q.history.length, i, id));
  }
  scoreCandidates(q: Query, c: Int32Array): Float32Array {
    const all = this.scoreAll(q);
    return Float32Array.from(c, (i) => all[i]);
  }
  save(): ModelArtifact {
    return { model: this.name, params: {}, blobs: {}, itemIds: data.itemIds };
  }
}

/** Cases 0..n-1: history [id, ...] of length 1 + id % 4, a seeded target, optional 50 sampled candidates. */
function cases(
  n: number,
  withCandidates: boolean,
  offset = 0,
): { cases: ValidationCase[]; truth: Map<number, number> } {
  const rng = new Rng(3);
  const truth = new Map<number, number>();
  const out: ValidationCase[] = [];
  for (let k = 0; k < n; k++) {
    const id = offset + k;
    const len = 1 + (k % 4);
    const history = Int32Array.from({ length: len }, (_, j) => (j === 0 ? id : (id + j * 37) % N));
    let target = rng.int(N);
    while (history.includes(target)) target = rng.int(N);
    truth.set(id, target);
    let candidates: Int32Array | undefined;
    if (withCandidates) {
      const cand = [target];
      while (cand.length < 50) {
        const c = rng.int(N);
        if (!cand.includes(c) && !history.includes(c)) cand.push(c);
      }
      candidates = Int32Array.from(cand);
    }
    out.push({ history, target, candidates });
  }
  return { cases: out, truth };
}

/** Mean reciprocal rank of the target among the case's candidates (or all items but the history). */
function mrr(model: Recommender, cs: ValidationCase[]): number {
  let total = 0;
  for (const c of cs) {
    const q = { history: c.history };
    const ids = c.candidates ?? Int32Array.from({ length: N }, (_, i) => i).filter((i) => !c.history.includes(i));
    const s = c.candidates ? model.scoreCandidates(q, c.candidates) : model.scoreAll(q);
    const own = c.candidates ? s[0] : s[c.target];
    let rank = 0;
    ids.forEach((item, j) => {
      const v = c.candidates ? s[j] : s[item];
      if (item !== c.target && v >= own) rank++;
    });
    total += 1 / (rank + 1);
  }
  return total / cs.length;
}

describe("hybrid: per-history-length weights", () => {
  // "short" knows the target only for histories of length <= 2, "long" only for longer ones: no single
  // weight vector can follow both, per-length weights can.
  const { cases: val, truth } = cases(2000, false);
  const { cases: test, truth: testTruth } = cases(800, false, 5000);
  for (const [k, v] of testTruth) truth.set(k, v);
  const short = new Scripted("short", truth, (r, t, len) => (t && len <= 2 ? 1 : 0.9 * r.next()), 1);
  const long = new Scripted("long", truth, (r, t, len) => (t && len > 2 ? 1 : 0.9 * r.next()), 2);

  it("learns separate weights per length bucket, and they beat one global blend on held-out cases", async () => {
    const global = new HybridRecommender([short, long], { poolSize: 20 });
    await global.fit(data, { seed: 1, validation: val });
    const bucketed = new HybridRecommender([short, long], { poolSize: 20, lengthBuckets: 2 });
    await bucketed.fit(data, { seed: 1, validation: val });
    const spec = bucketed.blendSpec;
    expect(spec.bounds).toEqual([2]);
    expect(spec.weights[0][0]).toBeGreaterThan(spec.weights[0][1]); // short histories: "short"
    expect(spec.weights[1][1]).toBeGreaterThan(spec.weights[1][0]); // long histories: "long"
    expect(bucketed.validationReport.hybrid).toBeGreaterThan(0.99);
    expect(global.validationReport.hybrid).toBeLessThan(0.95);
    // held-out cases (never seen while learning): the bucketed blend ranks the target first every time
    expect(mrr(bucketed, test)).toBeGreaterThan(0.99);
    expect(mrr(bucketed, test)).toBeGreaterThan(mrr(global, test) + 0.02);
  });

  it("round-trips the per-bucket blend through save/load", async () => {
    const h = new HybridRecommender([short, long], { poolSize: 20, lengthBuckets: 2 });
    await h.fit(data, { seed: 1, validation: val });
    const loaded = HybridRecommender.load(h.save(), (a) => (a.model === "short" ? short : long));
    expect(loaded.blendSpec).toEqual(h.blendSpec);
    for (const c of test.slice(0, 20))
      expect(Array.from(loaded.scoreAll({ history: c.history }))).toEqual(
        Array.from(h.scoreAll({ history: c.history })),
      );
  });
});

describe("hybrid: score normalisation chosen by cross-validation", () => {
  // "sharp" ranks the target second behind one outlier item whose score is 1 to 10^4 times the rest (the
  // scale changes from query to query); "weak" is mildly informative on a fixed scale and does not favour
  // the outlier. Min-max and z-scores let the outlier's scale decide how much "sharp" counts; ranks do not.
  const { cases: val, truth } = cases(2000, true);
  const { cases: test, truth: testTruth } = cases(800, true, 5000);
  for (const [k, v] of testTruth) truth.set(k, v);
  const candidatesOf = new Map<number, Int32Array>();
  for (const c of [...val, ...test]) candidatesOf.set(c.history[0], c.candidates!);
  const outlier = (id: number): number => candidatesOf.get(id)![1 + (id % 7)];
  const sharp = new Scripted(
    "sharp",
    truth,
    (r, t, _len, item, id) => (item === outlier(id) ? 10 ** (4 * new Rng(id).next()) : t ? 0.9 : 0.8 * r.next()),
    3,
  );
  const weak = new Scripted("weak", truth, (r, t) => (t ? 0.4 + 0.6 * r.next() : r.next()), 4);

  it("normalize=auto picks rank normalisation, which beats min-max on held-out cases", async () => {
    const auto = new HybridRecommender([sharp, weak], { normalize: "auto" });
    const logs: string[] = [];
    await auto.fit(data, { seed: 1, validation: val, onProgress: (m) => logs.push(m) });
    expect(auto.blendSpec.normalize).toBe("rank");
    const cv = auto.validationReport;
    expect(cv["cv:rank/buckets=0"]).toBeGreaterThan(cv["cv:minmax/buckets=0"] + 0.02);
    expect(logs.some((l) => l.startsWith("chosen by CV: rank"))).toBe(true);
    const minmax = new HybridRecommender([sharp, weak], { normalize: "minmax" });
    await minmax.fit(data, { seed: 1, validation: val });
    expect(mrr(auto, test)).toBeGreaterThan(mrr(minmax, test) + 0.02);
  });
});

describe("normalisation and buckets", () => {
  it("ranks with ties counted half, z-scores over finite entries, buckets by quantile bounds", () => {
    expect(Array.from(normalizeRank(Float32Array.from([3, 1, 3, 2, 0])))).toEqual([0.875, 0.25, 0.875, 0.5, 0]);
    const z = normalizeZ(Float32Array.from([1, 2, 3, Number.NEGATIVE_INFINITY]));
    expect(z[0]).toBeCloseTo(-Math.sqrt(1.5), 5);
    expect(z[1]).toBe(0);
    expect(z[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(quantileBounds([1, 1, 1, 2, 2, 3, 5, 8], 4)).toEqual([1, 2, 3]);
    expect(quantileBounds([4, 4, 4], 3)).toEqual([]);
    expect([1, 2, 3, 9].map((l) => bucketOf(l, [1, 3]))).toEqual([0, 1, 1, 2]);
  });
});
