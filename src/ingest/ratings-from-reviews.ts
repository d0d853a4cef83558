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
  // raw SQL: one set-based UPDATE ... FROM over the reviews aggregate (drizzle has no UPDATE FROM), bench:ingest
  const rs = await client.execute(`
    UPDATE products SET average_rating = agg.avg, rating_number = agg.n
    FROM (SELECT parent_asin, round(avg(rating), 2) AS avg, count(*) AS n FROM reviews GROUP BY parent_asin) AS agg
    WHERE products.parent_asin = agg.parent_asin
      AND (products.average_rating IS NULL OR products.rating_number < agg.n)`);
  return rs.rowsAffected;
}
