import type { InValue, Transaction } from "@libsql/client";
import type { BenchmarkRating, RawReview } from "../data/amazon";
import { insertRows, type InsertTemplate } from "./multi-row-insert";
import type { TableCounts } from "./report";

const REVIEWERS: InsertTemplate = {
  head: "INSERT INTO reviewers (user_id, created_at) VALUES",
  columnCount: 2,
  tail: "ON CONFLICT (user_id) DO NOTHING",
};

// A rating-only row never erases review text that a raw review line brought: only the rating can change.
const RATINGS: InsertTemplate = {
  head: "INSERT INTO reviews (user_id, parent_asin, rating, timestamp) VALUES",
  columnCount: 4,
  tail:
    "ON CONFLICT (user_id, parent_asin, timestamp) DO UPDATE SET rating = excluded.rating " +
    "WHERE reviews.rating IS NOT excluded.rating",
};

const REVIEW_COLUMNS = ["user_id", "parent_asin", "asin", "rating", "timestamp", "title", "text", "images", "helpful_vote", "verified_purchase"];
const REVIEW_UPDATABLE = REVIEW_COLUMNS.slice(2).filter((c) => c !== "timestamp");
const REVIEWS: InsertTemplate = {
  head: `INSERT INTO reviews (${REVIEW_COLUMNS.join(", ")}) VALUES`,
  columnCount: REVIEW_COLUMNS.length,
  tail:
    `ON CONFLICT (user_id, parent_asin, timestamp) DO UPDATE SET ${REVIEW_UPDATABLE.map((c) => `${c} = excluded.${c}`).join(", ")} ` +
    `WHERE ${REVIEW_UPDATABLE.map((c) => `reviews.${c} IS NOT excluded.${c}`).join(" OR ")}`,
};

/**
 * Splitting inserted from updated: upserts allocate AUTOINCREMENT ids even when they end in an update, so neither
 * sqlite_sequence nor rowsAffected of one upsert tells the two apart. Instead a plain `ON CONFLICT DO NOTHING`
 * insert runs first (rowsAffected = inserted); only when some rows already existed (a re-run, or reviews arriving
 * after their ratings) does the same rows' `DO UPDATE ... WHERE changed` upsert run, whose rowsAffected = updated.
 * A first load pays one statement per chunk; a re-run pays two.
 */
async function insertThenUpdate(tx: Transaction, t: InsertTemplate, values: InValue[], rows: number): Promise<TableCounts> {
  const { rowsAffected: inserted } = await insertRows(tx, { ...t, tail: "ON CONFLICT DO NOTHING" }, values, rows);
  if (inserted === rows) return { inserted, updated: 0 };
  const { rowsAffected: updated } = await insertRows(tx, t, values, rows);
  return { inserted, updated };
}

async function upsertReviewers(tx: Transaction, userIds: Iterable<string>, now: number): Promise<TableCounts> {
  const values: InValue[] = [];
  let n = 0;
  for (const id of new Set(userIds)) {
    values.push(id, now);
    n++;
  }
  const { rowsAffected } = await insertRows(tx, REVIEWERS, values, n);
  return { inserted: rowsAffected, updated: 0 };
}

export interface InteractionCounts {
  reviews: TableCounts;
  reviewers: TableCounts;
}

/** Upserts benchmark-CSV ratings (and their reviewers) inside the caller's transaction. */
export async function writeRatings(tx: Transaction, ratings: readonly BenchmarkRating[], now: number): Promise<InteractionCounts> {
  const reviewers = await upsertReviewers(tx, ratings.map((r) => r.userId), now);
  const values: InValue[] = new Array(ratings.length * 4);
  for (let i = 0, j = 0; i < ratings.length; i++) {
    const r = ratings[i];
    values[j++] = r.userId;
    values[j++] = r.parentAsin;
    values[j++] = r.rating;
    values[j++] = r.timestamp;
  }
  return { reviews: await insertThenUpdate(tx, RATINGS, values, ratings.length), reviewers };
}

/** Upserts raw reviews (text, images, votes) and their reviewers inside the caller's transaction. */
export async function writeReviews(tx: Transaction, reviews: readonly RawReview[], now: number): Promise<InteractionCounts> {
  const reviewers = await upsertReviewers(tx, reviews.map((r) => r.userId), now);
  const values: InValue[] = [];
  for (const r of reviews) {
    values.push(
      r.userId,
      r.parentAsin,
      r.asin,
      r.rating,
      r.timestamp,
      r.title,
      r.text,
      JSON.stringify(r.images),
      r.helpfulVote,
      r.verifiedPurchase === null ? null : r.verifiedPurchase ? 1 : 0,
    );
  }
  return { reviews: await insertThenUpdate(tx, REVIEWS, values, reviews.length), reviewers };
}
