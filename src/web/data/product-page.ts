import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../../context";
import { callerOf } from "../../http/caller";
import type { RecItem } from "../../recsys/feed/feed-service";
import type { Recsys } from "../../recsys/recsys";
import { NeutralProductRecs, productRecommendations } from "../../recsys/session/session-recs";
import { getProductDetail, type ProductDetail } from "../../services/catalog/product-detail";
import { cardExtras, type CardExtras } from "./cards";

/** The product page's product: 8 latest reviews, up to 30 active listings, read fresh on the hot-path executor. */
export const productDetail = (deps: Pick<AppDeps, "db" | "sql">, id: string): Promise<ProductDetail | null> =>
  getProductDetail(deps.db, id, 8, 30, deps.sql);

/** "Similar" is what the vector source (content and behaviour embeddings) recalled; "next" what co-visitation and bought-together did. */
export function splitRecs(items: RecItem[]): { similar: RecItem[]; next: RecItem[] } {
  const similar = items.filter((i) => i.sources.includes("vector")).slice(0, 8);
  const taken = new Set(similar.map((i) => i.productId));
  return { similar, next: items.filter((i) => !taken.has(i.productId)).slice(0, 8) };
}

/** One cache of neutral product rankings per serving process (per Recsys: test apps never share one). */
const neutralCaches = new WeakMap<Recsys, NeutralProductRecs>();
const neutralCacheOf = (recsys: Recsys, now: () => number): NeutralProductRecs => {
  let cache = neutralCaches.get(recsys);
  if (!cache) neutralCaches.set(recsys, (cache = new NeutralProductRecs(now)));
  return cache;
};

/**
 * "Similar" and "next" for a product page with their cards' images and offers; null while models load. A
 * visitor with nothing personal yet (anonymous, empty session, no feedback) gets the product's cached
 * ranking (NeutralProductRecs: only the ranking is cached; listings, prices and offers are read fresh).
 */
export async function recommendationsFor(
  c: Context<AppEnv>,
  productId: string,
): Promise<({ similar: RecItem[]; next: RecItem[] } & CardExtras) | null> {
  const { recsys } = c.var.deps;
  if (!recsys.ready) return null;
  const models = recsys.models;
  const item = models.catalog.indexOf.get(productId);
  if (item === undefined) return null;
  const caller = callerOf(c);
  const history = await recsys.history({ userId: null, sessionId: caller.sessionId });
  const requestId = `web.${c.var.requestId}`;
  const neutral =
    caller.userId === null &&
    history.items.length === 0 &&
    NeutralProductRecs.neutral(caller, history, await recsys.o.feedback.forCaller(caller));
  const list = neutral
    ? await neutralCacheOf(recsys, c.var.deps.clock).recommend(recsys.feed, models, caller, item, history, 24, requestId)
    : await productRecommendations(recsys.feed, models, caller, item, history, 24, requestId);
  const split = splitRecs(list.items);
  const extras = await cardExtras(
    c.var.deps,
    [...split.similar, ...split.next].map((i) => i.productId),
  );
  return { ...split, ...extras };
}
