import type { Database } from "../../db/database";
import { toSummary, type ProductSummary } from "./products";

export interface ReviewView {
  userId: string;
  rating: number;
  title: string | null;
  text: string | null;
  timestamp: number;
  helpfulVotes: number;
  verifiedPurchase: boolean | null;
}

export interface ProductDetail extends ProductSummary {
  categories: string[];
  features: string[];
  description: string[];
  images: unknown[];
  videos: unknown[];
  details: Record<string, unknown>;
  boughtTogether: string[];
  ratingStats: { count: number; average: number | null; histogram: Record<"1" | "2" | "3" | "4" | "5", number> };
  recentReviews: ReviewView[];
  /** Active marketplace listings of this product, cheapest first (at most `listingLimit`). */
  activeListings: ActiveListingView[];
}

export interface ActiveListingView {
  id: string;
  sellerId: string;
  condition: string;
  price: { amountMinor: number; currency: string };
  createdAt: string;
}

const parseJson = <T>(value: unknown, fallback: T): T => {
  if (typeof value !== "string") return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
};

/**
 * A product with rating stats computed from the stored ratings (the metadata's average_rating is
 * Amazon's own; the histogram and our count come from the reviews we hold) and its latest reviews.
 */
export async function getProductDetail(
  db: Database,
  parentAsin: string,
  reviewLimit = 5,
  listingLimit = 20,
): Promise<ProductDetail | null> {
  const [productRes, statsRes, reviewsRes, listingsRes] = await db.$client.batch(
    [
      {
        sql: `SELECT p.*, json_extract(p.images, '$[0].large') AS image FROM products p WHERE p.parent_asin = ?`,
        args: [parentAsin],
      },
      {
        sql: `SELECT CAST(round(rating) AS INTEGER) AS stars, count(*) AS n, avg(rating) AS avg
              FROM reviews WHERE parent_asin = ? GROUP BY stars`,
        args: [parentAsin],
      },
      {
        sql: `SELECT user_id, rating, title, text, timestamp, helpful_vote, verified_purchase
              FROM reviews WHERE parent_asin = ? ORDER BY timestamp DESC LIMIT ?`,
        args: [parentAsin, reviewLimit],
      },
      {
        sql: `SELECT id, seller_id, condition, price_minor, currency, created_at FROM listings
              WHERE parent_asin = ? AND status = 'active' ORDER BY price_minor, id LIMIT ?`,
        args: [parentAsin, listingLimit],
      },
    ],
    "read",
  );
  const row = productRes.rows[0];
  if (!row) return null;

  const histogram = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 };
  let count = 0;
  let sum = 0;
  for (const r of statsRes.rows) {
    const stars = Math.min(5, Math.max(1, Number(r.stars))) as 1 | 2 | 3 | 4 | 5;
    const n = Number(r.n);
    histogram[String(stars) as keyof typeof histogram] += n;
    count += n;
    sum += Number(r.avg) * n;
  }

  return {
    ...toSummary(row),
    categories: parseJson<string[]>(row.categories, []),
    features: parseJson<string[]>(row.features, []),
    description: parseJson<string[]>(row.description, []),
    images: parseJson<unknown[]>(row.images, []),
    videos: parseJson<unknown[]>(row.videos, []),
    details: parseJson<Record<string, unknown>>(row.details, {}),
    boughtTogether: parseJson<string[] | null>(row.bought_together, null) ?? [],
    ratingStats: { count, average: count ? Math.round((sum / count) * 100) / 100 : null, histogram },
    recentReviews: reviewsRes.rows.map((r) => ({
      userId: String(r.user_id),
      rating: Number(r.rating),
      title: (r.title as string | null) ?? null,
      text: (r.text as string | null) ?? null,
      timestamp: Number(r.timestamp),
      helpfulVotes: Number(r.helpful_vote ?? 0),
      verifiedPurchase: r.verified_purchase === null ? null : Boolean(Number(r.verified_purchase)),
    })),
    activeListings: listingsRes.rows.map((r) => ({
      id: String(r.id),
      sellerId: String(r.seller_id),
      condition: String(r.condition),
      price: { amountMinor: Number(r.price_minor), currency: String(r.currency) },
      createdAt: new Date(Number(r.created_at)).toISOString(),
    })),
  };
}
