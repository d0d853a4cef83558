/** Marketplace state recsys serving reads (listings, sellers, orders). Adapter: src/adapters/marketplace/libsql.ts. */

/** Condition grades as the listings table stores them. */
export type ListingCondition = "new_open_box" | "like_new" | "good" | "fair" | "for_parts";

/** The listing shown with a product: the best active one (condition first, then price). */
export interface ListingSummary {
  id: string;
  productId: string;
  sellerId: string;
  /** Major units (the table stores minor units). */
  price: number;
  currency: string;
  condition: ListingCondition;
  /** Unix ms. */
  listedAt: number;
}

export interface ListingState {
  best: Map<string, ListingSummary>;
  unavailable: Set<string>;
}

/** Marketplace state the feed filters and decorates with (listings, sellers, orders). */
export interface MarketplacePort {
  /**
   * One round trip for both listing questions of a candidate set: the best active listing per product
   * (skipping `excludeSellerId`'s), and the products that have listings but none active (all sold,
   * reserved or withdrawn: not buyable now).
   */
  listingState(productIds: readonly string[], excludeSellerId: string | null): Promise<ListingState>;
  /**
   * Same answer from an in-process cache that may be slightly stale (no query per request): used to filter
   * and rank candidates. What is shown is re-checked with `listingState`, so a sale is never served.
   */
  cachedListingState?(productIds: readonly string[], excludeSellerId: string | null): Promise<ListingState>;
  /** Products the user sells (any listing) and products the user bought (orders). */
  userExclusions(userId: string): Promise<{ own: Set<string>; bought: Set<string> }>;
  /** Newest active listings' products, newest first. */
  freshProducts(limit: number): Promise<{ productId: string; listedAt: number }[]>;
  /** Resolve listing ids to their products (events may name only the listing); unknown ids are absent. */
  productsOfListings(listingIds: readonly string[]): Promise<Map<string, string>>;
}
