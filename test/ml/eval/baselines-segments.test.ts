import { describe, expect, it } from "vitest";
import type { Sequence, TrainData, ValidationCase } from "../../../ml/core/recommender.js";
import type { InteractionLog } from "../../../ml/data/interactions.js";
import { caseSegments, segmentMetrics, userSegment } from "../../../ml/eval/evaluate.js";
import { expectedRank } from "../../../ml/eval/metrics.js";
import { pairedFromRanks, pairedWindowEval } from "../../../ml/eval/paired.js";
import { firstEventsOnly, thinEvents, timeProtocol } from "../../../ml/eval/protocols.js";
import { PopularityRecommender, RandomRecommender } from "../../../ml/models/popularity.js";

const DAY = 86_400_000;
const T0 = 1_600_000_000_000;

/**
 * Item 0 was bought a lot long ago and never since; item 1 a little, recently; validation users buy item 0
 * (the long-run favourite) in one data set, item 1 (the recent one) in the other.
 */
function trainData(): TrainData {
  const sequences: Sequence[] = [];
  for (let u = 0; u < 30; u++)
    sequences.push({ user: u, items: Int32Array.of(0), timestamps: Float64Array.of(T0 + u * DAY) });
  for (let u = 30; u < 40; u++)
    sequences.push({ user: u, items: Int32Array.of(1), timestamps: Float64Array.of(T0 + 1000 * DAY + u) });
  for (let u = 40; u < 50; u++)
    sequences.push({ user: u, items: Int32Array.of(2 + (u % 5)), timestamps: Float64Array.of(T0 + 500 * DAY) });
  return { numItems: 20, numUsers: 50, sequences, itemIds: Array.from({ length: 20 }, (_, i) => `i${i}`) };
}

const validation = (target: number): ValidationCase[] =>
  Array.from({ length: 20 }, () => ({ history: new Int32Array(0), target }));

describe("baselines", () => {
  it("decayed popularity chooses plain counts when the long-run favourite wins on validation, a short half-life otherwise", async () => {
    const plainWins = new PopularityRecommender({ halfLifeDays: "auto" }, "popularity-decayed");
    await plainWins.fit(trainData(), { seed: 1, validation: validation(0) });
    expect(plainWins.halfLifeDays).toBe(0);
    expect(plainWins.validationReport["halfLifeDays=0"]).toBe(1);
    const decayWins = new PopularityRecommender({ halfLifeDays: "auto" }, "popularity-decayed");
    await decayWins.fit(trainData(), { seed: 1, validation: validation(1) });
    expect(decayWins.halfLifeDays).toBeGreaterThan(0);
    expect(decayWins.halfLifeDays).toBeLessThanOrEqual(365);
    const s = decayWins.scoreAll({ history: new Int32Array(0) });
    expect(s[1]).toBeGreaterThan(s[0]);
  });

  it("plain popularity ranks by counts; the round trip keeps the half-life", async () => {
    const plain = new PopularityRecommender({ halfLifeDays: 0 }, "popularity-plain");
    await plain.fit(trainData(), { seed: 1 });
    const s = plain.scoreAll({ history: new Int32Array(0) });
    expect(s[0]).toBeGreaterThan(s[1]);
    const back = PopularityRecommender.load(plain.save(), "popularity-plain");
    expect(back.name).toBe("popularity-plain");
    expect(Array.from(back.scoreAll({ history: new Int32Array(0) }))).toEqual(Array.from(s));
  });

  it("the random ranker hits at chance rate and is reproducible per seed", async () => {
    const data = { ...trainData(), numItems: 100, itemIds: Array.from({ length: 100 }, (_, i) => `i${i}`) };
    const hitRate = async (seed: number): Promise<number> => {
      const r = new RandomRecommender();
      await r.fit(data, { seed });
      let hits = 0;
      for (let n = 0; n < 4000; n++) if (expectedRank(r.scoreAll({ history: new Int32Array(0) }), n % 100) < 10) hits++;
      return hits / 4000;
    };
    const a = await hitRate(7);
    expect(a).toBeGreaterThan(0.08);
    expect(a).toBeLessThan(0.12);
    expect(await hitRate(7)).toBe(a);
  });
});

describe("segments", () => {
  it("splits users by history length and targets by whether training saw them", () => {
    expect([0, 1, 4, 5, 50].map(userSegment)).toEqual([
      "no-history",
      "short-history",
      "short-history",
      "long-history",
      "long-history",
    ]);
    const counts = Float64Array.of(3, 0);
    const c = (len: number, target: number) => ({ user: 0, query: { history: new Int32Array(len) }, target });
    expect(caseSegments(c(0, 1), counts)).toEqual(["no-history", "cold-item"]);
    expect(caseSegments(c(7, 0), counts)).toEqual(["long-history", "warm-item"]);
  });

  it("reports each segment's own metrics, counts and intervals", () => {
    // two hits (rank 0) among the long-history cases, misses elsewhere
    const ranks = Float64Array.of(0, 0, 50, 50, 50);
    const segs = [
      ["long-history", "warm-item"],
      ["long-history", "warm-item"],
      ["long-history", "cold-item"],
      ["no-history", "cold-item"],
      ["no-history", "warm-item"],
    ] as const;
    const out = segmentMetrics(
      ranks,
      segs.map((s) => [s[0], s[1]]),
      [10],
      1,
      200,
    );
    expect(out["long-history"].cases).toBe(3);
    expect(out["long-history"].metrics["HR@10"].value).toBeCloseTo(2 / 3);
    expect(out["no-history"].metrics["HR@10"].value).toBe(0);
    expect(out["cold-item"].metrics["NDCG@10"].value).toBe(0);
    expect(out["warm-item"].metrics["HR@10"].value).toBeCloseTo(2 / 3);
    expect(out["short-history"]).toBeUndefined();
    const [lo, hi] = out["long-history"].metrics["HR@10"].ci95;
    expect(lo).toBeLessThanOrEqual(2 / 3);
    expect(hi).toBeGreaterThanOrEqual(2 / 3);
  });
});

