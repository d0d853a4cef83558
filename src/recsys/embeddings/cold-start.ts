import type { VectorIndex } from "../../ports/vector-index";
import type { Database } from "../../db/database";
import type { ItemCatalog } from "../catalog";
import { catalogLoadedThrough, loadCatalogRows } from "../catalog-loader";
import type { Log } from "../models/bootstrap";
import type { ServingModels } from "../models/serving-models";
import { buildColdStartLists } from "./cold-start-lists";
import { EmbeddingStore } from "./embedding-store";
import { contentVersion, copyStoredVectors, type ReembedReport } from "./reembed";

export interface ColdStartDeps {
  db: Pick<Database, "$client">;
  /** The serving-models holder (Recsys): the catalog grows in place, the lists are set on the live models. */
  recsys: { readonly ready: boolean; readonly models: ServingModels };
  /** Id of the embedder whose vectors serve (the same choice the re-embedding job makes). */
  embedderId: string;
  /** Content index this process searches: in-process on Node (synced from item_embeddings), or shared Qdrant. */
  index: VectorIndex;
  /** Copy vectors other processes stored into `index` (true for an in-process index; false for shared Qdrant). */
  syncIndex: boolean;
  /** Re-embedding run by this process first (omit when the learner or the scheduler Worker runs it). */
  reembed?: () => Promise<ReembedReport>;
  log: Log;
}

export interface ColdStartReport {
  /** Catalog items appended (products added since the models were built). */
  added: string[];
  /** Cold items that got content neighbours in this cycle, and cold items covered in total. */
  neighboured: number;
  covered: number;
  /** Vectors copied into the in-process index from item_embeddings. */
  synced: number;
  reembed?: ReembedReport;
  ms: number;
}

/**
 * Neighbours kept per cold item, cold items given neighbours per cycle (newest first: items added while
 * serving come before old items that merely lack a collaborative vector), and cold items remembered in all.
 * Each is one index search on the serving thread (an exact scan is ~10 ms at 30k x 512), with a yield to
 * requests between searches.
 */
const NEIGHBOURS = 30;
const PER_CYCLE = 100;
const MAX_COVERED = 20_000;
/** Re-read window of the sync cursor: a row another writer stamped slightly earlier is still picked up. */
const SYNC_OVERLAP_MS = 60_000;

/**
 * Cold start for the serving process, one `cycle()` per learner/refresh tick (60 s by default on Node):
 * 1. (optionally) re-embed new and changed items; 2. copy vectors stored by other processes into the
 * in-process content index; 3. append products added since the models were built to the serving catalog
 * (their recommendations route then answers 200, the fresh-listings source can recall them); 4. give cold
 * items (new, or unknown to the collaborative vectors) their nearest content neighbours and publish the lists
 * on the live models, where vector recall reads them both ways. Lists are kept by item id across reloads.
 * Concurrent calls share one run.
 */
export class ColdStart {
  private readonly store: EmbeddingStore;
  private readonly collection: string;
  private syncCursor = { embeddedAt: -1, itemId: "" };
  /**
   * products.id read up to, per catalog instance: a reload brings a new catalog (read from the database at
   * its own moment), which is compared in full once, so a row added around a reload is never skipped.
   */
  private readonly lastRowId = new WeakMap<ItemCatalog, number>();
  private readonly lists = new Map<string, { ids: string[]; scores: number[] }>();
  private running: Promise<ColdStartReport> | null = null;
  /** The in-process index's ANN structure is built once, after the first bulk copy. */
  private indexBuilt = false;

  constructor(private readonly deps: ColdStartDeps) {
    this.store = new EmbeddingStore(deps.db.$client);
    this.collection = contentVersion(deps.embedderId);
  }

