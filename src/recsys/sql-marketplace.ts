import type { Database } from "../db/database";
import type { ItemCatalog } from "./catalog";
import { CONDITION_SCORE } from "./feed/features";
import type { ListingCondition, ListingState, ListingSummary, MarketplacePort } from "./ports";

const CONDITIONS = new Set<string>(Object.keys(CONDITION_SCORE));

/**
 * MarketplacePort over the accounts team's tables (listings, orders, order_items). One query per
 * question, IN-lists bounded by the candidate count; fresh listings cached for `freshTtlMs` because
 * every feed asks the same question. With no active listing at all (a bare catalog) "fresh" falls back
 * to the newest catalog products, so cold start still has a source.
 */
export class SqlMarketplace implements MarketplacePort {
  private freshCache: { at: number; rows: { productId: string; listedAt: number }[] } | null = null;

  constructor(
    private readonly db: Database,
    private readonly catalog: () => ItemCatalog | null,
    private readonly now: () => number,
    private readonly freshTtlMs = 5_000,
  ) {}

  async listingState(productIds: readonly string[], excludeSellerId: string | null): Promise<ListingState> {
    const best = new Map<string, ListingSummary>();
    const unavailable = new Set<string>();
    if (productIds.length === 0) return { best, unavailable };
    const res = await this.db.$client.execute({
      sql: `SELECT id, parent_asin, seller_id, condition, price_minor, currency, created_at, status FROM listings
            WHERE parent_asin IN (${productIds.map(() => "?").join(",")})`,
      args: [...productIds],
    });
    const active = new Set<string>();
    for (const r of res.rows) {
      const productId = String(r.parent_asin);
      if (r.status !== "active") {
        unavailable.add(productId);
        continue;
      }
      active.add(productId);
      const condition = String(r.condition);
      if (!CONDITIONS.has(condition) || (excludeSellerId !== null && r.seller_id === excludeSellerId)) continue;
      const l: ListingSummary = {
        id: String(r.id),
        productId,
        sellerId: String(r.seller_id),
        condition: condition as ListingCondition,
        price: Number(r.price_minor) / 100,
        currency: String(r.currency),
        listedAt: Number(r.created_at),
      };
      const cur = best.get(productId);
      // Best = best condition, then cheapest, then newest: what a buyer would pick first.
      if (!cur || CONDITION_SCORE[l.condition] > CONDITION_SCORE[cur.condition] || (CONDITION_SCORE[l.condition] === CONDITION_SCORE[cur.condition] && (l.price < cur.price || (l.price === cur.price && l.listedAt > cur.listedAt)))) {
        best.set(productId, l);
      }
    }
    for (const p of active) unavailable.delete(p);
    return { best, unavailable };
  }

  async userExclusions(userId: string): Promise<{ own: Set<string>; bought: Set<string> }> {
    const [own, bought] = await Promise.all([
      this.db.$client.execute({ sql: "SELECT DISTINCT parent_asin FROM listings WHERE seller_id = ?", args: [userId] }),
      this.db.$client.execute({
        sql: "SELECT DISTINCT oi.parent_asin FROM order_items oi JOIN orders o ON o.id = oi.order_id WHERE o.buyer_id = ?",
        args: [userId],
      }),
    ]);
    return { own: new Set(own.rows.map((r) => String(r.parent_asin))), bought: new Set(bought.rows.map((r) => String(r.parent_asin))) };
  }

  async freshProducts(limit: number): Promise<{ productId: string; listedAt: number }[]> {
    const now = this.now();
    if (!this.freshCache || now - this.freshCache.at > this.freshTtlMs) {
      const res = await this.db.$client.execute({
        sql: "SELECT parent_asin, created_at FROM listings WHERE status = 'active' ORDER BY created_at DESC, id LIMIT 1000",
        args: [],
      });
      const seen = new Set<string>();
      const rows: { productId: string; listedAt: number }[] = [];
      for (const r of res.rows) {
        const id = String(r.parent_asin);
        if (seen.has(id)) continue;
        seen.add(id);
        rows.push({ productId: id, listedAt: Number(r.created_at) });
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

  private newestInCatalog(): { productId: string; listedAt: number }[] {
    const cat = this.catalog();
    if (!cat) return [];
    const order = Array.from({ length: cat.size }, (_, i) => i).sort((a, b) => cat.createdAt[b] - cat.createdAt[a] || a - b);
    return order.slice(0, 500).map((i) => ({ productId: cat.ids[i], listedAt: cat.createdAt[i] }));
  }
}
