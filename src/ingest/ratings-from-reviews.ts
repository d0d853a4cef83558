import type { Client } from "@libsql/client";

/**
 * Fills products' rating count and average from the ratings we hold, where the metadata gave none or fewer:
 * benchmark CSVs and `items_meta.processed.csv` carry no rating fields, so without this their products read
 * "no rating, 0 ratings" and `min_rating` and rating sorts find nothing. Rule: a product takes the aggregate of
 * its stored ratings when its average is null or its rating_number is below the number of ratings we hold
 * (the source with more evidence wins); Amazon's own figures stay where they count at least as many ratings.
 * Only rows that change are written. Returns the number of products updated.
 */
export async function deriveRatingsFromReviews(client: Client): Promise<number> {
  // raw SQL: a set-based UPDATE (drizzle cannot express it), bench:ingest. The counts come from the
  // (parent_asin, timestamp) index alone; ratings are read only for the products that change.
  const rs = await client.execute(`
    UPDATE products SET (average_rating, rating_number) =
      (SELECT round(avg(r.rating), 2), count(*) FROM reviews r WHERE r.parent_asin = products.parent_asin)
    WHERE products.id IN (
      SELECT p.id FROM (SELECT parent_asin, count(*) AS n FROM reviews GROUP BY parent_asin) AS agg
      JOIN products p ON p.parent_asin = agg.parent_asin
      WHERE p.average_rating IS NULL OR p.rating_number < agg.n)`);
  return rs.rowsAffected;
}
