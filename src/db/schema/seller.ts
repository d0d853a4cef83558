import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { user } from "./auth";

/**
 * Self-serve selling: who accepted which version of the seller terms, and when. The role itself stays in
 * `user.role` (the one source of roles); this row is the evidence behind a buyer → seller change.
 */
export const sellerTerms = sqliteTable("seller_terms", {
  userId: text("user_id")
    .primaryKey()
    .references(() => user.id, { onDelete: "cascade" }),
  termsVersion: text("terms_version").notNull(),
  /** Unix ms of the first acceptance of this version. */
  acceptedAt: integer("accepted_at").notNull(),
});

/**
 * Who changed what, for role changes, bans, moderation and onboarding. Append-only; `actor_id` is kept when the
 * actor is deleted (no foreign key), so the trail outlives accounts.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    /** Unix ms. */
    at: integer("at").notNull(),
    actorId: text("actor_id"),
    /** Dotted verb, e.g. `seller.onboarded`, `user.role_changed`, `listing.hidden`. */
    action: text("action").notNull(),
    targetType: text("target_type", { enum: ["user", "listing", "order"] }).notNull(),
    targetId: text("target_id").notNull(),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_log_target_idx").on(t.targetType, t.targetId, t.at), index("audit_log_at_idx").on(t.at)],
);
