import { MemoryVectorIndex } from "../../adapters/vector-index/memory";
import { QdrantVectorIndex } from "../../adapters/vector-index/qdrant";
import type { Config } from "../../config";
import type { VectorIndex } from "../../ports/vector-index";

import { CONTENT_INDEX_PREFIX } from "./reembed";

export { CONTENT_INDEX_PREFIX };

/**
 * The content-vector index of a deployment: Qdrant (shared by every process and the scheduler Worker) when
 * QDRANT_URL is set, else in-process (filled from item_embeddings by each serving process).
 */
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
