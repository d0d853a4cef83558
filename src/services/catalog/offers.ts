import { and, count, eq, inArray, min, sql } from "drizzle-orm";
import { products } from "../../db/schema/catalog";
import { listings } from "../../db/schema/marketplace";
import type { ConditionGrade } from "../../db/schema/marketplace";
import type { Queryable } from "../queryable";

export interface OfferSummary {
  /** Active used listings of the product (in the asked conditions, if any). */
  count: number;
  /** Cheapest of them, minor units. */
  fromMinor: number;
  currency: string;
}

/**
 * Per product: how many active listings it has and the cheapest, optionally only in some conditions. One
 * grouped query over the (parent_asin, status) index for a page of products; the storefront shows it on
 * cards ("3 used from $120") and filters search results by condition with it.
 */
export async function offerSummaries(
  db: Queryable,
  productIds: readonly string[],
  conditions: readonly ConditionGrade[] = [],
): Promise<Map<string, OfferSummary>> {
  const out = new Map<string, OfferSummary>();
  if (productIds.length === 0) return out;
  const rows = await db
    .select({
      productId: listings.parentAsin,
      currency: listings.currency,
      n: count(),
      from: min(listings.priceMinor),
    })
    .from(listings)
    .where(
      and(
        inArray(listings.parentAsin, [...new Set(productIds)]),
        eq(listings.status, "active"),
        conditions.length > 0 ? inArray(listings.condition, [...conditions]) : undefined,
      ),
    )
    .groupBy(listings.parentAsin, listings.currency);
  for (const r of rows) {
    const prev = out.get(r.productId);
    // Mixed currencies for one product are rare: keep the currency with most offers.
    if (!prev || r.n > prev.count) out.set(r.productId, { count: r.n, fromMinor: r.from ?? 0, currency: r.currency });
  }
  return out;
}

/** First image (the metadata's `large`) of each product, for cards built from recommendation lists. */
export async function productImages(db: Queryable, productIds: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (productIds.length === 0) return out;
  const rows = await db
    .select({ id: products.parentAsin, image: sql<string | null>`json_extract(${products.images}, '$[0].large')` })
    .from(products)
    .where(inArray(products.parentAsin, [...new Set(productIds)]));
  for (const r of rows) out.set(r.id, r.image);
  return out;
}
