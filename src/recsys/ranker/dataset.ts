/**
 * Ranker training/evaluation data, built with the serving code itself: the same recall sources, merge and
 * features as GET /v1/feed, so the learned weights fit what serving will feed them.
 */
import type { Sequence, TrainData } from "../../../ml/core/recommender.js";
import { createModel } from "../../../ml/models/index.js";
import { ItemCatalog, type CatalogRow } from "../catalog.js";
import { mergeSources, SOURCES, type Candidate, type SourceResult } from "../feed/candidates.js";
import {
  categoryAffinity,
  denseSignals,
  featurize,
  NUM_FEATURES,
  sourceMaxima,
  type FeatureContext,
} from "../feed/features.js";
import { defaultRanker } from "../feed/rank.js";
import { DEFAULT_BUDGETS } from "../feed/feed-service.js";
import { boughtTogetherSource } from "../feed/recall/bought-together.js";
import { covisitationSource } from "../feed/recall/covisitation.js";
import { sessionKnnSource } from "../feed/recall/session-knn.js";
import { trendingSource } from "../feed/recall/trending.js";
import type { RecallContext, RecallSource } from "../feed/recall/types.js";
import { vectorSource } from "../feed/recall/vector.js";
import { publishVectors, SERVING_MODELS } from "../models/bootstrap.js";
import {
  covisFromArtifact,
  popularityFromArtifact,
  SessionKnnSource,
  vectorsFromArtifact,
  type ServingModels,
} from "../models/serving-models.js";
import type { MarketplacePort } from "../../ports/marketplace.js";
import type { VectorIndex } from "../../ports/vector-index.js";

/** The offline sources: fresh listings has no meaning on a historical data set, the rest are serving's. */
export const OFFLINE_SOURCES: readonly RecallSource[] = [
  vectorSource,
  covisitationSource,
  sessionKnnSource,
  trendingSource,
  boughtTogetherSource,
];

const noMarketplace: MarketplacePort = {
  listingState: async () => ({ best: new Map(), unavailable: new Set() }),
  userExclusions: async () => ({ own: new Set(), bought: new Set() }),
  freshProducts: async () => [],
  productsOfListings: async () => new Map(),
};

export interface RankCase {
  /** History, oldest first. */
  history: Int32Array;
  target: number;
}

export interface CaseCandidates {
  cands: Candidate[];
  /** Row-major features, cands.length x NUM_FEATURES. */
  x: Float32Array;
  /** Index of the target in cands, -1 when no source recalled it. */
  positive: number;
}

/**
 * Trains the serving models on `train` with serving's parameters and assembles them like bootstrap does,
 * publishing the item vectors into `index` (callers pass an empty in-process one).
 */
export async function buildOfflineModels(
  train: TrainData,
  rows: CatalogRow[],
  seed: number,
  log: (m: string) => void,
  index: VectorIndex,
): Promise<{ models: ServingModels; vectors: VectorIndex }> {
  const catalog = new ItemCatalog(rows);
  const artifacts = new Map<string, ReturnType<ReturnType<typeof createModel>["save"]>>();
  for (const [name, params] of Object.entries(SERVING_MODELS)) {
    const t0 = performance.now();
    const model = createModel(name, { params: { [name]: params } });
    await model.fit(train, { seed });
    artifacts.set(name, model.save());
    log(`fitted ${name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const get = (n: string) => artifacts.get(n) as NonNullable<ReturnType<typeof artifacts.get>>;
  const { popularity, trending } = popularityFromArtifact(get("popularity"), catalog, 0, 7);
  const vectors = vectorsFromArtifact(get("fism-bpr"), catalog, "offline");
  await publishVectors(index, vectors, catalog, () => {});
  const models: ServingModels = {
    version: "offline",
    builtAt: 0,
    catalog,
    covis: covisFromArtifact(get("covisitation"), catalog),
    sknn: SessionKnnSource.fromArtifact(get("session-knn"), catalog),
    trending,
    popularity,
    vectors,
    ranker: defaultRanker(),
    components: {},
  };
  return { models, vectors: index };
}

/** Candidates and features for one case, exactly as the feed computes them (history items excluded). */
export async function candidatesFor(models: ServingModels, vectors: VectorIndex, c: RankCase): Promise<CaseCandidates> {
  const newestFirst = Array.from(c.history).reverse();
  const affinity = categoryAffinity(models.catalog, newestFirst.slice(0, 20));
  const ctx: RecallContext = {
    models,
    vectors,
    marketplace: noMarketplace,
    history: newestFirst,
    exclude: new Set(newestFirst),
    affinity,
    now: 0,
    signal: new AbortController().signal,
  };
  const results: SourceResult[] = [];
  for (const s of OFFLINE_SOURCES) results.push(await s.run(ctx, DEFAULT_BUDGETS[s.name].count));
  const cands = mergeSources(results).filter((k) => !ctx.exclude.has(k.item));
  const fctx: FeatureContext = {
    catalog: models.catalog,
    popularity: models.popularity,
    listings: new Map(),
    categoryAffinity: affinity,
    now: 0,
    dense: denseSignals(models, newestFirst),
  };
  const maxima = sourceMaxima(cands);
  const x = new Float32Array(cands.length * NUM_FEATURES);
  const row = new Float32Array(NUM_FEATURES);
  cands.forEach((k, j) => {
    featurize(k, fctx, maxima, row);
    x.set(row, j * NUM_FEATURES);
  });
  return { cands, x, positive: cands.findIndex((k) => k.item === c.target) };
}

/** Per-source ranking of a case's candidates by that source's own rank (unrecalled last). */
export function sourceOrder(cc: CaseCandidates, source: number): number[] {
  return cc.cands
    .map((_, j) => j)
    .filter((j) => cc.cands[j].ranks[source] >= 0)
    .sort((a, b) => cc.cands[a].ranks[source] - cc.cands[b].ranks[source]);
}

export { SOURCES };

/** Leave-two-out: models train on every user's items but the last two; cases target the second last. */
export function splitForRanker(sequences: Sequence[]): { train: Sequence[]; cases: (RankCase & { user: number })[] } {
  const train: Sequence[] = [];
  const cases: (RankCase & { user: number })[] = [];
  for (const s of sequences) {
    if (s.items.length < 4) {
      train.push(s);
      continue;
    }
    const end = s.items.length - 2;
    train.push({ user: s.user, items: s.items.subarray(0, end), timestamps: s.timestamps.subarray(0, end) });
    cases.push({ user: s.user, history: s.items.slice(Math.max(0, end - 50), end), target: s.items[end] });
  }
  return { train, cases };
}
