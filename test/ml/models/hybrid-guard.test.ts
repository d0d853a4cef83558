import { describe, expect, it } from "vitest";
import type { ModelArtifact, Query, Recommender, TrainData, ValidationCase } from "../../../ml/core/recommender.js";
import { Rng } from "../../../ml/core/rng.js";
import { expectedRank, ndcgOfRank } from "../../../ml/eval/metrics.js";
import { userSegment } from "../../../ml/eval/segments.js";
import { HybridRecommender } from "../../../ml/models/hybrid.js";

const N = 200;
const data: TrainData = {
  numItems: N,
  numUsers: 0,
  sequences: [],
  itemIds: Array.from({ length: N }, (_, i) => `i${i}`),
};

/** A scripted component: the query's `now` is its case id; `score` gives its opinion of each item. */
class Scripted implements Recommender {
  constructor(
    readonly name: string,
    private readonly truth: Map<number, number>,
    private readonly score: (rng: Rng, isTarget: boolean, length: number) => number,
    private readonly salt: number,
  ) {}
  fit(): Promise<void> {
    return Promise.resolve();
  }
  scoreAll(q: Query): Float32Array {
    const id = q.now ?? -1;
    const target = this.truth.get(id) ?? -1;
    const rng = new Rng(id * 7919 + this.salt);
    return Float32Array.from({ length: N }, (_, i) => this.score(rng, i === target, q.history.length));
  }
  scoreCandidates(q: Query, c: Int32Array): Float32Array {
    const all = this.scoreAll(q);
    return Float32Array.from(c, (i) => all[i]);
  }
  save(): ModelArtifact {
    return { model: this.name, params: {}, blobs: {}, itemIds: data.itemIds };
  }
}

/** Cases with history lengths 0..9 (so all three user segments), ids from `offset`, full ranking. */
function makeCases(n: number, offset: number, truth: Map<number, number>, seed: number): ValidationCase[] {
  const rng = new Rng(seed);
  const out: ValidationCase[] = [];
  for (let k = 0; k < n; k++) {
    const id = offset + k;
    const len = k % 10;
    const history = Int32Array.from({ length: len }, () => rng.int(N));
    let target = rng.int(N);
    while (history.includes(target)) target = rng.int(N);
    truth.set(id, target);
    out.push({ history, target, now: id });
  }
  return out;
}

/** Mean NDCG@10 per user segment, ranked as the full-ranking protocol does (history excluded). */
function ndcgBySegment(model: Recommender, cases: ValidationCase[]): Record<string, number> {
  const sum: Record<string, number> = {};
  const n: Record<string, number> = {};
  for (const c of cases) {
    const s = model.scoreAll({ history: c.history, now: c.now });
    const seg = userSegment(c.history.length);
    sum[seg] = (sum[seg] ?? 0) + ndcgOfRank(expectedRank(s, c.target, new Set(c.history)), 10);
    n[seg] = (n[seg] ?? 0) + 1;
  }
  return Object.fromEntries(Object.keys(sum).map((k) => [k, sum[k] / n[k]]));
}

describe("hybrid: per-segment blend with a guard", () => {
  const truth = new Map<number, number>();
  const val = makeCases(1500, 0, truth, 1);
  const test = makeCases(1500, 100_000, truth, 2);
  // "pop" is weakly right everywhere; "seq" is perfect on long histories and pure noise (louder than pop's
  // signal) elsewhere; "junk" is noise everywhere.
  const pop = new Scripted("pop", truth, (r, t) => (t ? 0.45 : 0) + r.next(), 1);
  const seq = new Scripted("seq", truth, (r, t, len) => (t && len > 4 ? 10 : 0) + 3 * r.next(), 2);
  const junk = new Scripted("junk", truth, (r) => r.next(), 3);

  it("gives a useless component no weight where it does not help, and never loses to a part on validation or held-out cases", async () => {
    const h = new HybridRecommender([pop, seq, junk], { lengthBuckets: "segments", guard: "on", poolSize: 30 });
    await h.fit(data, { seed: 1, validation: val });
    const spec = h.blendSpec;
    expect(spec.bounds).toEqual([0, 4]);
    // no history and short histories: seq and junk get nothing; long: seq carries the blend.
    for (const b of [0, 1]) {
      expect(spec.weights[b][1]).toBe(0);
      expect(spec.weights[b][2]).toBe(0);
      expect(spec.weights[b][0]).toBeGreaterThan(0);
    }
    expect(spec.weights[2][1]).toBeGreaterThan(0);
    expect(spec.weights[2][2]).toBe(0);
    // On validation (exact ranking), the deployed choice of each segment is at least every part alone.
    for (const label of ["0–0", "1–4", "≥ 5"]) {
      const parts = ["pop", "seq", "junk"].map((p) => h.validationReport[`guard:${label}:${p}`]);
      const chosen = h.guardChoice[["0–0", "1–4", "≥ 5"].indexOf(label)];
      const deployed =
        chosen === "blend"
          ? h.validationReport[`guard:${label}:blend`]
          : h.validationReport[`guard:${label}:${chosen}`];
      for (const p of parts) expect(deployed).toBeGreaterThanOrEqual(p);
    }
    // Held-out cases: per segment, the hybrid is at least its best part (small tolerance for sampling).
    const hyb = ndcgBySegment(h, test);
    const parts = [pop, seq, junk].map((m) => ndcgBySegment(m, test));
    for (const seg of ["no-history", "short-history", "long-history"]) {
      const best = Math.max(...parts.map((p) => p[seg]));
      expect(hyb[seg]).toBeGreaterThanOrEqual(best - 0.02);
    }
    // ...where a single global blend lets seq's noise hurt the short-history users.
    const global = new HybridRecommender([pop, seq, junk], { poolSize: 30 });
    await global.fit(data, { seed: 1, validation: val });
    expect(hyb["short-history"]).toBeGreaterThan(ndcgBySegment(global, test)["short-history"] + 0.02);
  });

  it("falls back to the best single component in a segment where no blend beats it", async () => {
    // Only pop and junk: junk never helps, so every segment deploys pop alone.
    const h = new HybridRecommender([pop, junk], { lengthBuckets: "segments", guard: "on", poolSize: 30 });
    await h.fit(data, { seed: 1, validation: val });
    expect(h.guardChoice.every((c) => c === "pop" || c === "blend")).toBe(true);
    for (const w of h.blendSpec.weights) expect(w[1]).toBe(0);
  });

  it("drops components that need item text when the data has none", async () => {
    const h = new HybridRecommender([pop, junk], { lengthBuckets: "segments", guard: "on" }, [false, true]);
    const logs: string[] = [];
    await h.fit(data, { seed: 1, validation: val.slice(0, 100), onProgress: (m) => logs.push(m) });
    expect(h.components.map((c) => c.name)).toEqual(["pop"]);
    expect(logs.some((m) => m.includes("leaving out junk"))).toBe(true);
  });
});
