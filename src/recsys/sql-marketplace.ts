import type { Database } from "../db/database";
import type { Log } from "../ports/logger";
import { clientExecutor, type SqlExecutor } from "../db/sql-executor";
import type { ItemCatalog } from "./catalog";
import type { ListingState, MarketplacePort } from "./ports";
import { ListingCache, ROWS_AS_JSON, rowsFromJson, summariseListings, type ListingRow } from "./listing-cache";

/**
 * MarketplacePort over the accounts team's tables (listings, orders, order_items). Listing state for
 * candidates comes from an in-process cache (listing-cache.ts); `listingState` is the authoritative query
 * for the items about to be shown (IN-list of a page). Other questions are one query each; fresh
 * listings are cached for `freshTtlMs` because every feed asks the same question. With no active listing at all (a bare catalog) "fresh" falls back
 * to the newest catalog products, so cold start still has a source.
 */
export class SqlMarketplace implements MarketplacePort {
  private freshCache: { at: number; rows: { productId: string; listedAt: number }[] } | null = null;
  private readonly cache: ListingCache;
  private readonly pageReads: SqlExecutor;

  /**
   * `pageReads` runs the per-page listing query and the fresh-listings read; a Node entry on an embedded file passes its native
   * prepared-statement executor (src/db/native-executor.node.ts), everything else the app's client.
   */
  constructor(
    private readonly db: Database,
    private readonly catalog: () => ItemCatalog | null,
    private readonly now: () => number,
    private readonly freshTtlMs = 5_000,
    cacheRefreshMs = 1_000,
    pageReads?: SqlExecutor,
    /** Background cache refresh failures (the entries pass the app logger; tests may leave it out). */
    log: Log = () => {},
  ) {
    this.cache = new ListingCache(db, cacheRefreshMs, log);
    this.pageReads = pageReads ?? clientExecutor(db.$client);
  }

  async listingState(productIds: readonly string[], excludeSellerId: string | null): Promise<ListingState> {
    if (productIds.length === 0) return { best: new Map(), unavailable: new Set() };
    // One statement text for any page size (ids as one JSON argument) and the rows back as one JSON cell:
    // this read is on every page, and per-cell conversion in the client was most of its cost (ROWS_AS_JSON).
    const res = await this.pageReads.all({
      sql: `SELECT ${ROWS_AS_JSON} AS j FROM listings WHERE parent_asin IN (SELECT value FROM json_each(?))`,
      args: [JSON.stringify(productIds)],
    });
    const rows = rowsFromJson(res[0]?.[0]);
    this.cache.replaceProducts(productIds, rows);
    return summariseListings(rows, excludeSellerId);
  }

  /**
   * Listing state from the in-process cache: for filtering and ranking ~300 candidates without a query.
   * May be up to `cacheRefreshMs` stale, so whatever is shown is re-checked with `listingState`.
   */
  async cachedListingState(productIds: readonly string[], excludeSellerId: string | null): Promise<ListingState> {
    await this.cache.ensureLoaded();
    const rows: ListingRow[] = [];
    for (const p of productIds) {
      const r = this.cache.byProduct.get(p);
      if (r) for (const l of r.values()) rows.push(l);
    }
    return summariseListings(rows, excludeSellerId);
  }

  /** Applies listing changes now instead of at the next periodic refresh (tests; callers after a write). */
  async refreshListingCache(): Promise<void> {
    await this.cache.ensureLoaded();
    await this.cache.refresh();
  }

  async userExclusions(userId: string): Promise<{ own: Set<string>; bought: Set<string> }> {
    const [own, bought] = await Promise.all([
      this.db.$client.execute({ sql: "SELECT DISTINCT parent_asin FROM listings WHERE seller_id = ?", args: [userId] }),
      this.db.$client.execute({
        sql: "SELECT DISTINCT oi.parent_asin FROM order_items oi JOIN orders o ON o.id = oi.order_id WHERE o.buyer_id = ?",
        args: [userId],
      }),
    ]);
    return {
      own: new Set(own.rows.map((r) => String(r.parent_asin))),
      bought: new Set(bought.rows.map((r) => String(r.parent_asin))),
    };
  }

  async freshProducts(limit: number): Promise<{ productId: string; listedAt: number }[]> {
    const now = this.now();
    if (!this.freshCache || now - this.freshCache.at > this.freshTtlMs) {
      // Through pageReads: 1000 rows as plain arrays (the client builds each cell with defineProperty, ~4 ms
      // for this read every 5 s, which a request queued behind it paid).
      const res = await this.pageReads.all({
        sql: "SELECT parent_asin, created_at FROM listings WHERE status = 'active' ORDER BY created_at DESC, id LIMIT 1000",
        args: [],
      });
      const seen = new Set<string>();
      const rows: { productId: string; listedAt: number }[] = [];
      for (const r of res) {
        const id = String(r[0]);
        if (seen.has(id)) continue;
        seen.add(id);
        rows.push({ productId: id, listedAt: Number(r[1]) });
      }
      if (rows.length === 0) rows.push(...this.newestInCatalog());
      this.freshCache = { at: now, rows };
    }
    return this.freshCache.rows.slice(0, limit);
  }

  async productsOfListings(listingIds: readonly string[]): Promise<Map<string, string>> {
    if (listingIds.length === 0) return new Map();
    const res = await this.db.$client.execute({
      sql: `SELECT id, parent_asin FROM listings WHERE id IN (${listingIds.map(() => "?").join(",")})`,
      args: [...listingIds],
    });
    return new Map(res.rows.map((r) => [String(r.id), String(r.parent_asin)]));
  }

  /** Per catalog instance (one per model version; its dates never change): sorting 1M items every
   * fresh-cache expiry stalled serving for ~0.3 s every 5 s on a catalog without listings. */
  private newestCache: { catalog: ItemCatalog; rows: { productId: string; listedAt: number }[] } | null = null;

  private newestInCatalog(): { productId: string; listedAt: number }[] {
    const cat = this.catalog();
    if (!cat) return [];
    if (this.newestCache?.catalog !== cat) {
      const order = Array.from({ length: cat.size }, (_, i) => i).sort(
        (a, b) => cat.createdAt[b] - cat.createdAt[a] || a - b,
      );
      this.newestCache = {
        catalog: cat,
        rows: order.slice(0, 500).map((i) => ({ productId: cat.ids[i], listedAt: cat.createdAt[i] })),
      };
    }
    return this.newestCache.rows;
  }
}
