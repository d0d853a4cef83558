// Changes since the scaffold (backwards compatible, optional fields only):
// - FitOptions.validation entries may carry `candidates` (the sampled protocol's items to rank, target
//   first) and `timestamps`/`now`, so a model that learns on validation (hybrid) sees the same ranking task
//   as the test it will be judged on. Models that ignore them are unaffected.

/**
 * The one interface every recommendation model implements (popularity, co-visitation, session kNN,
 * embeddings, sequential neural, content, hybrid). Items and users are dense integer indices
 * (0..numItems-1) assigned by the data loader; string ids (parent_asin, user_id) are mapped at the edges.
 */

/** One user's (or session's) interactions in time order. */
export interface Sequence {
  user: number;
  items: Int32Array;
  /** Unix milliseconds, same length as items (0 when the source has no timestamps). */
  timestamps: Float64Array;
}

/** Training input: sequences plus the id maps needed to save an artifact that serving can read. */
export interface TrainData {
  numItems: number;
  numUsers: number;
  sequences: Sequence[];
  /** itemIds[i] is the external id (e.g. parent_asin) of item index i. */
  itemIds: string[];
  /** Optional item text (title, features, description) for content models. */
  itemText?: (string | undefined)[];
}

export interface FitOptions {
  seed: number;
  /** Called with progress messages; long fits must report progress. */
  onProgress?: (message: string) => void;
  /** Held-out validation sequences (history + target) for early stopping or weight learning. */
  validation?: ValidationCase[];
}

/** A held-out validation case (history + target). */
export interface ValidationCase {
  history: Int32Array;
  target: number;
  /** Sampled protocol: items to rank, target first. Absent: rank against all items. */
  candidates?: Int32Array;
  timestamps?: Float64Array;
  now?: number;
}

/** A query: the recent history (oldest first) of a user or a live session. */
export interface Query {
  history: Int32Array;
  timestamps?: Float64Array;
  /** Query time in Unix ms (for time decay); defaults to the last history timestamp. */
  now?: number;
}

export interface Recommender {
  readonly name: string;
  fit(data: TrainData, options: FitOptions): Promise<void>;
  /** Scores for all items (higher is better), length numItems. Used for full ranking. */
  scoreAll(query: Query): Float32Array;
  /** Scores for a candidate subset (sampled protocol, re-ranking); same order as candidates. */
  scoreCandidates(query: Query, candidates: Int32Array): Float32Array;
  /** Serialisable artifact (JSON-able metadata + binary blobs). */
  save(): ModelArtifact;
}

export interface ModelArtifact {
  model: string;
  version?: string;
  params: Record<string, unknown>;
  /** Named binary blobs: Float32 vectors, Int32 neighbour lists, ... */
  blobs: Record<string, Float32Array | Int32Array | Uint32Array | Float64Array>;
  itemIds: string[];
}
