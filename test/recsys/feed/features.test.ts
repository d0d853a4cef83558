import { describe, expect, it } from "vitest";
import { ItemCatalog } from "../../../src/recsys/catalog";
import { SOURCE_INDEX, SOURCES, type Candidate } from "../../../src/recsys/feed/candidates";
import {
  DENSE_FEATURES,
  denseSignals,
  FEATURES,
  featurize,
  NUM_FEATURES,
  sourceMaxima,
  type FeatureContext,
} from "../../../src/recsys/feed/features";
import { CovisIndex } from "../../../src/recsys/models/covis-index";
import type { ItemVectors } from "../../../src/recsys/models/serving-models";

// Six items, 2-d vectors: 0 and 1 point along x (the history), 2 along x too, 3 along y, 4 against x,
// 5 has no vector. Co-visitation: 0 -> 2 (strong), 0 -> 3 (weak), 1 -> 4.
const N = 6;
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
const items = Float32Array.of(1, 0, 2, 0, 3, 0, 0, 1, -1, 0, 0, 0);
const vectors: ItemVectors = { version: "t", dim: 2, items, context: items, known: Uint8Array.of(1, 1, 1, 1, 1, 0) };
const covis = new CovisIndex(
  {
    offsets: Int32Array.of(0, 2, 3, 3, 3, 3, 3),
    ids: Int32Array.of(2, 3, 4),
    weights: Float32Array.of(0.5, 0.01, 0.2),
  },
  N,
);

const at = (name: string): number => FEATURES.indexOf(name);
/** A candidate no source recalled (e.g. filled in by a source not modelled here). */
function bare(item: number): Candidate {
  return {
    item,
    scores: new Float32Array(SOURCES.length),
    ranks: new Int32Array(SOURCES.length).fill(-1),
    anchor: -1,
    anchorSource: null,
    score: 0,
  };
}
function features(c: Candidate, dense = denseSignals({ vectors, covis }, [0, 1])): Float32Array {
  const ctx: FeatureContext = {
    catalog,
    popularity: new Float32Array(N),
    listings: new Map(),
    categoryAffinity: new Map(),
    now: 0,
    dense,
  };
  const x = new Float32Array(NUM_FEATURES);
  featurize(c, ctx, sourceMaxima([c]), x);
  return x;
}

describe("dense ranker features", () => {
  it("are in the layout before the marketplace features, and the layout has unique names", () => {
    for (const f of DENSE_FEATURES) expect(FEATURES).toContain(f);
    expect(new Set(FEATURES).size).toBe(NUM_FEATURES);
    expect(FEATURES[NUM_FEATURES - 2]).toBe("category_affinity");
  });

  it("score the interest-vector cosine of every candidate, recalled or not", () => {
    expect(features(bare(2))[at("dense.vector_cos")]).toBeCloseTo(1, 6);
    expect(features(bare(3))[at("dense.vector_cos")]).toBeCloseTo(0, 6);
    expect(features(bare(4))[at("dense.vector_cos")]).toBeCloseTo(-1, 6);
    expect(features(bare(2))[at("dense.vector_known")]).toBe(1);
    // No vector: cosine 0 and the known flag says why, so the model need not read 0 as "orthogonal".
    expect(features(bare(5))[at("dense.vector_cos")]).toBe(0);
    expect(features(bare(5))[at("dense.vector_known")]).toBe(0);
    expect(features(bare(3))[at("dense.last_cos")]).toBeCloseTo(0, 6);
  });

  it("score co-visitation with the recent history even when covis did not recall the candidate", () => {
    const s = denseSignals({ vectors, covis }, [0, 1]);
    // Newest first: item 0 weighs 1, item 1 weighs 0.7 (the covis source's decay).
    expect(s.covis.get(2)).toBeCloseTo(0.5, 6);
    expect(s.covis.get(4)).toBeCloseTo(0.7 * 0.2, 6);
    expect(s.covisMax).toBeCloseTo(0.5, 6);
    const strong = features(bare(2));
    const weak = features(bare(3));
    const none = features(bare(5));
    expect(strong[at("dense.covis")]).toBeGreaterThan(weak[at("dense.covis")]);
    expect(weak[at("dense.covis")]).toBeGreaterThan(0);
    expect(none[at("dense.covis")]).toBe(0);
    expect(strong[at("dense.covis_rel")]).toBeCloseTo(1, 6);
    // Only the newest item (0) counts for covis_last: 4 is a neighbour of the older item 1 only.
    expect(features(bare(4))[at("dense.covis_last")]).toBe(0);
    expect(strong[at("dense.covis_last")]).toBeGreaterThan(0);
    for (const f of DENSE_FEATURES) expect(Number.isFinite(strong[at(f)])).toBe(true);
  });

  it("multiply agreeing signals into the interaction features", () => {
    const c = bare(2);
    c.ranks[SOURCE_INDEX.session_knn] = 0;
    c.scores[SOURCE_INDEX.session_knn] = 3;
    const x = features(c);
    expect(x[at("session_knn.lscore")]).toBeCloseTo(1, 6);
    expect(x[at("agree.knn_covis")]).toBeCloseTo(x[at("dense.covis_rel")], 6);
    expect(x[at("agree.knn_vector")]).toBeCloseTo(1, 6);
    // Not recalled by session kNN: no agreement, whatever the dense signals say.
    expect(features(bare(2))[at("agree.knn_covis")]).toBe(0);
  });

  it("are 0 without dense signals, and with an empty or vector-less history", () => {
    const ctx: FeatureContext = {
      catalog,
      popularity: new Float32Array(N),
      listings: new Map(),
      categoryAffinity: new Map(),
      now: 0,
    };
    const x = new Float32Array(NUM_FEATURES).fill(9);
    featurize(bare(2), ctx, sourceMaxima([]), x);
    for (const f of DENSE_FEATURES) expect(x[at(f)]).toBe(0);
    const empty = features(bare(2), denseSignals({ vectors, covis }, []));
    for (const f of DENSE_FEATURES) expect(empty[at(f)]).toBe(0);
    const noVectors = features(bare(2), denseSignals({ vectors: null, covis }, [0]));
    expect(noVectors[at("dense.vector_cos")]).toBe(0);
    expect(noVectors[at("dense.covis")]).toBeGreaterThan(0);
  });
});
