import type { Embedder } from "../../ports/embedder";
import type { VectorIndex, VectorPoint } from "../../ports/vector-index";
import type { Log } from "../models/bootstrap";
import { EmbeddingStore, type SqlClient, type StoredEmbedding } from "./embedding-store";
import { contentHash, itemText } from "./item-text";

export interface ReembedDeps {
  /** The app database (libSQL client): products and item_embeddings. */
  client: SqlClient;
  embedder: Embedder;
  /**
   * The content-vector index: its own collections and live alias, apart from the collaborative vectors
   * (Qdrant: a QdrantVectorIndex with prefix "content_"; Node without Qdrant: a separate in-process index).
   * Omit it to only store vectors (a process with no index of its own: serving processes copy them in).
   */
  index?: VectorIndex;
  now: () => number;
  log?: Log;
}

export interface ReembedOptions {
  /** Texts per embedder call, and per durable write (default 64). */
  batchSize?: number;
  /** Items embedded per run at most, newest first (default 5,000): a backfill spreads over several runs. */
  maxItems?: number;
}

export interface ReembedReport {
  embedder: string;
  /** Content collection of this embedder (VectorIndex version). */
  collection: string;
  /** Products that needed a look (new, or updated since they were embedded). */
  scanned: number;
  embedded: number;
  /** Updated products whose embedded text did not change: marked, not embedded again. */
  unchanged: number;
  /** Points written to the index (new vectors, plus stored ones restored into an empty collection). */
  upserted: number;
  restored: number;
  /** More items are waiting than this run took (`maxItems`). */
  backlog: boolean;
  /** The live content alias was moved to this embedder's collection in this run. */
  swapped: boolean;
  /** Ids embedded in this run (new vectors). */
  itemIds: string[];
  ms: number;
}

/** Qdrant collections of content vectors: `content_<version>`, live alias `content_live` (apart from `items_*`). */
export const CONTENT_INDEX_PREFIX = "content_";

/** The content collection of an embedder: one per embedder id, so a model change never mixes vectors. */
export function contentVersion(embedderId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < embedderId.length; i++) h = Math.imul(h ^ embedderId.charCodeAt(i), 0x01000193);
  const slug = embedderId
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 48);
  return `c_${slug}_${(h >>> 0).toString(36)}`;
}

const isZero = (v: Float32Array): boolean => v.every((x) => x === 0);

/**
 * Embeds new and changed catalog items through the Embedder port, stores the vectors durably (item_embeddings:
 * a restart reloads them instead of recomputing), and upserts them into the content VectorIndex.
 *
 * - What needs embedding: products with no row under this embedder, or updated since (products.updated_at);
 *   of those, only the ones whose text hash changed are embedded again. Newest first, `maxItems` per run.
 * - Each batch is written to the table before the index, so a crash in between is repaired by the restore.
 * - An empty collection (an in-process index after a restart, a new Qdrant collection) is refilled from the
 *   table first: nothing already embedded is computed again.
 * - A new embedder (model change) gets a new collection; the live content alias moves to it only once every
 *   item has a vector there (no backlog), so readers never see a half-filled collection. The previous
 *   collection is kept (rollback: point the alias back).
 *
 * Runs wherever the caller runs it: the Node learner's cycle, the scheduler Worker's `re-embed` job.
 */
