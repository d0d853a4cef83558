import { customType, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Raw bytes (libSQL BLOB), read and written through the client as Uint8Array. */
const bytes = customType<{ data: Uint8Array; driverData: ArrayBuffer }>({ dataType: () => "blob" });

/**
 * Content embeddings of catalog items, one row per (embedder, item): durable, so a restart or a new pod
 * reloads them instead of recomputing (src/recsys/embeddings/). `content_hash` is the SHA-256 of the text
 * that was embedded: a product whose `updated_at` moved but whose text did not is not embedded again.
 * Vectors of two embedders are never mixed: the embedder id is part of the key.
 */
export const itemEmbeddings = sqliteTable(
  "item_embeddings",
  {
    embedder: text("embedder").notNull(),
    /** Catalog product (parent_asin). */
    itemId: text("item_id").notNull(),
    contentHash: text("content_hash").notNull(),
    /** products.updated_at of the row that was embedded (detects changed products). */
    sourceUpdatedAt: integer("source_updated_at").notNull(),
    dim: integer("dim").notNull(),
    /** Float32, little-endian, `dim` values. */
    vector: bytes("vector").notNull(),
    embeddedAt: integer("embedded_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.embedder, t.itemId] }),
    index("item_embeddings_embedded_idx").on(t.embedder, t.embeddedAt),
  ],
);
