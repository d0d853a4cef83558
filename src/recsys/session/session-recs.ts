import { isDegraded, type FeedService, type Caller, type RecItem, type SourceReport } from "../feed/feed-service";
import type { Candidate } from "../feed/candidates";
import type { CallerFeedback } from "../feedback/signals";
import { sourcesOf } from "../feed/candidates";
import { reasonFor } from "../feed/reasons";
import { boughtTogetherSource } from "../feed/recall/bought-together";
import { covisitationSource } from "../feed/recall/covisitation";
import { sessionKnnSource } from "../feed/recall/session-knn";
import { vectorSource } from "../feed/recall/vector";
import type { History } from "../history";
import type { ServingModels } from "../models/serving-models";

/** Ranked candidates kept past `limit`: stand-ins for any the database check drops as sold. */
const SPARES = 5;

export interface RecList {
  modelVersion: string;
  items: RecItem[];
  sources: SourceReport;
  degraded: boolean;
}

/**
 * The top `limit` ranked items, re-checked against the DB: candidates were filtered on cached listing
 * state, so a listing sold since the last cache refresh must be dropped here (a few spares fill its place).
 */
async function toItems(
  feed: FeedService,
  models: ServingModels,
  caller: Caller,
  ranked: readonly Candidate[],
  limit: number,
  prefix: string,
): Promise<RecItem[]> {
  const cat = models.catalog;
  const top = ranked.slice(0, limit + SPARES);
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
    items: await toItems(feed, models, caller, list.ranked, limit, requestId),
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
  const list = await rankForProduct(feed, models, caller, product, session);
  return {
    modelVersion: models.version,
    items: await toItems(feed, models, caller, list.ranked, limit, requestId),
    sources: list.report,
    degraded: isDegraded(list.report),
  };
}

async function rankForProduct(
  feed: FeedService,
  models: ServingModels,
  caller: Caller,
  product: number,
  session: History,
) {
  const history: History = { ...session, items: [product, ...session.items.filter((i) => i !== product)] };
  return feed.candidates(models, caller, history, [covisitationSource, vectorSource, boughtTogetherSource], {
    seen: new Set([product]),
    pinned: product,
    // The product leads; the session only tilts the answer (0.3, then 0.7x per step back).
    historyWeights: history.items.map((_, r) => (r === 0 ? 1 : 0.3 * 0.7 ** (r - 1))),
  });
}

interface NeutralEntry {
  at: number;
  ranked: Candidate[];
  sources: SourceReport;
}

/**
 * The ranked "similar/next" candidates of products for callers with nothing personal to go on (anonymous, an
 * empty session, no feedback): for them the ranking depends only on the product and the serving models, so a
 * product page viewed by many new visitors ranks once per `ttlMs` instead of on every view (recall, features
 * and ranking were about a third of a product page's CPU; bench:web).
 *
 * Only the ranking is cached, never what a shopper sees of a listing: every answer re-checks its top
 * candidates against the database (toItems: `listingStateOf`), so a listing sold or re-priced since is dropped
 * or shown at its current price at once; prices and offers on cards are read fresh by the page as well. What
 * the TTL bounds is how long a product that just became available (a new listing) can be missing from a
 * cached list. A model swap empties the cache. Bounded: `maxEntries`, oldest insertion evicted first.
 */
export class NeutralProductRecs {
  private readonly entries = new Map<number, NeutralEntry>();
  /** The model version the entries were ranked with (item indexes belong to its catalog). */
  private version: string | null = null;

  constructor(
    private readonly now: () => number,
    readonly ttlMs = 60_000,
    private readonly maxEntries = 5_000,
  ) {}

  /** Whether a caller's answer may come from (and go into) the cache: nothing about them shapes the ranking. */
  static neutral(caller: Caller, session: History, feedback: CallerFeedback): boolean {
    return (
      caller.userId === null &&
      session.items.length === 0 &&
      session.negative.size === 0 &&
      session.bought.size === 0 &&
      !session.unavailable?.length &&
      feedback.negative.size === 0 &&
      feedback.shownWithoutClick.size === 0
    );
  }

  get size(): number {
    return this.entries.size;
  }

  async recommend(
    feed: FeedService,
    models: ServingModels,
    caller: Caller,
    product: number,
    session: History,
    limit: number,
    requestId: string,
  ): Promise<RecList & { cached: boolean }> {
    const now = this.now();
    if (this.version !== models.version) {
      // New models: item indexes and rankings of the old ones mean nothing now.
      this.entries.clear();
      this.version = models.version;
    }
    let entry = this.entries.get(product);
    const hit = entry !== undefined && now - entry.at < this.ttlMs;
    if (!hit) {
      const list = await rankForProduct(feed, models, caller, product, session);
      entry = { at: now, ranked: list.ranked.slice(0, limit + SPARES), sources: list.report };
      this.entries.delete(product);
      // Degraded rankings (a source failed or timed out) are served but not kept.
      if (!isDegraded(list.report)) this.entries.set(product, entry);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as number);
    }
    const e = entry as NeutralEntry;
    return {
      modelVersion: models.version,
      items: await toItems(feed, models, caller, e.ranked, limit, requestId),
      sources: e.sources,
      degraded: isDegraded(e.sources),
      cached: hit,
    };
  }
}
