import type { Client, InValue } from "@libsql/client";
import { displayCategory } from "../catalog";
import { type ItemTextSource, stringList } from "./item-text";

/** Vectors are stored as little-endian Float32; every platform this runs on (x86-64, arm64, workerd) is LE. */
if (new Uint8Array(new Float32Array([1]).buffer)[3] !== 0x3f) throw new Error("item_embeddings assumes little-endian");

export type SqlClient = Pick<Client, "execute" | "batch">;

/** A product that has no embedding under an embedder yet, or whose row changed since it was embedded. */
export interface PendingItem extends ItemTextSource {
  /** products.id (rowid). */
  rowId: number;
  itemId: string;
  category: string;
  price: number | null;
  updatedAt: number;
  /** Hash of the text last embedded, null when never embedded. */
  storedHash: string | null;
}

export interface StoredEmbedding {
  itemId: string;
  contentHash: string;
  sourceUpdatedAt: number;
  vector: Float32Array;
}

export interface EmbeddingRow {
  itemId: string;
  vector: Float32Array;
  embeddedAt: number;
  category: string;
  price: number | null;
}

/** item_embeddings (migration 0011) through the libSQL client: Node and workerd alike. */
export class EmbeddingStore {
  constructor(private readonly client: SqlClient) {}

  /**
   * Products needing an embedding under `embedder`, newest first (a product listed a minute ago must not wait
   * behind a backfill of the whole catalogue): never embedded, or updated since. One pass over products with
   * a primary-key probe each.
   */
  async pending(embedder: string, limit: number): Promise<PendingItem[]> {
    const res = await this.client.execute({
      sql: `SELECT p.id, p.parent_asin, p.title, p.category_path, p.features, p.description, p.price, p.updated_at,
                   e.content_hash
            FROM products p LEFT JOIN item_embeddings e ON e.embedder = ? AND e.item_id = p.parent_asin
            WHERE e.item_id IS NULL OR e.source_updated_at < p.updated_at
            ORDER BY p.id DESC LIMIT ?`,
      args: [embedder, limit],
    });
    return res.rows.map((r) => {
      const categoryPath = r.category_path === null ? null : String(r.category_path);
      return {
        rowId: Number(r.id),
        itemId: String(r.parent_asin),
        title: String(r.title ?? ""),
        categoryPath,
        category: displayCategory(categoryPath),
        features: stringList(r.features),
        description: stringList(r.description),
        price: r.price === null ? null : Number(r.price),
        updatedAt: Number(r.updated_at),
        storedHash: r.content_hash === null ? null : String(r.content_hash),
      };
    });
  }

  /** Inserts or replaces embeddings, in one write transaction. */
  async save(embedder: string, rows: readonly StoredEmbedding[], now: number): Promise<void> {
    if (rows.length === 0) return;
    await this.client.batch(
      rows.map((r) => ({
        sql: `INSERT INTO item_embeddings (embedder, item_id, content_hash, source_updated_at, dim, vector, embedded_at)
              VALUES (?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (embedder, item_id) DO UPDATE SET content_hash = excluded.content_hash,
                source_updated_at = excluded.source_updated_at, dim = excluded.dim, vector = excluded.vector,
                embedded_at = excluded.embedded_at`,
        args: [
          embedder,
          r.itemId,
          r.contentHash,
          r.sourceUpdatedAt,
          r.vector.length,
          new Uint8Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength).slice(),
          now,
        ] as InValue[],
      })),
      "write",
    );
  }

  /** The product changed but its embedded text did not: only the change marker moves (no new vector). */
  async touch(embedder: string, items: readonly { itemId: string; updatedAt: number }[]): Promise<void> {
    if (items.length === 0) return;
    await this.client.batch(
      items.map((i) => ({
        sql: "UPDATE item_embeddings SET source_updated_at = ? WHERE embedder = ? AND item_id = ?",
        args: [i.updatedAt, embedder, i.itemId],
      })),
      "write",
    );
  }

  async count(embedder: string): Promise<number> {
    const res = await this.client.execute({
      sql: "SELECT count(*) AS n FROM item_embeddings WHERE embedder = ?",
      args: [embedder],
    });
    return Number(res.rows[0]?.n ?? 0);
  }

  /**
   * Embeddings stored after the cursor (embedded_at, item_id), oldest first, with the catalog fields the
   * vector payload needs. Rows whose product is gone are skipped.
   */
  async after(
    embedder: string,
    cursor: { embeddedAt: number; itemId: string },
    limit: number,
  ): Promise<EmbeddingRow[]> {
    const res = await this.client.execute({
      sql: `SELECT e.item_id, e.vector, e.embedded_at, p.category_path, p.price
            FROM item_embeddings e JOIN products p ON p.parent_asin = e.item_id
            WHERE e.embedder = ? AND (e.embedded_at, e.item_id) > (?, ?)
            ORDER BY e.embedded_at, e.item_id LIMIT ?`,
      args: [embedder, cursor.embeddedAt, cursor.itemId, limit],
    });
    return res.rows.map((r) => ({
      itemId: String(r.item_id),
      vector: toFloat32(r.vector),
      embeddedAt: Number(r.embedded_at),
      category: displayCategory(r.category_path === null ? null : String(r.category_path)),
      price: r.price === null ? null : Number(r.price),
    }));
  }

  /** Stored vectors of the given items (those that have one). */
  async vectors(embedder: string, itemIds: readonly string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (let i = 0; i < itemIds.length; i += 500) {
      const chunk = itemIds.slice(i, i + 500);
      const res = await this.client.execute({
        sql: `SELECT item_id, vector FROM item_embeddings WHERE embedder = ? AND item_id IN (${chunk.map(() => "?").join(", ")})`,
        args: [embedder, ...chunk],
      });
      for (const r of res.rows) out.set(String(r.item_id), toFloat32(r.vector));
    }
    return out;
  }
}

/** A BLOB as the client returns it (ArrayBuffer; Uint8Array on some drivers) to a Float32Array copy. */
export function toFloat32(raw: unknown): Float32Array {
  const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw instanceof Uint8Array ? raw : null;
  if (bytes === null || bytes.byteLength % 4 !== 0) throw new Error("item_embeddings.vector is not a Float32 blob");
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
