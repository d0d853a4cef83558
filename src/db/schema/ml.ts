import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The model registry: one row per trained model version (written by `npm run train` and by the serving
 * path when it trains at start). JSON columns keep params, data window and metrics as the trainer wrote them.
 */
export const modelRegistry = sqliteTable(
  "model_registry",
  {
    model: text("model").notNull(),
    version: text("version").notNull(),
    params: text("params", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    dataWindow: text("data_window", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    metrics: text("metrics", { mode: "json" }).$type<Record<string, number>>().notNull(),
    artifactLocation: text("artifact_location").notNull(),
    /** ISO 8601, as the trainer stamps it (sorts in time order). */
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.model, t.version] }), index("model_registry_created_idx").on(t.model, t.createdAt)],
);
