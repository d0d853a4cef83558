import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Catalog tables, keyed by the Amazon Reviews 2023 `parent_asin`. JSON columns keep the raw
 * structure of the metadata (features[], description[], images[], details{}) so nothing from the
 * source file is lost; the columns the catalog filters and sorts on are first-class.
 */
export const products = sqliteTable(
  "products",
  {
    /** Integer rowid alias: stable across VACUUM, so the external-content FTS index stays aligned. */
    id: integer("id").primaryKey(),
    parentAsin: text("parent_asin").notNull().unique(),
    title: text("title").notNull().default(""),
    store: text("store"),
    mainCategory: text("main_category"),
    /** Leaf category path joined with " > " (e.g. "Electronics > Headphones > Earbuds"). */
    categoryPath: text("category_path"),
    categories: text("categories", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    features: text("features", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    description: text("description", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    price: real("price"),
    averageRating: real("average_rating"),
    ratingNumber: integer("rating_number").notNull().default(0),
    images: text("images", { mode: "json" }).$type<unknown[]>().notNull().default(sql`'[]'`),
    videos: text("videos", { mode: "json" }).$type<unknown[]>().notNull().default(sql`'[]'`),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    boughtTogether: text("bought_together", { mode: "json" }).$type<string[] | null>(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /**
     * FTS terms of the product's ancestor-or-self categories (`c<category_terms.id>`, space-separated), the
     * products_fts column that scopes a search to a category. Derived from product_categories by its triggers
     * (migration 0006); writers never set it.
     */
    categoryTerms: text("category_terms").notNull().default(""),
  },
  (t) => [
    // Sort indexes carry the filter columns after (key, id): a catalog walk filters and orders inside the
    // index and never reads the wide product row (JSON columns on overflow pages) until the page is chosen.
    index("products_rating_number_idx").on(t.ratingNumber, t.id, t.price, t.averageRating, t.store),
    index("products_average_rating_idx").on(t.averageRating, t.id, t.price, t.ratingNumber, t.store),
    index("products_price_idx").on(t.price, t.id, t.averageRating, t.ratingNumber, t.store),
    // The same columns by id: a category's members are filtered by id lookups into this, not the table.
    index("products_filter_cover_idx").on(t.id, t.price, t.averageRating, t.ratingNumber, t.store),
    index("products_store_idx").on(t.store),
    index("products_updated_at_idx").on(t.updatedAt),
  ],
);

/**
 * One row per (product, ancestor-or-self category path): filtering by any level of the tree is an
 * index lookup, and the category tree's counts are a GROUP BY over it.
 */
export const productCategories = sqliteTable(
  "product_categories",
  {
    path: text("path").notNull(),
    productId: integer("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    depth: integer("depth").notNull(),
  },
  (t) => [primaryKey({ columns: [t.path, t.productId] }), index("product_categories_product_idx").on(t.productId)],
);

/**
 * The category tree with product counts, materialised from product_categories after each ingest
 * (a GROUP BY over millions of rows is too slow for a request; the tree changes only on ingest).
 */
export const categories = sqliteTable(
  "categories",
  {
    path: text("path").primaryKey(),
    name: text("name").notNull(),
    parentPath: text("parent_path"),
    depth: integer("depth").notNull(),
    productCount: integer("product_count").notNull(),
  },
  (t) => [index("categories_parent_idx").on(t.parentPath)],
);

/**
 * One FTS term per category path ever seen: path P is the term `c<id>` in products_fts.category_terms. A
 * short opaque term (letter then digits: the porter stemmer leaves it alone) instead of the path's words, so
 * a category is one posting list FTS5 can intersect with the query. Rows are never deleted, so a term never
 * changes meaning.
 */
export const categoryTerms = sqliteTable("category_terms", {
  id: integer("id").primaryKey(),
  path: text("path").notNull().unique(),
});

/**
 * One row (id 1): `revision` is bumped by triggers on products (migration 0007) whenever the content of
 * products_fts can change, and once after a bulk load; `heads_revision` is the revision the search head
 * lists were last built at (null: never). See src/services/catalog/search-heads.ts.
 */
export const catalogRevision = sqliteTable("catalog_revision", {
  id: integer("id").primaryKey(),
  revision: integer("revision").notNull().default(0),
  headsRevision: integer("heads_revision"),
});

/**
 * Precomputed top results of frequent one-token searches ("head" match expressions as `toFtsQuery` writes
 * them): the first `min(K, hits)` (rowid, rank) pairs in (rank, rowid) order, little-endian float64 pairs,
 * exact for catalog revision `revision` only.
 */
export const searchHeadLists = sqliteTable("search_head_lists", {
  match: text("match").primaryKey(),
  revision: integer("revision").notNull(),
  hits: integer("hits").notNull(),
  list: blob("list", { mode: "buffer" }).notNull(),
});

/** Reviewers (Amazon `user_id`s) imported from the data, distinct from marketplace accounts. */
export const reviewers = sqliteTable("reviewers", {
  userId: text("user_id").primaryKey(),
  createdAt: integer("created_at").notNull(),
});

/**
 * Ratings and reviews in one table: a rating-only CSV row and a raw review JSONL line for the same
 * (user, item, time) are one interaction; the review text fills in when it arrives.
 */
export const reviews = sqliteTable(
  "reviews",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id").notNull(),
    parentAsin: text("parent_asin").notNull(),
    asin: text("asin"),
    rating: real("rating").notNull(),
    /** Unix milliseconds, as in the source files. */
    timestamp: integer("timestamp").notNull(),
    title: text("title"),
    text: text("text"),
    images: text("images", { mode: "json" }).$type<unknown[]>(),
    helpfulVote: integer("helpful_vote").notNull().default(0),
    verifiedPurchase: integer("verified_purchase", { mode: "boolean" }),
  },
  (t) => [
    uniqueIndex("reviews_user_item_time_uq").on(t.userId, t.parentAsin, t.timestamp),
    index("reviews_item_time_idx").on(t.parentAsin, t.timestamp),
  ],
);
