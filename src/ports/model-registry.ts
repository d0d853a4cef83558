import type { ModelArtifact } from "../../ml/core/recommender.js";

/**
 * Model registry port: versioned model artifacts with their metrics and one live pointer per model. One
 * interface for every runtime: the Node server, the learner, `npm run train`, the api and scheduler Workers.
 * Adapters: libSQL tables in the app database (src/adapters/model-registry/libsql.ts: the default and
 * production registry, shared by pods and Workers) and in-process (tests).
 */

/** One registered model version, loaded. */
export interface RegisteredArtifact {
  version: string;
  artifact: ModelArtifact;
  metrics: Record<string, number>;
  createdAt: number;
}

/** A stored version without its artifact bytes. */
export interface StoredVersion {
  model: string;
  version: string;
  metrics: Record<string, number>;
  createdAt: number;
  byteLength: number;
  chunkCount: number;
  sha256: string;
}

/** Where the live pointer of a model points, since when and why (every move records its reason). */
export interface LivePointer {
  version: string;
  updatedAt: number;
  reason: string;
}

/** What a model was trained on (recorded with the version; `npm run train` fills it in). */
export interface DataWindow {
  /** Data set the model was trained on (path or logical name). */
  source: string;
  /** Earliest / latest training event, ISO 8601; null when the data has no timestamps. */
  from: string | null;
  to: string | null;
  interactions: number;
}

export interface RegisterOptions {
  /** Point `live` at the new version once it is complete. */
  live?: boolean;
  /** Why it is live (recorded on the pointer). */
  reason?: string;
  /** Unix ms recorded as the version's creation time (default: now); publishing keeps the source's. */
  createdAt?: number;
  /** Training parameters to record instead of the artifact's own (e.g. with the seed and protocol). */
  params?: Record<string, unknown>;
  /** What the model was trained on (default: serving's own training, window unknown). */
  dataWindow?: DataWindow;
}

export interface ModelRegistry {
  /** The live version of `model` (pointer, else the newest complete version), loaded; null when none. */
  live(model: string): Promise<RegisteredArtifact | null>;
  /** The version `live()` would return, without loading its artifact (cheap: servers poll it). */
  liveVersion(model: string): Promise<string | null>;
  /** Stores a new version atomically (visible only once complete) and returns its version id. */
  register(
    model: string,
    artifact: ModelArtifact,
    metrics: Record<string, number>,
    options?: RegisterOptions,
  ): Promise<string>;
  /** One version, loaded and verified (throws when missing or corrupt). */
  load(model: string, version: string): Promise<RegisteredArtifact>;
  /** Complete versions of a model, newest first. */
  versions(model: string, limit?: number): Promise<StoredVersion[]>;
  /** Models with at least one complete version. */
  models(): Promise<string[]>;
  livePointer(model: string): Promise<LivePointer | null>;
  /**
   * Adds metrics measured after registration (the learner's offline assessment of a version registered
   * elsewhere, e.g. by `npm run publish-models`) to a stored version; existing names are never overwritten,
   * so what the version was registered with stays its record. Throws when the version does not exist.
   */
  annotate(model: string, version: string, metrics: Record<string, number>): Promise<void>;
  setLive(model: string, version: string, reason: string): Promise<void>;
}