export async function reembedNewItems(deps: ReembedDeps, opts: ReembedOptions = {}): Promise<ReembedReport> {
  const t0 = performance.now();
  const { embedder, index } = deps;
  const batchSize = opts.batchSize ?? 64;
  const maxItems = opts.maxItems ?? 5000;
  const store = new EmbeddingStore(deps.client);
  const collection = contentVersion(embedder.id);
  await index?.ensureCollection(collection, { dimension: embedder.dimension, distance: "cosine" });

  const restored = index ? await restoreIfEmpty(store, index, embedder.id, collection) : 0;
  const pending = await store.pending(embedder.id, maxItems + 1);
  const backlog = pending.length > maxItems;
  const work = pending.slice(0, maxItems);
  const texts = work.map((p) => itemText(p));
  const hashes = await Promise.all(texts.map(contentHash));
  const unchanged = work.filter((p, j) => p.storedHash === hashes[j]);
  await store.touch(embedder.id, unchanged);
  const todo = work.map((p, j) => ({ p, text: texts[j], hash: hashes[j] })).filter((w) => w.p.storedHash !== w.hash);

  let upserted = 0;
  const itemIds: string[] = [];
  for (let b = 0; b < todo.length; b += batchSize) {
    const chunk = todo.slice(b, b + batchSize);
    const vectors = await embedder.embed(chunk.map((w) => w.text));
    if (vectors.length !== chunk.length)
      throw new Error(`${embedder.id}: ${vectors.length} vectors for ${chunk.length} texts`);
    const rows: StoredEmbedding[] = chunk.map((w, j) => ({
      itemId: w.p.itemId,
      contentHash: w.hash,
      sourceUpdatedAt: w.p.updatedAt,
      vector: vectors[j],
    }));
    await store.save(embedder.id, rows, deps.now());
    // All-zero vectors (no text at all, under the hashing embedder) have no direction: stored, not indexed.
    const points: VectorPoint[] = chunk
      .map((w, j) => ({
        id: w.p.itemId,
        vector: vectors[j],
        payload: { category: w.p.category, available: true, ...(w.p.price === null ? {} : { price: w.p.price }) },
      }))
      .filter((pt) => !isZero(pt.vector));
    if (index && points.length > 0) {
      await index.upsert(collection, points);
      upserted += points.length;
    }
    itemIds.push(...chunk.map((w) => w.p.itemId));
  }

  let swapped = false;
  if (index && !backlog && (await index.liveVersion()) !== collection) {
    await index.setLive(collection);
    swapped = true;
    deps.log?.("embeddings: content alias moved to this embedder's collection", { embedder: embedder.id, collection });
  }
  const report: ReembedReport = {
    embedder: embedder.id,
    collection,
    scanned: work.length,
    embedded: todo.length,
    unchanged: unchanged.length,
    upserted: upserted + restored,
    restored,
    backlog,
    swapped,
    itemIds,
    ms: Math.round(performance.now() - t0),
  };
  if (todo.length > 0 || restored > 0 || swapped)
    deps.log?.("embeddings: re-embedded new and changed items", { ...report, itemIds: itemIds.length });
  return report;
}

/** Refills an empty collection from item_embeddings (after a restart of an in-process index). */
async function restoreIfEmpty(
  store: EmbeddingStore,
  index: VectorIndex,
  embedder: string,
  collection: string,
): Promise<number> {
  const info = await index.describe(collection);
  if ((info?.count ?? 0) > 0) return 0;
  return copyStoredVectors(store, index, embedder, collection, { embeddedAt: -1, itemId: "" }).then((r) => r.copied);
}

/**
 * Upserts stored vectors after `cursor` into `collection`, page by page; returns how many and the new cursor.
 * Also the serving process's incremental sync (content-sync.ts) when another process embedded them.
 */
export async function copyStoredVectors(
  store: EmbeddingStore,
  index: VectorIndex,
  embedder: string,
  collection: string,
  cursor: { embeddedAt: number; itemId: string },
  pageSize = 1000,
): Promise<{ copied: number; cursor: { embeddedAt: number; itemId: string } }> {
  let copied = 0;
  let at = cursor;
  for (;;) {
    const page = await store.after(embedder, at, pageSize);
    const points: VectorPoint[] = page
      .filter((r) => !isZero(r.vector))
      .map((r) => ({
        id: r.itemId,
        vector: r.vector,
        payload: { category: r.category, available: true, ...(r.price === null ? {} : { price: r.price }) },
      }));
    if (points.length > 0) await index.upsert(collection, points);
    copied += points.length;
    const last = page.at(-1);
    if (last) at = { embeddedAt: last.embeddedAt, itemId: last.itemId };
    if (page.length < pageSize) break;
  }
  return { copied, cursor: at };
}
