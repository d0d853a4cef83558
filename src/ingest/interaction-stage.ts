import type { Client, Transaction } from "@libsql/client";
import type { BenchmarkRating, RawReview } from "../data/amazon";
import { insertJsonRows } from "./multi-row-insert";
import { cpuSeconds, type TableCounts } from "./report";
import { pick, type SchemaObjects } from "./schema-objects";

/**
 * Staged bulk load of interactions (ratings and reviews).
 *
 * Why staged: official files group rows by user in random user order, so writing them straight into `reviews`
 * scatters inserts over both indexes; once the indexes outgrow SQLite's page cache every batch rewrites most of
 * their pages and throughput collapses (measured: ~20-30k rows/s at 1M rows). Instead rows are appended to an
 * unindexed TEMP table (cheap, sequential), then merged with one `INSERT ... SELECT ... ORDER BY` key, so the
 * unique index is filled in key order. For a big merge the (parent_asin, timestamp) index is dropped and rebuilt
 * by sorting, inside the same transaction, so readers (WAL) never see the table without it.
 * Idempotency stays with the natural key: `ON CONFLICT DO NOTHING` counts inserts; only when some rows existed
 * does an `UPDATE ... FROM` stage count and apply changed values.
 */
const STAGE = "temp.ingest_stage";
/** Distinct user ids of the stage, collected in JS (rows come grouped by user), so reviewers need no 5M-row sort. */
const STAGE_USERS = "temp.ingest_stage_users";

const COLUMNS = [
  "user_id",
  "parent_asin",
  "asin",
  "rating",
  "timestamp",
  "title",
  "text",
  "images",
  "helpful_vote",
  "verified_purchase",
] as const;
const RATING_COLUMNS = ["user_id", "parent_asin", "rating", "timestamp"] as const;

/** Rebuild the item index instead of updating it when the merge is at least this big... */
const REBUILD_MIN_ROWS = 200_000;
/** ...and at least this fraction of the rows already in the table. */
const REBUILD_MIN_FRACTION = 0.25;

export type StageKind = "rating" | "review";

export class InteractionStage {
  private rows = 0;
  private lastUser = "";

  private constructor(
    private readonly client: Client,
    readonly kind: StageKind,
  ) {}

  /** Creates (or empties) the stage on the client's connection. */
  static async open(client: Client, kind: StageKind): Promise<InteractionStage> {
    // raw SQL: TEMP staging tables and one ordered merge into reviews, bench:ingest
    await client.execute(`DROP TABLE IF EXISTS ${STAGE}`);
    await client.execute(`DROP TABLE IF EXISTS ${STAGE_USERS}`);
    await client.execute(`CREATE TABLE ${STAGE_USERS} (user_id TEXT NOT NULL)`);
    await client.execute(
      `CREATE TABLE ${STAGE} (user_id TEXT NOT NULL, parent_asin TEXT NOT NULL, asin TEXT, rating REAL NOT NULL, ` +
        "timestamp INTEGER NOT NULL, title TEXT, text TEXT, images TEXT, helpful_vote INTEGER NOT NULL DEFAULT 0, verified_purchase INTEGER)",
    );
    return new InteractionStage(client, kind);
  }

  /** Stages the batch's user ids, skipping consecutive repeats (duplicates left over are removed by the merge). */
  private async addUsers(tx: Transaction, userIds: readonly string[]): Promise<void> {
    const users: string[][] = [];
    for (const u of userIds) {
      if (u !== this.lastUser) users.push([u]);
      this.lastUser = u;
    }
    await insertJsonRows(tx, STAGE_USERS, ["user_id"], users);
  }

  get stagedRows(): number {
    return this.rows;
  }

  async addRatings(tx: Transaction, ratings: readonly BenchmarkRating[]): Promise<void> {
    const rows: unknown[][] = new Array(ratings.length);
    for (let i = 0; i < ratings.length; i++) {
      const r = ratings[i];
      rows[i] = [r.userId, r.parentAsin, r.rating, r.timestamp];
    }
    await insertJsonRows(tx, STAGE, RATING_COLUMNS, rows);
    await this.addUsers(
      tx,
      ratings.map((r) => r.userId),
    );
    this.rows += ratings.length;
  }

