import { selectNodeEmbedder } from "../../adapters/embedder/select.node";
import { MemoryVectorIndex } from "../../adapters/vector-index/memory";
import { QdrantVectorIndex } from "../../adapters/vector-index/qdrant";
import type { Config } from "../../config";
import type { Database } from "../../db/database";
import type { Embedder } from "../../ports/embedder";
import type { VectorIndex } from "../../ports/vector-index";
import type { Log } from "../models/bootstrap";
import type { ServingModels } from "../models/serving-models";
import { ColdStart } from "./cold-start";
import { reembedNewItems } from "./reembed";

/** Qdrant collections of content vectors: `content_<version>`, live alias `content_live`. */
export const CONTENT_INDEX_PREFIX = "content_";

/** The content index of a deployment: Qdrant (shared by every process) when QDRANT_URL is set, else in-process. */
export function contentIndex(config: Pick<Config, "QDRANT_URL" | "QDRANT_API_KEY">): {
  index: VectorIndex;
  shared: boolean;
} {
  if (config.QDRANT_URL)
    return {
      index: new QdrantVectorIndex({
        url: config.QDRANT_URL,
        apiKey: config.QDRANT_API_KEY,
        prefix: CONTENT_INDEX_PREFIX,
      }),
      shared: true,
    };
  return { index: new MemoryVectorIndex(), shared: false };
}

export interface NodeColdStartOptions {
  /**
   * Re-embed new and changed items in this process each cycle (default true). Set false where the learner
   * (its worker thread, `npm run learn`) or the scheduler Worker runs `reembedNewItems`: this process then
   * only copies the stored vectors into its index.
   */
  reembedHere?: boolean;
  /** Items embedded per cycle here (default 256: about 8 s of the offline encoder's CPU per minute at most). */
  maxItemsPerCycle?: number;
  embedder?: Embedder;
}

/**
 * Node wiring of cold start: the embedder from config (HF_TOKEN -> Hugging Face, else the offline encoder),
 * the content index, and a ColdStart whose `cycle()` the serving tick calls (src/recsys/start.node.ts).
 */
export function nodeColdStart(
  base: { config: Config; db: Database; clock: () => number; log: Log },
  recsys: { readonly ready: boolean; readonly models: ServingModels },
  options: NodeColdStartOptions = {},
): ColdStart {
  const choice = options.embedder
    ? { embedder: options.embedder, note: `embedder ${options.embedder.id} (given)` }
    : selectNodeEmbedder(base.config);
  const { index, shared } = contentIndex(base.config);
  base.log("recsys: content embeddings", { embedder: choice.embedder.id, why: choice.note, sharedIndex: shared });
  const reembedHere = options.reembedHere ?? true;
  return new ColdStart({
    db: base.db,
    recsys,
    embedderId: choice.embedder.id,
    index,
    syncIndex: !shared,
    log: base.log,
    ...(reembedHere
      ? {
          reembed: () =>
            reembedNewItems(
              { client: base.db.$client, embedder: choice.embedder, index, now: base.clock, log: base.log },
              // Small batches: each is one synchronous stretch of the encoder on the serving thread.
              { maxItems: options.maxItemsPerCycle ?? 256, batchSize: 16 },
            ),
        }
      : {}),
  });
}
