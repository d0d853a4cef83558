import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * LibsqlSessionStore (src/adapters/session-store/libsql.ts): the SessionStore port on the app's own
 * database, so every process on a machine (node:cluster workers) shares session histories, feed
 * snapshots and counters. Expiry is a unix-ms column; expired rows read as missing and are swept in
 * bounded batches (the `expires_at` indexes).
 */
export const sessionLists = sqliteTable(
  "session_lists",
  {
    /** Key prefix + session id. */
    sessionId: text("session_id").primaryKey(),
    /** JSON array of `{"i","t","s"}` events, newest first, at most maxEvents long. */
    events: text("events").notNull(),
    /** Unix ms; refreshed by every append. */
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("session_lists_expires_idx").on(t.expiresAt)],
);

export const sessionKv = sqliteTable(
  "session_kv",
  {
    /** Key prefix + key. */
    key: text("key").primaryKey(),
    value: text("value").notNull(),
    /** Unix ms. */
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("session_kv_expires_idx").on(t.expiresAt)],
);
