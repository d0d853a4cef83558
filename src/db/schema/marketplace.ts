import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { user } from "./auth";

/** Marketplace tables: listings of used devices, favorites, carts, orders and the event log. Times are unix ms. */

export const conditionGrades = ["new_open_box", "like_new", "good", "fair", "for_parts"] as const;
export type ConditionGrade = (typeof conditionGrades)[number];
/** `hidden` (reversible) and `removed` (final) are set by moderators only (src/services/moderation/). */
export const listingStatuses = ["active", "reserved", "sold", "withdrawn", "hidden", "removed"] as const;
export type ListingStatus = (typeof listingStatuses)[number];

export const listings = sqliteTable(
  "listings",
  {
    id: text("id").primaryKey(),
    sellerId: text("seller_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** Catalog product (Amazon parent_asin) this device is an instance of. */
    parentAsin: text("parent_asin").notNull(),
    condition: text("condition", { enum: conditionGrades }).notNull(),
    /** Integer minor units (cents) in `currency`. */
    priceMinor: integer("price_minor").notNull(),
    currency: text("currency").notNull(),
    description: text("description").notNull().default(""),
    photos: text("photos", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    status: text("status", { enum: listingStatuses }).notNull().default("active"),
    /** Why a moderator hid or removed the listing (shown to its seller); null otherwise. */
    moderationReason: text("moderation_reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("listings_status_created_idx").on(t.status, t.createdAt, t.id),
    index("listings_status_price_idx").on(t.status, t.priceMinor, t.id),
    index("listings_product_status_idx").on(t.parentAsin, t.status),
    index("listings_seller_status_idx").on(t.sellerId, t.status),
    check("listings_price_nonneg", sql`${t.priceMinor} >= 0`),
  ],
);

export const favoriteTargets = ["listing", "product"] as const;
export type FavoriteTarget = (typeof favoriteTargets)[number];

export const favorites = sqliteTable(
  "favorites",
  {
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    targetType: text("target_type", { enum: favoriteTargets }).notNull(),
    /** A listing id or a product parent_asin. */
    targetId: text("target_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.targetType, t.targetId] }),
    index("favorites_user_created_idx").on(t.userId, t.createdAt),
  ],
);

export const cartItems = sqliteTable(
  "cart_items",
  {
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    listingId: text("listing_id")
      .notNull()
      .references(() => listings.id, { onDelete: "cascade" }),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.listingId] })],
);

/** A seller's part of an order moves placed → shipped → completed (src/services/sales/). */
export const fulfilmentStatuses = ["placed", "shipped", "completed"] as const;
export type FulfilmentStatus = (typeof fulfilmentStatuses)[number];

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    buyerId: text("buyer_id")
      .notNull()
      .references(() => user.id),
    /** Derived from its items' fulfilment (the least advanced one): placed → shipped → completed. */
    status: text("status", { enum: fulfilmentStatuses }).notNull().default("placed"),
    totalMinor: integer("total_minor").notNull(),
    currency: text("currency").notNull(),
    /** Client's Idempotency-Key: a retried checkout returns the same order. */
    idempotencyKey: text("idempotency_key"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("orders_buyer_created_idx").on(t.buyerId, t.createdAt),
    uniqueIndex("orders_buyer_idem_uq").on(t.buyerId, t.idempotencyKey),
  ],
);

export const orderItems = sqliteTable(
  "order_items",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** Unique: a listing is sold at most once, whatever the application code does. */
    listingId: text("listing_id")
      .notNull()
      .unique()
      .references(() => listings.id),
    sellerId: text("seller_id").notNull(),
    parentAsin: text("parent_asin").notNull(),
    /** Snapshot at purchase time: later edits to the listing or catalog do not change the order. */
    title: text("title").notNull(),
    condition: text("condition", { enum: conditionGrades }).notNull(),
    priceMinor: integer("price_minor").notNull(),
    currency: text("currency").notNull(),
    /** Fulfilment of this item by its seller; every item of one seller in one order moves together. */
    status: text("status", { enum: fulfilmentStatuses }).notNull().default("placed"),
    shippedAt: integer("shipped_at"),
    completedAt: integer("completed_at"),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.listingId] }), index("order_items_seller_idx").on(t.sellerId, t.orderId)],
);

export const eventTypes = [
  "view",
  "favorite",
  "cart_add",
  "purchase",
  "click",
  "not_interested",
  "impression",
  "dislike",
] as const;
export type EventType = (typeof eventTypes)[number];

/** The interaction log: input of the recommender. */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    userId: text("user_id"),
    /** Anonymous browser session (rc_sid cookie / x-session-id header), kept for signed-in users too. */
    anonId: text("anon_id"),
    parentAsin: text("parent_asin"),
    listingId: text("listing_id"),
    type: text("type", { enum: eventTypes }).notNull(),
    ts: integer("ts").notNull(),
    context: text("context", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Client-supplied id: a retried event is stored once. */
    clientEventId: text("client_event_id").unique(),
  },
  (t) => [
    index("events_user_ts_idx").on(t.userId, t.ts),
    index("events_item_ts_idx").on(t.parentAsin, t.ts),
    index("events_anon_ts_idx").on(t.anonId, t.ts),
    index("events_ts_idx").on(t.ts),
  ],
);
