import { isDegraded, type FeedService, type Caller, type RecItem, type SourceReport } from "../feed/feed-service";
import { sourcesOf } from "../feed/candidates";
import { reasonFor } from "../feed/reasons";
import { boughtTogetherSource } from "../feed/recall/bought-together";
import { covisitationSource } from "../feed/recall/covisitation";
import { sessionKnnSource } from "../feed/recall/session-knn";
import { vectorSource } from "../feed/recall/vector";
import type { History } from "../history";
import type { ServingModels } from "../models/serving-models";

export interface RecList {
  modelVersion: string;
  items: RecItem[];
  sources: SourceReport;
  degraded: boolean;
}

type CandidateList = Awaited<ReturnType<FeedService["candidates"]>>;

/**
 * The top `limit` ranked items, re-checked against the DB: candidates were filtered on cached listing
 * state, so a listing sold since the last cache refresh must be dropped here (a few spares fill its place).
 */
async function toItems(
  feed: FeedService,
  models: ServingModels,
  caller: Caller,
  list: CandidateList,
  limit: number,
  prefix: string,
): Promise<RecItem[]> {
  const cat = models.catalog;
  const top = list.ranked.slice(0, limit + 5);
  const { unavailable, best } = await feed.listingStateOf(
    top.map((c) => cat.ids[c.item]),
    caller.userId,
  );
  return top
    .filter((c) => !unavailable.has(cat.ids[c.item]))
    .slice(0, limit)
    .map((c, j) => {
      const price = cat.price[c.item];
      const rating = cat.rating[c.item];
      return {
        recommendationId: `${prefix}.${j}`,
        productId: cat.ids[c.item],
        title: cat.titles[c.item],
        category: cat.categoryName(c.item),
        price: Number.isNaN(price) ? null : price,
        averageRating: Number.isNaN(rating) ? null : rating,
        ratingCount: cat.ratingCount[c.item],
        listing: best.get(cat.ids[c.item]) ?? null,
        score: Math.round(c.score * 1e4) / 1e4,
        sources: sourcesOf(c),
        reason: reasonFor(c, cat),
      };
    });
}

/** "Next for this session": session kNN + co-visitation of the session's last items, ranked. */
export async function sessionRecommendations(
  feed: FeedService,
  models: ServingModels,
  caller: Caller,
  history: History,
  limit: number,
  requestId: string,
): Promise<RecList> {
  if (history.items.length === 0) {
    // No session to go on; when that is because the session store is down, the empty answer is degraded.
    const sources: SourceReport = {
      used: [],
      failed: [],
      ...(history.unavailable ? { unavailable: history.unavailable } : {}),
    };
    return { modelVersion: models.version, items: [], sources, degraded: isDegraded(sources) };
  }
  const list = await feed.candidates(models, caller, history, [sessionKnnSource, covisitationSource]);
  return {
    modelVersion: models.version,
    items: await toItems(feed, models, caller, list, limit, requestId),
    sources: list.report,
    degraded: isDegraded(list.report),
  };
}

/**
 * Next/similar for a product page: the product leads the history (so co-visitation, vector and
 * bought-together are anchored on it) and the session follows as context. Only the product itself and
 * "not interested" items are excluded: items seen earlier in the session may be the right next step.
 */
export async function productRecommendations(
  feed: FeedService,
  models: ServingModels,
  caller: Caller,
  product: number,
  session: History,
  limit: number,
  requestId: string,
): Promise<RecList> {
  const history: History = { ...session, items: [product, ...session.items.filter((i) => i !== product)] };
  const list = await feed.candidates(
    models,
    caller,
    history,
    [covisitationSource, vectorSource, boughtTogetherSource],
    {
      seen: new Set([product]),
      pinned: product,
      // The product leads; the session only tilts the answer (0.3, then 0.7x per step back).
      historyWeights: history.items.map((_, r) => (r === 0 ? 1 : 0.3 * 0.7 ** (r - 1))),
    },
  );
  return {
    modelVersion: models.version,
    items: await toItems(feed, models, caller, list, limit, requestId),
    sources: list.report,
    degraded: isDegraded(list.report),
  };
}