  cycle(): Promise<ColdStartReport> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<ColdStartReport> {
    const t0 = performance.now();
    const { deps } = this;
    const reembed = deps.reembed ? await deps.reembed() : undefined;
    let synced = 0;
    if (deps.syncIndex) {
      const from = {
        embeddedAt: this.syncCursor.embeddedAt < 0 ? -1 : this.syncCursor.embeddedAt - SYNC_OVERLAP_MS,
        itemId: "",
      };
      if (!(await deps.index.describe(this.collection))) {
        const dim = (await this.store.vectors(deps.embedderId, await this.anyItem())).values().next().value?.length;
        if (dim) await deps.index.ensureCollection(this.collection, { dimension: dim, distance: "cosine" });
      }
      if (await deps.index.describe(this.collection)) {
        const r = await copyStoredVectors(this.store, deps.index, deps.embedderId, this.collection, from);
        synced = r.copied;
        // An in-process index with an ANN structure (the memory one's IVF, from 20k points) builds it once the
        // bulk is in; later points join its lists as they come.
        const buildable = deps.index as VectorIndex & { buildIndex?: (version: string) => Promise<boolean> };
        if (!this.indexBuilt && synced >= 1000 && typeof buildable.buildIndex === "function")
          this.indexBuilt = await buildable.buildIndex(this.collection);
        if (r.cursor.embeddedAt > this.syncCursor.embeddedAt) this.syncCursor = r.cursor;
      }
    }
    if (!deps.recsys.ready) return { added: [], neighboured: 0, covered: this.lists.size, synced, reembed, ms: ms(t0) };

    const models = deps.recsys.models;
    const catalog = models.catalog;
    // A catalog loaded by a reload already holds every row up to the one it was read through: read only what
    // came after (re-reading all of it held the serving thread ~1 s after every reload, and added nothing).
    const after = this.lastRowId.get(catalog) ?? catalogLoadedThrough(catalog) ?? 0;
    const { rows, lastRowId } = await loadCatalogRows(deps.db, after);
    const added = catalog.append(rows).map((i) => catalog.ids[i]);
    this.lastRowId.set(catalog, lastRowId);
    models.covis.grow(catalog.size);

    const neighboured = await this.neighbourColdItems(models);
    models.coldStart = buildColdStartLists(catalog.indexOf, this.lists);
    const report = { added, neighboured, covered: this.lists.size, synced, reembed, ms: ms(t0) };
    if (added.length > 0 || neighboured > 0)
      deps.log("recsys: cold-start cycle", {
        ...report,
        added: added.length,
        reembed: reembed && { ...reembed, itemIds: reembed.itemIds.length },
      });
    return report;
  }

  /** Content neighbours for cold items not covered yet, newest (highest index) first, PER_CYCLE at most. */
  private async neighbourColdItems(models: ServingModels): Promise<number> {
    const { catalog, vectors } = models;
    const known = vectors?.known;
    const todo: string[] = [];
    for (let i = catalog.size - 1; i >= 0 && todo.length < PER_CYCLE; i--) {
      const cold = !known || i >= known.length || !known[i];
      if (cold && !this.lists.has(catalog.ids[i])) todo.push(catalog.ids[i]);
    }
    if (todo.length === 0 || !(await this.deps.index.describe(this.collection))) return 0;
    const stored = await this.store.vectors(this.deps.embedderId, todo);
    let done = 0;
    for (const id of todo) {
      const v = stored.get(id);
      if (!v || v.every((x) => x === 0)) continue; // not embedded yet: next cycle
      const hits = await this.deps.index.search(v, {
        k: NEIGHBOURS,
        version: this.collection,
        filter: { excludeIds: [id] },
      });
      this.lists.set(id, { ids: hits.map((h) => h.id), scores: hits.map((h) => h.score) });
      done++;
      await new Promise((resolve) => setTimeout(resolve, 0)); // let queued requests run between searches
    }
    // Oldest entries go first once the cap is reached (Map keeps insertion order).
    for (const id of this.lists.keys()) {
      if (this.lists.size <= MAX_COVERED) break;
      this.lists.delete(id);
    }
    return done;
  }

  private async anyItem(): Promise<string[]> {
    const res = await this.deps.db.$client.execute({
      sql: "SELECT item_id FROM item_embeddings WHERE embedder = ? LIMIT 1",
      args: [this.deps.embedderId],
    });
    return res.rows.map((r) => String(r.item_id));
  }
}

const ms = (t0: number): number => Math.round(performance.now() - t0);
