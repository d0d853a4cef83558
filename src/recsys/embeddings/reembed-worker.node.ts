/**
 * Body of the re-embedding worker thread (reembed-thread.node.ts): the encoder's CPU stays off the thread
 * that serves requests. Its own database connection; vectors go to item_embeddings (and to Qdrant when the
 * content index is shared), the serving thread copies them into its in-process index.
 */
import { lowerThreadPriority } from "../learner/thread-priority.node.js";
import { parentPort, workerData } from "node:worker_threads";
import { selectNodeEmbedder } from "../../adapters/embedder/select.node.js";
import { QdrantVectorIndex } from "../../adapters/vector-index/qdrant";
import { createNodeLibsqlClient } from "../../db/client.node.js";
import { EmbedderError } from "../../ports/embedder";
import { CONTENT_INDEX_PREFIX } from "./reembed";
import { reembedNewItems } from "./reembed";
import type { ReembedThreadInit, ReembedThreadReply } from "./reembed-thread.node.js";

const init = workerData as ReembedThreadInit;
// Embedding batches yield the cores to request threads (this thread only; see thread-priority.node.ts).
lowerThreadPriority();
const port = parentPort;
if (!port) throw new Error("reembed-worker must run as a worker thread");

const clientReady = createNodeLibsqlClient(init.databaseUrl, init.databaseAuthToken);
clientReady.catch(() => {}); // reported by the run that awaits it, not as an unhandled rejection
const { embedder } = selectNodeEmbedder({ HF_TOKEN: init.env.HF_TOKEN }, init.env);
const index = init.env.QDRANT_URL
  ? new QdrantVectorIndex({ url: init.env.QDRANT_URL, apiKey: init.env.QDRANT_API_KEY, prefix: CONTENT_INDEX_PREFIX })
  : undefined;

port.on("message", (msg: { type: "run" } | { type: "close" }) => {
  if (msg.type === "close") {
    void clientReady.then((c) => c.close()).finally(() => process.exit(0));
    return;
  }
  void (async (): Promise<ReembedThreadReply> => {
    try {
      const client = await clientReady;
      const report = await reembedNewItems(
        { client, embedder, ...(index ? { index } : {}), now: Date.now },
        { maxItems: init.maxItems, batchSize: init.batchSize },
      );
      return { ok: true, report };
    } catch (err) {
      return {
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        code: err instanceof EmbedderError ? err.code : null,
      };
    }
  })().then((reply) => port.postMessage(reply));
});
