import type { Database } from "../../db/database";
import type { ConditionGrade } from "../../db/schema/marketplace";
import { clientExecutor, type SqlExecutor } from "../../db/sql-executor";

export interface OfferSummary {
  /** Active used listings of the product (in the asked conditions, if any). */
  count: number;
  /** Cheapest of them, minor units. */
  fromMinor: number;
  currency: string;
}

// Constant statement texts (ids as one JSON array argument), so an executor that keeps statements prepared
// (Node, embedded file: src/db/native-executor.node.ts) prepares each once: these run on every home, product
// and search page, and drizzle's query building plus a prepare per call were most of their cost (bench:web).
// `+status`: keeps the planner on the (parent_asin, status) index rather than a walk of every active listing.
const OFFERS_SQL = `SELECT parent_asin, currency, count(*), min(price_minor) FROM listings
  WHERE parent_asin IN (SELECT value FROM json_each(?1)) AND +status = 'active'
    AND (?2 = '[]' OR condition IN (SELECT value FROM json_each(?2)))
  GROUP BY parent_asin, currency`;
const IMAGES_SQL = `SELECT parent_asin, json_extract(images, '$[0].large') FROM products
  WHERE parent_asin IN (SELECT value FROM json_each(?))`;

/**
 * Per product: how many active listings it has and the cheapest, optionally only in some conditions. One
 * grouped query over the (parent_asin, status) index for a page of products; the storefront shows it on
 * cards ("3 used from $120") and filters search results by condition with it. Always read from the database
 * (never cached): a card must not show a sold listing or an old price.
 */
export async function offerSummaries(
  db: Pick<Database, "$client">,
  productIds: readonly string[],
  conditions: readonly ConditionGrade[] = [],
  sql: SqlExecutor = clientExecutor(db.$client),
): Promise<Map<string, OfferSummary>> {
  const out = new Map<string, OfferSummary>();
  if (productIds.length === 0) return out;
  const rows = await sql.all({
    sql: OFFERS_SQL,
    args: [JSON.stringify([...new Set(productIds)]), JSON.stringify([...new Set(conditions)])],
  });
  for (const r of rows) {
    const productId = String(r[0]);
    const n = Number(r[2]);
    const prev = out.get(productId);
    // Mixed currencies for one product are rare: keep the currency with most offers.
    if (!prev || n > prev.count) out.set(productId, { count: n, fromMinor: Number(r[3] ?? 0), currency: String(r[1]) });
  }
  return out;
}

/** First image (the metadata's `large`) of each product, for cards built from recommendation lists. */
export async function productImages(
  db: Pick<Database, "$client">,
  productIds: readonly string[],
  sql: SqlExecutor = clientExecutor(db.$client),
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (productIds.length === 0) return out;
  const rows = await sql.all({ sql: IMAGES_SQL, args: [JSON.stringify([...new Set(productIds)])] });
  for (const r of rows) out.set(String(r[0]), r[1] === null || r[1] === undefined ? null : String(r[1]));
  return out;
}
