import { describe, expect, it } from "vitest";
import weightsFile from "../../../ml/ranker/weights.json";
import { ItemCatalog } from "../../../src/recsys/catalog";
import { SOURCE_INDEX, SOURCES, type Candidate } from "../../../src/recsys/feed/candidates";
import { denseSignals, FEATURES, NUM_FEATURES, type FeatureContext } from "../../../src/recsys/feed/features";
import { defaultRanker, LinearRanker } from "../../../src/recsys/feed/rank";
import { CovisIndex } from "../../../src/recsys/models/covis-index";
import type { ItemVectors } from "../../../src/recsys/models/serving-models";

const N = 5;
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
// Item 0 is the history; 3 points the same way, 1 and 2 do not. Covis: 0 -> 2.
const items = Float32Array.of(1, 0, 0, 1, 0, 1, 1, 0, -1, 0);
const vectors: ItemVectors = { version: "t", dim: 2, items, context: items, known: new Uint8Array(N).fill(1) };
const covis = new CovisIndex(
  { offsets: Int32Array.of(0, 1, 1, 1, 1, 1), ids: Int32Array.of(2), weights: Float32Array.of(0.4) },
  N,
);
const ctx: FeatureContext = {
  catalog,
  popularity: Float32Array.of(0, 0.2, 0.1, 0, 0.9),
  listings: new Map(),
  categoryAffinity: new Map(),
  now: 0,
  dense: denseSignals({ vectors, covis }, [0]),
};

function cand(item: number, knnRank = -1): Candidate {
  const c: Candidate = {
    item,
    scores: new Float32Array(SOURCES.length),
    ranks: new Int32Array(SOURCES.length).fill(-1),
    anchor: -1,
    anchorSource: null,
    score: 0,
  };
  if (knnRank >= 0) {
    c.ranks[SOURCE_INDEX.session_knn] = knnRank;
    c.scores[SOURCE_INDEX.session_knn] = 1 / (1 + knnRank);
  }
  return c;
}
const order = (r: LinearRanker, cs: Candidate[]): number[] => r.rank(cs, ctx).map((c) => c.item);

describe("LinearRanker", () => {
  it("orders by the logit of the features, ties by item index", () => {
    expect(order(LinearRanker.fromNamed("t", { popularity: 1 }, 0), [cand(1), cand(2), cand(4)])).toEqual([4, 1, 2]);
    expect(
      order(LinearRanker.fromNamed("t", { "session_knn.rrank": 1 }, 0), [cand(3, 2), cand(1, 0), cand(2, 1)]),
    ).toEqual([1, 2, 3]);
    expect(order(LinearRanker.fromNamed("t", {}, 0), [cand(3), cand(1), cand(2)])).toEqual([1, 2, 3]);
    const scored = LinearRanker.fromNamed("t", { popularity: 2 }, 0.5).rank([cand(4)], ctx);
    expect(scored[0].score).toBeCloseTo(0.5 + 2 * 0.9, 6);
  });

  it("ranks candidates no source recalled by the dense signals", () => {
    // None of 1, 2, 3 was recalled by covis or the vector source: only the dense features tell them apart.
    expect(order(LinearRanker.fromNamed("t", { "dense.vector_cos": 1 }, 0), [cand(1), cand(2), cand(3)])[0]).toBe(3);
    expect(order(LinearRanker.fromNamed("t", { "dense.covis": 1 }, 0), [cand(1), cand(2), cand(3)])[0]).toBe(2);
  });

  it("round-trips through a registry artifact and refuses another feature layout", () => {
    const r = new LinearRanker(
      "v1",
      Float32Array.from(FEATURES, (_, i) => i / 10),
      -0.5,
    );
    const back = LinearRanker.fromArtifact(r.toArtifact({ ndcg10: 0.1 }), "v1");
    expect(Array.from(back.weights)).toEqual(Array.from(r.weights));
    expect(back.bias).toBe(-0.5);
    const a = r.toArtifact();
    expect(() =>
      LinearRanker.fromArtifact({ ...a, params: { ...a.params, features: FEATURES.slice(1) } }, "v"),
    ).toThrow(/feature layout/);
    expect(() => LinearRanker.fromArtifact({ ...a, blobs: {} }, "v")).toThrow(/weights blob/);
    expect(() => new LinearRanker("bad", new Float32Array(NUM_FEATURES - 1), 0)).toThrow(/weights/);
  });

  it("serves the committed weights, written for the current feature layout", () => {
    // A stale weights.json (features renamed or added since --write) would silently weigh new ones 0.
    expect(Object.keys(weightsFile.weights).sort()).toEqual([...FEATURES].sort());
    const r = defaultRanker();
    expect(r.version).toBe(weightsFile.version);
    expect(r.weights.some((w, i) => FEATURES[i].startsWith("dense.") && w !== 0)).toBe(true);
  });
});
