import type { Embedder } from "../../ports/embedder";
import { HashingEmbedder } from "./hashing";
import { DEFAULT_HF_EMBEDDING_DIMENSION, DEFAULT_HF_EMBEDDING_MODEL, HuggingFaceEmbedder } from "./huggingface";

/** Settings the choice reads (config on Node, bindings on Workers). */
export interface EmbedderSettings {
  HF_TOKEN?: string;
  /** Feature-extraction model (default sentence-transformers/all-MiniLM-L6-v2) and its output size. */
  HF_EMBED_MODEL?: string;
  HF_EMBED_DIM?: string | number;
  /** A dedicated endpoint (TEI, Inference Endpoints) instead of the hosted hf-inference route. */
  HF_EMBED_URL?: string;
}

export interface EmbedderChoice {
  embedder: Embedder;
  kind: "huggingface" | "offline" | "hashing-fallback";
  /** One line for the start-up log and job results: which embedder, and why. */
  note: string;
}

/**
 * The embedder a runtime gets: Hugging Face feature extraction when HF_TOKEN is set; otherwise the offline
 * encoder when the runtime has one (Node passes it: src/adapters/embedder/select.node.ts); otherwise (workerd
 * without HF_TOKEN) the hashing embedder, which is lexical, not semantic: the choice says so in `note` and
 * `kind`, and callers log it and put it in their results, so it is never silent.
 */
export function selectEmbedder(settings: EmbedderSettings, runtime: { offline?: () => Embedder } = {}): EmbedderChoice {
  if (settings.HF_TOKEN) {
    const model = settings.HF_EMBED_MODEL || DEFAULT_HF_EMBEDDING_MODEL;
    const dimension = Number(settings.HF_EMBED_DIM || DEFAULT_HF_EMBEDDING_DIMENSION);
    if (!Number.isInteger(dimension) || dimension <= 0) throw new Error(`HF_EMBED_DIM must be a positive integer`);
    return {
      embedder: new HuggingFaceEmbedder({
        accessToken: settings.HF_TOKEN,
        model,
        dimension,
        ...(settings.HF_EMBED_URL ? { endpointUrl: settings.HF_EMBED_URL } : {}),
      }),
      kind: "huggingface",
      note: `Hugging Face feature extraction (${model}, ${dimension}-d): HF_TOKEN is set`,
    };
  }
  if (runtime.offline) {
    const embedder = runtime.offline();
    return { embedder, kind: "offline", note: `offline encoder ${embedder.id}: no HF_TOKEN` };
  }
  const embedder = new HashingEmbedder(256);
  return {
    embedder,
    kind: "hashing-fallback",
    note:
      "DEGRADED: no HF_TOKEN and this runtime cannot run the offline encoder (workerd): content vectors come from " +
      "the hashing embedder (shared words, not meaning). Set HF_TOKEN for semantic embeddings.",
  };
}
