import { describe, expect, it } from "vitest";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { ItemCatalog } from "../../../src/recsys/catalog";
import {
  artifactRanker,
  type EvalCase,
  evaluate,
  qualityMetrics,
  windowCases,
} from "../../../src/recsys/learner/evaluate";
import { type ActorLog, TrainingLog } from "../../../src/recsys/learner/training-log";
import { offlineGate } from "../../../src/recsys/selection/gate";

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `P${i}`);
const catalogOf = (itemIds: string[]): ItemCatalog =>
  new ItemCatalog(
    itemIds.map((id) => ({
      id,
      title: id,
      categoryPath: null,
      price: null,
      rating: null,
      ratingCount: 0,
      createdAt: 0,
      boughtTogether: null,
    })),
  );
/** A popularity artifact: the same scores for every query. */
const fixedScores = (itemIds: string[], scores: ArrayLike<number>): ModelArtifact => ({
  model: "popularity",
  params: { halfLifeDays: 0 },
  blobs: { scores: Float32Array.from(scores) },
  itemIds,
});
const oneCase = (target: number, seen: number[] = []): EvalCase => ({
  history: seen.slice(-20),
  seen,
  target,
  seq: 1,
});
/** The learner's log with these actors (each event's seq given per item; 0 = a review). */
const logOf = (actors: { items: number[]; seq: number[] }[]): Pick<TrainingLog, "actors" | "eventsAfter"> => ({
  actors: actors.map<ActorLog>((a, n) => ({
    key: `u:${n}`,
    items: a.items,
    ts: a.seq,
    seq: a.seq,
    gain: a.items.map(() => 1),
  })),
  eventsAfter: TrainingLog.prototype.eventsAfter,
});

describe("window evaluation: ties", () => {
  const N = 1000;
  const catalog = catalogOf(ids(N));

  it("gives an all-zero model no hits from catalogue order: the first ten items are not favoured", () => {
    const zero = artifactRanker(fixedScores(ids(N), new Float32Array(N)), catalog);
    // Targets among indices 0-9 (which a lower-index tie-break put in every top 10) and new items at the end.
    const low = evaluate(
      Array.from({ length: 10 }, (_, i) => oneCase(i)),
      zero,
    );
    const high = evaluate(
      Array.from({ length: 10 }, (_, i) => oneCase(N - 1 - i)),
      zero,
    );
    expect(low.hr).toBeLessThanOrEqual(10 / N);
    expect(low.hr).toBe(high.hr);
    expect(low.ndcg).toBe(high.ndcg);
    // Half a rank per tie: (N - 1) tied items put the target at rank (N - 1) / 2.
    expect([...low.ranks]).toEqual(Array(10).fill((N - 1) / 2));
  });

  it("counts a tie at the top as half a rank, whatever the indices", () => {
    const s = new Float32Array(N);
    for (const i of [3, 500, 998, 999]) s[i] = 1; // four items tied for first place
    const rank = artifactRanker(fixedScores(ids(N), s), catalog);
    const q = evaluate([oneCase(3), oneCase(999)], rank);
    expect([...q.ranks]).toEqual([1.5, 1.5]);
    expect(q.hr).toBe(1);
    expect(q.ndcg).toBeCloseTo(1 / Math.log2(3.5), 12);
  });
});

describe("window evaluation: history exclusion", () => {
  const N = 100;
  const catalog = catalogOf(ids(N));
  // Items 0-24 the most popular, item 50 next: a shopper who has had all of 0-24 should be shown 50 first.
  const scores = Float32Array.from({ length: N }, (_, i) => (i < 25 ? 100 - i : i === 50 ? 50 : 0));
  const rank = artifactRanker(fixedScores(ids(N), scores), catalog);
  const history = [...Array.from({ length: 25 }, (_, i) => i), 60, 61, 62, 63, 64];

  it("excludes the actor's whole history from the ranking, not only the newest 20 items", () => {
    const log = logOf([{ items: [...history, 50], seq: history.map((_, j) => j + 1).concat(100) }]);
    const cases = windowCases(log, 100, 10);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ target: 50, seq: 100 });
    expect(cases[0].history).toEqual(history.slice(-20)); // the query stays bounded
    expect(cases[0].seen).toEqual(history);
    // Items 0-14 are older than the newest 20: excluding only those 20 left them above the target (rank 15).
    expect(evaluate(cases, rank).ranks[0]).toBe(0);
  });

  it("makes no case of an item the actor already had, however long ago", () => {
    const log = logOf([
      { items: [...history, 2], seq: history.map((_, j) => j + 1).concat(100) }, // item 2: 28 items back
      { items: [7, 50], seq: [99, 101] },
    ]);
    const cases = windowCases(log, 99, 10);
    expect(cases.map((c) => [c.target, c.seq])).toEqual([[50, 101]]);
  });

  it("keeps the newest cases, in seq order", () => {
    const log = logOf([
      { items: [1, 2, 3, 4], seq: [10, 11, 12, 13] },
      { items: [5, 6, 7], seq: [14, 15, 16] },
    ]);
    expect(windowCases(log, 11, 3).map((c) => c.seq)).toEqual([13, 15, 16]);
    expect(windowCases(log, 11, 10).map((c) => c.seq)).toEqual([11, 12, 13, 15, 16]);
  });
});

