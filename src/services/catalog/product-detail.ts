import { and, asc, avg, count, desc, eq, sql } from "drizzle-orm";
import { products, reviews } from "../../db/schema/catalog";
import { listings } from "../../db/schema/marketplace";
import type { Queryable } from "../queryable";
import type { ProductSummary } from "./products";
import { demoImageUrl, drawnImage } from "../../demo/meta-record";

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

/**
 * A product with rating stats computed from the stored ratings (the metadata's average_rating is
 * Amazon's own; the histogram and our count come from the reviews we hold) and its latest reviews.
 */
export async function getProductDetail(
  db: Queryable,
  parentAsin: string,
  reviewLimit = 5,
  listingLimit = 20,
): Promise<ProductDetail | null> {
  const stars = sql<number>`CAST(round(${reviews.rating}) AS INTEGER)`;
  // One round trip for the four reads.
  const [productRows, statsRows, reviewRows, listingRows] = await db.batch([
    db
      .select({ product: products, image: sql<string | null>`json_extract(${products.images}, '$[0].large')` })
      .from(products)
      .where(eq(products.parentAsin, parentAsin)),
    db
      .select({ stars, n: count(), avg: avg(reviews.rating).mapWith(Number) })
      .from(reviews)
      .where(eq(reviews.parentAsin, parentAsin))
      .groupBy(stars),
    db
      .select({
        userId: reviews.userId,
        rating: reviews.rating,
        title: reviews.title,
        text: reviews.text,
        timestamp: reviews.timestamp,
        helpfulVotes: reviews.helpfulVote,
        verifiedPurchase: reviews.verifiedPurchase,
      })
      .from(reviews)
      .where(eq(reviews.parentAsin, parentAsin))
      .orderBy(desc(reviews.timestamp))
      .limit(reviewLimit),
    db
      .select({
        id: listings.id,
        sellerId: listings.sellerId,
        condition: listings.condition,
        amountMinor: listings.priceMinor,
        currency: listings.currency,
        createdAt: listings.createdAt,
      })
      .from(listings)
      .where(and(eq(listings.parentAsin, parentAsin), eq(listings.status, "active")))
      .orderBy(asc(listings.priceMinor), asc(listings.id))
      .limit(listingLimit),
  ]);
  const row = productRows[0];
  if (!row) return null;
  const p = row.product;

  const histogram = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 };
  let total = 0;
  let sum = 0;
  for (const r of statsRows) {
    const key = String(Math.min(5, Math.max(1, r.stars))) as keyof typeof histogram;
    histogram[key] += r.n;
    total += r.n;
    sum += (r.avg ?? 0) * r.n;
  }

  return {
    id: p.parentAsin,
    title: p.title,
    brand: p.store,
    mainCategory: p.mainCategory,
    categoryPath: p.categoryPath,
    price: p.price,
    averageRating: p.averageRating,
    ratingCount: p.ratingNumber,
    image: row.image ?? demoImageUrl(p.parentAsin),
    categories: p.categories,
    features: p.features,
    description: p.description,
    // No real image: the drawn one (src/routes/demo-images.ts), in the metadata's image shape.
    images: p.images.length > 0 ? p.images : [drawnImage(p.parentAsin)],
    videos: p.videos,
    details: p.details,
    boughtTogether: p.boughtTogether ?? [],
    ratingStats: { count: total, average: total ? Math.round((sum / total) * 100) / 100 : null, histogram },
    recentReviews: reviewRows.map((r) => ({ ...r, verifiedPurchase: r.verifiedPurchase ?? null })),
    activeListings: listingRows.map((l) => ({
      id: l.id,
      sellerId: l.sellerId,
      condition: l.condition,
      price: { amountMinor: l.amountMinor, currency: l.currency },
      createdAt: new Date(l.createdAt).toISOString(),
    })),
  };
}
