import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { user } from "./auth";

/** Negative feedback kinds a shopper can give an item (POST /v1/events types; see src/recsys/feedback/). */
export const negativeFeedbackKinds = ["not_interested", "hide", "dislike"] as const;
export type NegativeFeedbackKind = (typeof negativeFeedbackKinds)[number];

/**
 * Lasting negative feedback of signed-in users: one row per (user, product), the latest kind wins. Every
 * recommendation surface filters these items until the user undoes it (DELETE /v1/feedback/{productId}).
 * Anonymous sessions keep theirs in the SessionStore for the session's lifetime instead.
 */
export const userItemFeedback = sqliteTable(
  "user_item_feedback",
  {
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** Catalog product (parent_asin). */
    productId: text("product_id").notNull(),
    kind: text("kind", { enum: negativeFeedbackKinds }).notNull(),
    /** Unix ms of the feedback event. */
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.productId] }),
    index("user_item_feedback_user_created_idx").on(t.userId, t.createdAt),
  ],
);