  async addReviews(tx: Transaction, reviews: readonly RawReview[]): Promise<void> {
    const rows: unknown[][] = reviews.map((r) => [
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
    ]);
    await insertJsonRows(tx, STAGE, COLUMNS, rows);
    await this.addUsers(
      tx,
      reviews.map((r) => r.userId),
    );
    this.rows += reviews.length;
  }

  /**
   * Moves staged rows into reviewers + reviews in one transaction and empties the stage. `schema` supplies the item
   * index's SQL from the migrations for the rebuild.
   *
   * Measured and rejected for an empty `reviews` (5.15M rows): dropping the unique index too, de-duplicating with
   * GROUP BY and re-creating both indexes by sort cost 21.2 CPU-s against 18.5 for this merge. The GROUP BY sort only
   * replaces the ORDER BY sort, and appending pre-sorted keys to the unique index is cheaper than a second sort.
   */
  async merge(
    now: number,
    log?: (m: string) => void,
    schema?: SchemaObjects,
  ): Promise<{ reviews: TableCounts; reviewers: TableCounts }> {
    if (this.rows === 0) return { reviews: { inserted: 0, updated: 0 }, reviewers: { inserted: 0, updated: 0 } };
    const cols = this.kind === "rating" ? RATING_COLUMNS : COLUMNS;
    const updatable = cols.filter((c) => c !== "user_id" && c !== "parent_asin" && c !== "timestamp");
    const tx = await this.client.transaction("write");
    try {
      // raw SQL: TEMP staging tables and one ordered merge into reviews, bench:ingest
      const existing = Number((await tx.execute("SELECT coalesce(max(id), 0) AS n FROM reviews")).rows[0].n);
      const rebuild = this.rows >= REBUILD_MIN_ROWS && this.rows >= existing * REBUILD_MIN_FRACTION;
      const started = performance.now();
      const cpu0 = cpuSeconds();
      const reviewers = await tx.execute({
        sql: `INSERT INTO reviewers (user_id, created_at) SELECT DISTINCT user_id, ? FROM ${STAGE_USERS} WHERE true ORDER BY user_id ON CONFLICT DO NOTHING`,
        args: [now],
      });
      if (rebuild) await tx.execute("DROP INDEX IF EXISTS reviews_item_time_idx");
      const inserted = await tx.execute(
        `INSERT INTO reviews (${cols.join(", ")}) SELECT ${cols.join(", ")} FROM ${STAGE} WHERE true ` +
          "ORDER BY user_id, parent_asin, timestamp ON CONFLICT DO NOTHING",
      );
      let updated = 0;
      if (inserted.rowsAffected < this.rows) {
        const rs = await tx.execute(
          `UPDATE reviews SET ${updatable.map((c) => `${c} = s.${c}`).join(", ")} FROM ${STAGE} AS s ` +
            "WHERE reviews.user_id = s.user_id AND reviews.parent_asin = s.parent_asin AND reviews.timestamp = s.timestamp " +
            `AND (${updatable.map((c) => `reviews.${c} IS NOT s.${c}`).join(" OR ")})`,
        );
        updated = rs.rowsAffected;
      }
      // Rebuilt by one sort instead of millions of random inserts; the migration's own definition when known.
      if (rebuild)
        await tx.execute(
          schema
            ? pick(schema, ["reviews_item_time_idx"])[0].sql
            : "CREATE INDEX reviews_item_time_idx ON reviews (parent_asin, timestamp)",
        );
      await tx.execute(`DELETE FROM ${STAGE}`);
      await tx.execute(`DELETE FROM ${STAGE_USERS}`);
      await tx.commit();
      log?.(
        `[ingest] merged ${this.rows} staged rows in ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${(cpuSeconds() - cpu0).toFixed(1)} s CPU${rebuild ? " (item index rebuilt)" : ""}`,
      );
      this.rows = 0;
      return {
        reviews: { inserted: inserted.rowsAffected, updated },
        reviewers: { inserted: reviewers.rowsAffected, updated: 0 },
      };
    } finally {
      tx.close();
    }
  }

  async close(): Promise<void> {
    // raw SQL: TEMP staging tables and one ordered merge into reviews, bench:ingest
    await this.client.execute(`DROP TABLE IF EXISTS ${STAGE}`);
    await this.client.execute(`DROP TABLE IF EXISTS ${STAGE_USERS}`);
  }
}
