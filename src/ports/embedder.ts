/**
 * Embedder port: item text -> fixed-size content vectors. Adapters (src/adapters/embedder/): Hugging Face
 * Inference feature extraction (production, any runtime), the offline Universal Sentence Encoder (Node only)
 * and a deterministic hashing embedder (tests; the Worker's stated fallback without HF_TOKEN).
 *
 * Semantics every adapter honours (test/ports/embedder.contract.ts):
 * - `embed(texts)` returns exactly one L2-normalised Float32Array of length `dimension` per text, in order;
 *   `embed([])` is `[]` and costs nothing.
 * - The same text embeds to the same vector (within float tolerance) on every call.
 * - Failures are `EmbedderError`s with a machine-readable code, never a partial result.
 *
 * ml/ codes against the structural `TextEmbedder` (ml/embed/embedder.ts), which this interface satisfies.
 */
export interface Embedder {
  /** Stable name + model id: stored with every vector so that vectors of two embedders are never mixed. */
  readonly id: string;
  readonly dimension: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export type EmbedderErrorCode =
  /** Bad input (too many texts for one call, a text that is not a string). */
  | "invalid_argument"
  /** The credentials were refused (401/403): retrying cannot help. */
  | "unauthorized"
  /** Still throttled (429) after every retry. */
  | "rate_limited"
  /** The backend failed (5xx, network) after every retry. */
  | "unavailable"
  /** The backend answered something that is not one vector of the expected size per text. */
  | "malformed_reply"
  | "backend";

/** The only error type Embedder adapters throw. */
export class EmbedderError extends Error {
  override readonly name = "EmbedderError";
  constructor(
    readonly code: EmbedderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
