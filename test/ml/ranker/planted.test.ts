import { describe, expect, it } from "vitest";
import { Rng } from "../../../ml/core/rng";
import { trainLambdaRank } from "../../../ml/ranker/logreg";
import { ItemCatalog } from "../../../src/recsys/catalog";
import { SOURCE_INDEX, SOURCES, type Candidate } from "../../../src/recsys/feed/candidates";
import {
  FEATURES,
  featurize,
  NUM_FEATURES,
  sourceMaxima,
  type DenseSignals,
  type FeatureContext,
} from "../../../src/recsys/feed/features";
import { LinearRanker } from "../../../src/recsys/feed/rank";

/**
 * End to end through serving's featurize: session kNN recalls 30 candidates in a random order, and the
 * target is the candidate with the highest co-visitation score with the history (the dense signal, which
 * no source's rank shows). The trainer must find that signal: session kNN's own order hits 1/30 at top 1.
 */
const N = 40;
const catalog = new ItemCatalog(
  Array.from({ length: N }, (_, i) => ({
    id: `p${i}`,
    title: `t${i}`,
    categoryPath: null,
    price: null,
    rating: null,
    ratingCount: 0,
    createdAt: 0,
    boughtTogether: null,
  })),
);

function makeCase(rng: Rng): { cands: Candidate[]; ctx: FeatureContext; target: number } {
  const covis = new Map<number, number>();
  const cands: Candidate[] = [];
  let target = -1;
  let best = -Infinity;
  const perm = rng.shuffle(Int32Array.from({ length: 30 }, (_, j) => j));
  for (let j = 0; j < 30; j++) {
    const item = j + 5;
    const w = 0.05 * rng.next();
    covis.set(item, w);
    const c: Candidate = {
      item,
      scores: new Float32Array(SOURCES.length),
      ranks: new Int32Array(SOURCES.length).fill(-1),
      anchor: -1,
      anchorSource: null,
      score: 0,
    };
    c.ranks[SOURCE_INDEX.session_knn] = perm[j];
    c.scores[SOURCE_INDEX.session_knn] = 1 / (1 + perm[j]);
    cands.push(c);
    const noisy = w + 0.001 * rng.normal();
    if (noisy > best) {
      best = noisy;
      target = j;
    }
  }
  const dense: DenseSignals = {
    vectors: null,
    interest: null,
    last: null,
    covis,
    covisMax: Math.max(...covis.values()),
    covisLast: new Map(),
  };
  return {
    cands,
    ctx: { catalog, popularity: new Float32Array(N), listings: new Map(), categoryAffinity: new Map(), now: 0, dense },
    target,
  };
}

function rows(c: { cands: Candidate[]; ctx: FeatureContext }): Float32Array {
  const x = new Float32Array(c.cands.length * NUM_FEATURES);
  const row = new Float32Array(NUM_FEATURES);
  const maxima = sourceMaxima(c.cands);
  c.cands.forEach((k, j) => {
    featurize(k, c.ctx, maxima, row);
    x.set(row, j * NUM_FEATURES);
  });
  return x;
}

describe("ranker trainer on a planted pattern (through featurize)", () => {
  it("learns that the dense co-visitation score decides, and ranks held-out cases by it", () => {
    const rng = new Rng(11);
    const train = Array.from({ length: 200 }, () => makeCase(rng));
    const fit = trainLambdaRank(
      train.map((c) => ({ x: rows(c), positive: c.target, count: c.cands.length })),
      NUM_FEATURES,
      { l2: 1e-4, rounds: 2 },
    );
    const ranker = new LinearRanker("planted", fit.weights, fit.bias);
    expect(
      fit.weights[FEATURES.indexOf("dense.covis")] + fit.weights[FEATURES.indexOf("dense.covis_rel")],
    ).toBeGreaterThan(1);
    const test = Array.from({ length: 100 }, () => makeCase(rng));
    let top1 = 0;
    for (const c of test) if (ranker.rank(c.cands.slice(), c.ctx)[0].item === c.cands[c.target].item) top1++;
    expect(top1 / test.length).toBeGreaterThan(0.4);
  });
});
