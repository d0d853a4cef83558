/**
 * Model registry port. One record per trained model version; the fields mirror the `model_registry` table
 * (model, version, params, data window, metrics, artifact location, created_at) so the libSQL adapter is a
 * straight mapping. Adapters: JSON file (./json-file-registry.ts); libSQL to come.
 */
export interface DataWindow {
  /** Data set the model was trained on (path or logical name). */
  source: string;
  /** Earliest / latest training event, ISO 8601; null when the data has no timestamps. */
  from: string | null;
  to: string | null;
  interactions: number;
}

export interface ModelRecord {
  model: string;
  version: string;
  params: Record<string, unknown>;
  data_window: DataWindow;
  metrics: Record<string, number>;
  artifact_location: string;
  created_at: string;
}

export interface ModelRegistry {
  /** Adds a record; (model, version) must be new. */
  register(record: ModelRecord): Promise<void>;
  get(model: string, version: string): Promise<ModelRecord | undefined>;
  /** Records of one model (or all), oldest first. */
  list(model?: string): Promise<ModelRecord[]>;
  /** The most recently created version of a model. */
  latest(model: string): Promise<ModelRecord | undefined>;
}

/** Version ids sort by time and carry a short content hash: `<yyyymmddThhmmss>-<hash8>`. */
export function makeVersion(createdAt: Date, fingerprint: string): string {
  const stamp = createdAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "");
  let h = 0x811c9dc5;
  for (let i = 0; i < fingerprint.length; i++) {
    h ^= fingerprint.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${stamp}-${(h >>> 0).toString(16).padStart(8, "0")}`;
}
