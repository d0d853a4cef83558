import { selectNodeEmbedder } from "../../adapters/embedder/select.node.js";
import type { Config } from "../../config";
import type { Database } from "../../db/database";
import type { Embedder } from "../../ports/embedder";
import type { Log } from "../models/bootstrap";
import type { ServingModels } from "../models/serving-models";
import { ColdStart } from "./cold-start";
import { contentIndex } from "./content-index";
import { contentVersion, reembedNewItems, type ReembedReport } from "./reembed";
import { LEASES } from "../../ports/lease";
import { LEASE_TTL_MS } from "../../ops/leader";
import { nodeLease } from "../../ops/leases.node.js";
import { ReembedThread } from "./reembed-thread.node.js";

export interface NodeColdStartOptions {
  /**
   * Where new and changed items are embedded each cycle:
   * - "thread" (default): a worker thread of this process, so the encoder never stalls requests;
   * - "in-process": on this thread (tests, tools);
   * - "off": elsewhere (the learner's run, `npm run learn`, the scheduler Worker): this process only copies
   *   the stored vectors into its index and grows its catalog.
   */
  reembed?: "thread" | "in-process" | "off";
  /** Seconds between cycles (default 20: a new item reaches feeds within a minute with margin). */
  everySeconds?: number;
  /** Items embedded per cycle (default 1,000: about 26 s of the offline encoder's CPU, on its own thread). */
  maxItemsPerCycle?: number;
  /** In-process mode only: a given embedder instead of the configured one. */
  embedder?: Embedder;
}

export interface NodeColdStart {
  coldStart: ColdStart;
  /** Which embedder, and why (logged at start). */
  note: string;
  stop(): Promise<void>;
}

/**
 * Node wiring of cold start: the embedder from config (HF_TOKEN -> Hugging Face, else the offline encoder),
 * the content index, and a ColdStart whose `cycle()` the serving tick calls (src/recsys/start.node.ts).
 */
export function nodeColdStart(
  base: { config: Config; db: Database; clock: () => number; log: Log },
  recsys: { readonly ready: boolean; readonly models: ServingModels },
  options: NodeColdStartOptions = {},
): NodeColdStart {
  const choice = options.embedder
    ? { embedder: options.embedder, note: `embedder ${options.embedder.id} (given)` }
    : selectNodeEmbedder(base.config);
  const { index, shared } = contentIndex(base.config);
  const mode = options.reembed ?? "thread";
  const maxItems = options.maxItemsPerCycle ?? 1000;
  base.log("recsys: content embeddings", { embedder: choice.embedder.id, why: choice.note, sharedIndex: shared, mode });
  const thread =
    mode === "thread"
      ? new ReembedThread({
          databaseUrl: base.config.DATABASE_URL,
          databaseAuthToken: base.config.DATABASE_AUTH_TOKEN,
          env: {
            HF_TOKEN: base.config.HF_TOKEN,
            HF_EMBED_MODEL: process.env.HF_EMBED_MODEL,
            HF_EMBED_DIM: process.env.HF_EMBED_DIM,
            HF_EMBED_URL: process.env.HF_EMBED_URL,
            QDRANT_URL: base.config.QDRANT_URL,
            QDRANT_API_KEY: base.config.QDRANT_API_KEY,
          },
          maxItems,
          batchSize: 16, // the offline encoder pads a batch to its longest text: small batches waste less
        })
      : null;
  const reembed =
    mode === "thread" && thread
      ? () => thread.run()
      : mode === "in-process"
        ? () =>
            reembedNewItems(
              { client: base.db.$client, embedder: choice.embedder, index, now: base.clock, log: base.log },
              { maxItems, batchSize: 16 },
            )
        : undefined;
  // One embedder per deployment: under the `reembed` lease (shared with `npm run learn` and the scheduler
  // Worker), kept by the process that has it. The others only copy the stored vectors in.
  const lease = reembed ? nodeLease(base.db.$client, LEASES.reembed, LEASE_TTL_MS.reembed, base.log) : null;
  const leased =
    reembed && lease
      ? async (): Promise<ReembedReport> => {
          const r = await lease.run(reembed);
          if (r.ran) return r.value;
          base.log("recsys: re-embedding left to the holder of the reembed lease", {
            level: "debug",
            heldBy: r.heldBy,
          });
          return {
            embedder: choice.embedder.id,
            collection: contentVersion(choice.embedder.id),
            ...{ scanned: 0, embedded: 0, unchanged: 0, upserted: 0, restored: 0, ms: 0 },
            ...{ backlog: false, swapped: false, itemIds: [] },
          };
        }
      : undefined;
  const coldStart = new ColdStart({
    db: base.db,
    recsys,
    embedderId: choice.embedder.id,
    index,
    syncIndex: !shared,
    log: base.log,
    ...(leased ? { reembed: leased } : {}),
  });
  return {
    coldStart,
    note: choice.note,
    stop: async () => {
      await Promise.all([thread?.close(), lease?.release()]);
    },
  };
}