describe("pairedWindowEval (the learning loop's offline gate)", () => {
  it("computes both models' HR@10 / NDCG@10 and the paired difference with intervals, under the learner's names", () => {
    // candidate puts the target first on every case, the champion 20th; history items excluded.
    const cases = Array.from({ length: 50 }, (_, n) => ({ target: n % 30, exclude: [(n + 1) % 30] }));
    const cand = cases.map((c) =>
      Float32Array.from({ length: 30 }, (_, i) => (i === c.target ? 100 : i === c.exclude[0] ? 1000 : i)),
    );
    const champ = cases.map((c) => Float32Array.from({ length: 30 }, (_, i) => (i === c.target ? -1 : i)));
    const r = pairedWindowEval(cand, champ, cases, { resamples: 200 });
    expect(r.metrics["hr@10"]).toBe(1);
    expect(r.metrics["ndcg@10"]).toBe(1);
    expect(r.metrics["live_hr@10"]).toBe(0);
    expect(r.metrics["eval.cases"]).toBe(50);
    expect(r.metrics["delta_ndcg@10"]).toBe(1);
    expect(r.metrics["delta_ndcg@10_lo"]).toBe(1);
    for (const k of ["ndcg@10_lo", "ndcg@10_hi", "delta_hr@10", "delta_hr@10_lo", "delta_hr@10_hi", "hr@10_lo"])
      expect(Number.isFinite(r.metrics[k])).toBe(true);
    expect(() => pairedWindowEval(cand.slice(1), champ, cases)).toThrow(/score vectors/);
  });

  it("the paired interval is narrower than the unpaired ones when both models share most of their hits", () => {
    const champ = Float64Array.from({ length: 400 }, (_, n) => (n % 3 === 0 ? 0 : 40));
    const cand = Float64Array.from(champ, (r, n) => (n % 20 === 1 ? 0 : r));
    const r = pairedFromRanks(cand, champ, { resamples: 500 });
    expect(r.delta.hr.value).toBeGreaterThan(0);
    expect(r.delta.hr.lo).toBeGreaterThan(0); // the paired difference is clearly positive...
    expect(r.champion.hr.hi).toBeGreaterThan(r.candidate.hr.lo); // ...though the two intervals overlap
  });
});

describe("time protocol and sparse variants", () => {
  const log: InteractionLog = {
    source: "fixture",
    userIds: ["a", "b", "c", "d"],
    itemIds: ["x", "y", "z", "w"],
    hasTimestamps: true,
    sequences: [
      { user: 0, items: Int32Array.of(0, 1, 2, 3), timestamps: Float64Array.of(1, 2, 8, 10) },
      { user: 1, items: Int32Array.of(1, 0), timestamps: Float64Array.of(3, 4) },
      { user: 2, items: Int32Array.of(0, 1), timestamps: Float64Array.of(5, 9) },
      { user: 3, items: Int32Array.of(3), timestamps: Float64Array.of(7) },
    ],
  };

  it("cuts by global time, keeps cold users and items, and never trains on a held-out window", () => {
    const task = timeProtocol(log, { seed: 1, heldOutFraction: 0.2 });
    const trainTimes = task.train.sequences.flatMap((s) => Array.from(s.timestamps));
    const heldOutFirst = Math.min(
      ...task.validation.map((c) => c.query.now ?? 0),
      ...task.test.map((c) => c.query.now ?? 0),
    );
    expect(Math.max(...trainTimes)).toBeLessThan(heldOutFirst);
    // user 3's only event is in the validation window: a case with no history, and item w is cold there
    expect(task.validation.some((c) => c.query.history.length === 0 && c.target === 3)).toBe(true);
    expect(task.test.length).toBeGreaterThan(0);
    expect(task.excludeHistory).toBe(true);
  });

  it("derives sparser logs: first events only, and a seeded thinning", () => {
    expect(firstEventsOnly(log, 1).sequences.map((s) => s.items.length)).toEqual([1, 1, 1, 1]);
    const a = thinEvents(log, 0.5, 3);
    expect(thinEvents(log, 0.5, 3).sequences.map((s) => Array.from(s.items))).toEqual(
      a.sequences.map((s) => Array.from(s.items)),
    );
    expect(a.sequences.reduce((n, s) => n + s.items.length, 0)).toBeLessThan(9);
  });
});
