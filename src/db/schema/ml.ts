import { customType, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

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

/** Raw bytes (libSQL BLOB). Declared here without drizzle's Buffer mode: the registry reads it through the client. */
const bytes = customType<{ data: Uint8Array; driverData: ArrayBuffer }>({ dataType: () => "blob" });

/**
 * Storage of artifacts kept inside the database (LibsqlArtifactRegistry, so Workers can load models):
 * one row per stored version saying how its bytes are laid out and whether they are all there.
 * Metadata (params, metrics, created_at) stays in `model_registry`, the one record of versions; a
 * version's registry row is inserted in the same transaction that marks its storage `complete`.
 */
export const modelArtifacts = sqliteTable(
  "model_artifacts",
  {
    model: text("model").notNull(),
    version: text("version").notNull(),
    /** `writing` while chunks are uploaded; `complete` only once every chunk is present. */
    status: text("status", { enum: ["writing", "complete"] }).notNull(),
    /** JSON: format, blob layout (name, dtype, length, byte offset), item id range. */
    manifest: text("manifest").notNull(),
    chunkCount: integer("chunk_count").notNull(),
    byteLength: integer("byte_length").notNull(),
    /** SHA-256 (hex) of the whole payload. */
    sha256: text("sha256").notNull(),
    startedAt: integer("started_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [primaryKey({ columns: [t.model, t.version] }), index("model_artifacts_status_idx").on(t.status, t.startedAt)],
);

/** The payload of a stored artifact in pieces small enough for one Hrana request each (Turso bounds them). */
export const modelArtifactChunks = sqliteTable(
  "model_artifact_chunks",
  {
    model: text("model").notNull(),
    version: text("version").notNull(),
    seq: integer("seq").notNull(),
    bytes: bytes("bytes").notNull(),
    /** SHA-256 (hex) of this chunk, so a corrupt chunk is named, not just detected. */
    sha256: text("sha256").notNull(),
  },
  (t) => [primaryKey({ columns: [t.model, t.version, t.seq] })],
);

/** The live version per model (absent: the newest complete version serves). Moved by publishing and by the scheduler. */
export const modelLive = sqliteTable("model_live", {
  model: text("model").primaryKey(),
  version: text("version").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** Why it points there (published, promoted, rolled back: …). */
  reason: text("reason").notNull(),
});
