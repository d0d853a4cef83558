import type { AppDeps } from "../../context";
import { offerSummaries, productImages, type OfferSummary } from "../../services/catalog/offers";

/** What a product card needs besides the recommendation itself: its first image and its used offers. */
export interface CardExtras {
  images: Map<string, string | null>;
  offers: Map<string, OfferSummary>;
}

/**
 * Images and offer summaries of a page of cards, both read fresh on the hot-path executor (deps.sql: prepared
 * statements on Node; the app's client elsewhere). Offers are never cached: a card must not show a sold
 * listing or an old price.
 */
export async function cardExtras(deps: Pick<AppDeps, "db" | "sql">, productIds: readonly string[]): Promise<CardExtras> {
  const [images, offers] = await Promise.all([
    productImages(deps.db, productIds, deps.sql),
    offerSummaries(deps.db, productIds, [], deps.sql),
  ]);
  return { images, offers };
}
