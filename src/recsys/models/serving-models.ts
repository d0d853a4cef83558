import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { CovisitationRecommender } from "../../../ml/models/covisitation.js";
import type { NeighbourLists } from "../../../ml/models/neighbours.js";
import { SessionKnnRecommender } from "../../../ml/models/session-knn.js";
import type { ItemCatalog } from "../catalog";
import type { ColdStartLists } from "../embeddings/cold-start-lists";
import type { LinearRanker } from "../feed/rank";
import { CovisIndex } from "./covis-index";
import { Trending } from "./trending";

/**
 * Everything one request needs, for one model version: fitted models re-indexed onto the catalog
 * (artifacts from ml/ may index items differently), item vectors, trending counts and the ranker.
 * Built once by the bootstrap (load or train), then swapped atomically; `refresh()` mutates only the
 * incremental parts (co-visitation overlay, trending) in place.
 */
export interface ItemVectors {
  /** Vector-index version these were upserted under. */
  version: string;
  dim: number;
  /** Item vectors (what the index holds), row per catalog item; rows of unknown items are zero. */
  items: Float32Array;
  /** Context vectors a history is encoded with (FISM's Q); equals `items` for plain embedding models. */
  context: Float32Array;
  known: Uint8Array;
}

export interface ServingModels {
  version: string;
  builtAt: number;
  catalog: ItemCatalog;
  covis: CovisIndex;
  sknn: SessionKnnSource | null;
  trending: Trending;
  /** Long-term popularity scaled to [0, 1] (ranker feature). */
  popularity: Float32Array;
  vectors: ItemVectors | null;
  /**
   * Optional item-to-item neighbour lists over the vectors (an offline ANN graph). When present, vector
   * recall re-scores the neighbours of recent items against the interest vector instead of scanning the
   * index: the way to stay inside the time budget at millions of items with an exact in-process index.
   */
  vectorNeighbours?: NeighbourLists;
  /**
   * Content-vector neighbours of items the collaborative models do not know (added while serving, or never
   * interacted with), and the reverse lists; set by the cold-start cycle (src/recsys/embeddings/cold-start.ts)
   * and read by vector recall. Absent until the first cycle after a (re)load.
   */
  coldStart?: ColdStartLists;
  ranker: LinearRanker;
  /** Model versions in use, by component, for responses and logs. */
  components: Record<string, string>;
}

/** artifact index -> catalog index (-1 = not in the catalog); null when the artifact is already aligned. */
export function alignment(artifact: ModelArtifact, catalog: ItemCatalog): Int32Array | null {
  const ids = artifact.itemIds;
  if (ids.length === catalog.size && ids.every((id, i) => catalog.ids[i] === id)) return null;
  return Int32Array.from(ids, (id) => catalog.indexOf.get(id) ?? -1);
}

/** Dense per-item array of an artifact, moved onto catalog indices (missing items get `fill`). */
export function alignDense<T extends Float32Array | Float64Array>(
  values: T,
  map: Int32Array | null,
  size: number,
  make: (n: number) => T,
  fill = 0,
): T {
  if (map === null) return values;
  const out = make(size);
  out.fill(fill);
  map.forEach((c, a) => {
    if (c >= 0) out[c] = values[a];
  });
  return out;
}

/** Co-visitation lists re-indexed onto the catalog (rows and targets outside it dropped). */
export function covisFromArtifact(artifact: ModelArtifact, catalog: ItemCatalog): CovisIndex {
  const lists = CovisitationRecommender.load(artifact).neighbours();
  const map = alignment(artifact, catalog);
  if (map === null) return new CovisIndex(lists, catalog.size);
  const rows: { ids: number[]; weights: number[] }[] = Array.from({ length: catalog.size }, () => ({
    ids: [],
    weights: [],
  }));
  for (let a = 0; a + 1 < lists.offsets.length; a++) {
    const ca = map[a];
    if (ca < 0) continue;
    for (let c = lists.offsets[a]; c < lists.offsets[a + 1]; c++) {
      const cb = map[lists.ids[c]];
      if (cb >= 0) {
        rows[ca].ids.push(cb);
        rows[ca].weights.push(lists.weights[c]);
      }
    }
  }
  const offsets = new Int32Array(catalog.size + 1);
  rows.forEach((r, i) => {
    offsets[i + 1] = offsets[i] + r.ids.length;
  });
  const out: NeighbourLists = {
    offsets,
    ids: Int32Array.from(rows.flatMap((r) => r.ids)),
    weights: Float32Array.from(rows.flatMap((r) => r.weights)),
  };
  return new CovisIndex(out, catalog.size);
}

