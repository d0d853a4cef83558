/**
 * VectorIndex port: item vectors per model version. Each model version owns one collection; a single
 * "live" pointer (an alias in Qdrant) says which version serves traffic, so a new version is filled
 * in the background and switched on atomically.
 *
 * Semantics every adapter honours (checked by test/ports/vector-index.contract.ts):
 * - Scores are "higher is better": cosine similarity for `cosine`, the raw dot product for `dot`.
 * - `cosine` rejects all-zero stored vectors (they have no direction); an all-zero QUERY is rejected
 *   under both distances (it cannot rank anything).
 * - Upserting an existing id replaces its vector and payload.
 * - A search filter is a conjunction: category in `categories` AND (available if `availableOnly`)
 *   AND id not in `excludeIds`. `categories: []` matches nothing; omit it to allow every category.
 * - Version names match /^[A-Za-z0-9_-]{1,64}$/ and "live" is reserved.
 */

export type VectorDistance = "cosine" | "dot";

/** Payload fields the serving path filters on (kept small on purpose: it is indexed). */
export interface VectorPayload {
  category: string;
  available: boolean;
  price?: number;
}

export interface VectorPoint {
  /** External item id (catalog id). Any non-empty string. */
  id: string;
  vector: Float32Array;
  payload: VectorPayload;
}

export interface CollectionSpec {
  dimension: number;
  distance: VectorDistance;
}

export interface CollectionInfo extends CollectionSpec {
  version: string;
  /** Exact number of points. */
  count: number;
}

export interface SearchFilter {
  /** Allowed categories; omit for any. */
  categories?: readonly string[];
  /** Only items whose payload says `available: true`. */
  availableOnly?: boolean;
  /** Items never to return (already seen, the query item itself, ...). */
  excludeIds?: readonly string[];
}

export interface SearchOptions {
  /** Number of hits wanted, 1..1000. */
  k: number;
  filter?: SearchFilter;
  /** Search this version instead of the live one. */
  version?: string;
}

export interface SearchHit {
  id: string;
  score: number;
  payload: VectorPayload;
}

export type VectorIndexErrorCode =
  /** Bad input: wrong dimension, non-finite values, bad version name, k out of range. */
  | "invalid_argument"
  /** The version (or live alias) does not exist. */
  | "not_found"
  /** The request contradicts existing state (same version with another spec, dropping the live version). */
  | "conflict"
  | "unauthorized"
  /** The backend could not be reached. */
  | "unavailable"
  | "backend";

/** The only error type VectorIndex adapters throw. */
export class VectorIndexError extends Error {
  override readonly name = "VectorIndexError";
  constructor(
    readonly code: VectorIndexErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface VectorIndex {
  /**
   * Create the collection for `version` if missing. Idempotent for the same spec; a different spec for
   * an existing version is a `conflict`.
   */
  ensureCollection(version: string, spec: CollectionSpec): Promise<void>;

  /** Insert or replace points (the adapter batches internally). All points are validated first. */
  upsert(version: string, points: readonly VectorPoint[]): Promise<void>;

  /** Delete points by item id; unknown ids are ignored. */
  delete(version: string, ids: readonly string[]): Promise<void>;

  /** Top-k most similar items, best first. Searches the live version unless `options.version` is set. */
  search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]>;

  /** Atomically point "live" at `version` (which must exist). */
  setLive(version: string): Promise<void>;

  /** The version "live" points at, or null if none. */
  liveVersion(): Promise<string | null>;

  /** Versions that have a collection, sorted by name. */
  listVersions(): Promise<string[]>;

  /** Spec and exact size of a version, or null if it has no collection. */
  describe(version: string): Promise<CollectionInfo | null>;

  /** Drop a version's collection. Returns whether it existed. Dropping the live version is a `conflict`. */
  dropVersion(version: string): Promise<boolean>;
}

/** What an in-process ANN index measured when calibrating how many lists a query probes. */
export interface NprobeCalibration {
  /** The nprobe now used by this version's unfiltered searches. */
  nprobe: number;
  /** Mean recall@k against the exact scan at that nprobe, over the calibration queries. */
  recall: number;
  /** recall - 2 standard errors: the figure held to targetRecall. */
  lower: number;
  nlist: number;
  k: number;
  queries: number;
  targetRecall: number;
  /** Every nprobe the search tried, with its recall. */
  curve: { nprobe: number; recall: number; lower: number }[];
}

/**
 * Optional capability of adapters that build an approximate index in process (the memory adapter's IVF):
 * bootstrap builds it right after a bulk load (not on the first query) and calibrates its nprobe.
 */
export interface InProcessAnnIndex {
  /**
   * Builds the index of `version` now; false when the adapter would not index it (too small). `pause` runs
   * between build steps (a version built while serving lets requests run in between).
   */
  buildIndex(version: string, options?: { force?: boolean; pause?: () => Promise<void> }): Promise<boolean>;
  /**
   * Measures recall@k against the exact scan over `queries` and keeps the smallest nprobe meeting the target.
   * `pause` runs between queries (a reload on a serving thread passes a yield to the event loop).
   */
  calibrateNprobe(
    version: string,
    queries: readonly Float32Array[],
    options: { k: number; targetRecall?: number; pause?: () => Promise<void> },
  ): Promise<NprobeCalibration | null>;
}

export const MAX_SEARCH_K = 1000;