describe("window evaluation: catalog alignment", () => {
  it("misses targets the artifact does not know and never ranks its items the catalog lost", () => {
    // The artifact knows P0-P9 and a removed product X (its best); the catalog has P0-P19 in another order.
    const artifactIds = [...ids(10), "X"];
    const scores = [...Array.from({ length: 10 }, (_, i) => 10 - i), 100];
    const catalog = catalogOf([...ids(20)].reverse());
    const rank = artifactRanker(fixedScores(artifactIds, scores), catalog);
    const at = (id: string): number => catalog.indexOf.get(id) ?? -1;
    const q = evaluate([oneCase(at("P0")), oneCase(at("P3"), [at("P1")]), oneCase(at("P15"))], rank);
    expect([...q.ranks]).toEqual([0, 2, Number.POSITIVE_INFINITY]); // P3 behind P0 and P2 (P1 had, X gone)
  });
});

describe("window evaluation: paired intervals", () => {
  const N = 300;
  const catalog = catalogOf(ids(N));
  const popular = Float32Array.from({ length: N }, (_, i) => N - i);
  const good = artifactRanker(fixedScores(ids(N), popular), catalog);
  const anti = artifactRanker(
    fixedScores(
      ids(N),
      Array.from(popular, (s) => -s),
    ),
    catalog,
  );
  // 200 cases whose targets are mostly popular items (the "good" model's top 10 holds 60% of them).
  const cases = Array.from({ length: 200 }, (_, j) => oneCase(j % 5 < 3 ? j % 10 : 100 + (j % 100)));

  it("records the candidate's interval, the live numbers and the paired difference under the gate's names", () => {
    const m = qualityMetrics(evaluate(cases, good), evaluate(cases, anti));
    expect(m["eval.cases"]).toBe(200);
    expect(m["hr@10"]).toBeCloseTo(0.6, 6);
    expect(m["live_hr@10"]).toBe(0);
    for (const k of ["hr@10", "ndcg@10", "delta_hr@10", "delta_ndcg@10"]) {
      expect(m[`${k}_lo`], k).toBeLessThanOrEqual(m[k]);
      expect(m[`${k}_hi`], k).toBeGreaterThanOrEqual(m[k]);
      expect(m[`${k}_hi`] - m[`${k}_lo`], k).toBeLessThan(0.2);
    }
    expect(m["hr@10_lo"]).toBeGreaterThan(0.5);
    expect(m["delta_ndcg@10_lo"]).toBeGreaterThan(0);
    expect(offlineGate(m, {}).verdict).toBe("pass");
    // The other way round, the gate holds the worse model.
    const back = qualityMetrics(evaluate(cases, anti), evaluate(cases, good));
    expect(back["delta_ndcg@10_hi"]).toBeLessThan(0);
    expect(offlineGate(back, {}).verdict).toBe("fail");
  });

  it("gives identical models a zero difference, and the same interval with or without a live version", () => {
    const q = evaluate(cases, good);
    const paired = qualityMetrics(q, evaluate(cases, good));
    expect([paired["delta_ndcg@10"], paired["delta_ndcg@10_lo"], paired["delta_ndcg@10_hi"]]).toEqual([0, 0, 0]);
    const alone = qualityMetrics(q, null);
    expect(Object.keys(alone).filter((k) => k.startsWith("delta_") || k.startsWith("live_"))).toEqual([]);
    expect(alone["ndcg@10_lo"]).toBe(paired["ndcg@10_lo"]);
    expect(alone["ndcg@10_hi"]).toBe(paired["ndcg@10_hi"]);
  });

  it("keeps a rare-hit interval inside [0, 1] (a normal interval would reach below 0)", () => {
    const rare = Array.from({ length: 400 }, (_, j) => oneCase(j === 0 ? 0 : 200 + (j % 100)));
    const m = qualityMetrics(evaluate(rare, good), null);
    expect(m["hr@10"]).toBeCloseTo(1 / 400, 6);
    const normalLo = 1 / 400 - 1.96 * Math.sqrt(((1 / 400) * (399 / 400)) / 400);
    expect(normalLo).toBeLessThan(0);
    expect(m["hr@10_lo"]).toBeGreaterThanOrEqual(0);
    expect(m["hr@10_hi"]).toBeGreaterThan(m["hr@10"]);
  });

  it("reports no quality numbers for an empty window", () => {
    expect(qualityMetrics(evaluate([], good), null)).toEqual({ "eval.cases": 0 });
  });
});