/** Session kNN over an artifact, translating catalog indices in and out. */
export class SessionKnnSource {
  private readonly toArtifact: Map<number, number> | null;

  constructor(
    private readonly model: SessionKnnRecommender,
    private readonly toCatalog: Int32Array | null,
  ) {
    if (toCatalog === null) this.toArtifact = null;
    else {
      this.toArtifact = new Map();
      toCatalog.forEach((c, a) => {
        if (c >= 0) this.toArtifact?.set(c, a);
      });
    }
  }

  static fromArtifact(artifact: ModelArtifact, catalog: ItemCatalog): SessionKnnSource {
    return new SessionKnnSource(SessionKnnRecommender.load(artifact), alignment(artifact, catalog));
  }

  /** Top `n` items for a history (catalog indices, OLDEST first), `exclude` never returned. */
  top(
    history: readonly number[],
    n: number,
    exclude: ReadonlySet<number>,
    now?: number,
  ): { items: Int32Array; scores: Float32Array } {
    const h =
      this.toArtifact === null ? history : history.map((i) => this.toArtifact?.get(i) ?? -1).filter((i) => i >= 0);
    if (h.length === 0) return { items: new Int32Array(0), scores: new Float32Array(0) };
    let ex: ReadonlySet<number> = exclude;
    if (this.toArtifact !== null) {
      const mapped = new Set<number>();
      for (const c of exclude) {
        const a = this.toArtifact.get(c);
        if (a !== undefined) mapped.add(a);
      }
      ex = mapped;
    }
    // Sparse: only items of neighbour sessions are scored (a dense scoreAll copies and scans numItems floats
    // per request: 1M items = the whole request budget). Prior-only items are not "session kNN" evidence
    // anyway: the trending source has them.
    const best = this.model.recommendTopK({ history: Int32Array.from(h), now }, n, ex);
    const items: number[] = [];
    const out: number[] = [];
    best.items.forEach((a, j) => {
      const c = this.toCatalog === null ? a : this.toCatalog[a];
      if (c >= 0 && best.scores[j] > 0) {
        items.push(c);
        out.push(best.scores[j]);
      }
    });
    return { items: Int32Array.from(items), scores: Float32Array.from(out) };
  }
}

/** Item vectors (FISM P, context Q) from an artifact, aligned onto the catalog. */
export function vectorsFromArtifact(artifact: ModelArtifact, catalog: ItemCatalog, version: string): ItemVectors {
  const P = artifact.blobs.itemVectors;
  if (!(P instanceof Float32Array)) throw new Error(`${artifact.model}: itemVectors blob missing`);
  const Q = artifact.blobs.contextVectors instanceof Float32Array ? artifact.blobs.contextVectors : P;
  const nA = artifact.itemIds.length;
  const dim = P.length / Math.max(1, nA);
  if (!Number.isInteger(dim) || dim <= 0)
    throw new Error(`${artifact.model}: itemVectors length ${P.length} is not items x dim`);
  const map = alignment(artifact, catalog);
  const items = new Float32Array(catalog.size * dim);
  const context = Q === P ? items : new Float32Array(catalog.size * dim);
  const known = new Uint8Array(catalog.size);
  for (let a = 0; a < nA; a++) {
    const c = map === null ? a : map[a];
    if (c < 0) continue;
    items.set(P.subarray(a * dim, (a + 1) * dim), c * dim);
    if (context !== items) context.set(Q.subarray(a * dim, (a + 1) * dim), c * dim);
    let nonZero = false;
    for (let f = 0; f < dim && !nonZero; f++) nonZero = P[a * dim + f] !== 0;
    known[c] = nonZero ? 1 : 0;
  }
  return { version, dim, items, context, known };
}

/** Popularity blob (log decayed counts) -> [0, 1] feature and trending counts (decayed counts). */
export function popularityFromArtifact(
  artifact: ModelArtifact,
  catalog: ItemCatalog,
  asOf: number,
  halfLifeDays: number,
): { popularity: Float32Array; trending: Trending } {
  const raw = artifact.blobs.scores;
  if (!(raw instanceof Float32Array)) throw new Error("popularity: scores blob missing");
  const aligned = alignDense(raw, alignment(artifact, catalog), catalog.size, (n) => new Float32Array(n));
  let max = 0;
  for (const v of aligned) if (v > max) max = v;
  const popularity = Float32Array.from(aligned, (v) => (max > 0 ? v / max : 0));
  const counts = Float64Array.from(aligned, (v) => Math.expm1(v));
  return { popularity, trending: new Trending(catalog, counts, asOf, halfLifeDays) };
}
