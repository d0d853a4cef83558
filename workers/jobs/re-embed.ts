import { selectEmbedder } from "../../src/adapters/embedder/select";
import type { Embedder } from "../../src/ports/embedder";
import type { VectorIndex } from "../../src/ports/vector-index";
import { QdrantVectorIndex } from "../../src/adapters/vector-index/qdrant";
import { CONTENT_INDEX_PREFIX, reembedNewItems } from "../../src/recsys/embeddings/reembed";
import type { Job, JobContext } from "../scheduler";
import { underLease } from "./under-lease";
import { LEASES } from "../../src/ports/lease";
import { LEASE_TTL_MS } from "../../src/ops/leader";

/** Items per run: one cron run stays well inside a scheduled Worker's CPU and wall limits. */
export const RE_EMBED_MAX_ITEMS = 2000;

export interface ReEmbedJobOptions {
  /** Embedder override (tests); default from config: Hugging Face with HF_TOKEN, else the hashing fallback. */
  embedder?: (ctx: JobContext) => { embedder: Embedder; kind: string; note: string };
  /** Index override (tests); default Qdrant (`content_*` collections) with QDRANT_URL, else none (table only). */
  index?: (ctx: JobContext) => VectorIndex | null;
  maxItems?: number;
}

/**
 * The scheduler's `re-embed` job: new and changed items through the Embedder port into item_embeddings and,
 * with QDRANT_URL, into Qdrant's content collection of this embedder (new points into the live collection;
 * a new collection and an alias swap when the embedder changes). workerd cannot run the offline encoder
 * (Node only), so without HF_TOKEN this job uses the hashing embedder and says so in its result
 * (`degraded: true` and the reason), which lands in scheduler_runs.
 */
export function reEmbedJob(options: ReEmbedJobOptions = {}): Job {
  return {
    name: "re-embed",
    // Under the `reembed` lease, shared with `npm run learn` and pods' re-embedding: one embedder at a time.
    run: (ctx) => underLease(ctx, LEASES.reembed, LEASE_TTL_MS.reembed, () => reEmbed(ctx, options)),
  };
}

async function reEmbed(ctx: JobContext, options: ReEmbedJobOptions): Promise<Record<string, unknown>> {
  const choice = options.embedder?.(ctx) ?? selectEmbedder({ HF_TOKEN: ctx.config.HF_TOKEN });
  const index =
    options.index !== undefined
      ? options.index(ctx)
      : ctx.config.QDRANT_URL
        ? // Not contentIndex(): its in-process fallback would pull the memory index's kernels into this bundle.
          new QdrantVectorIndex({
            url: ctx.config.QDRANT_URL,
            apiKey: ctx.config.QDRANT_API_KEY,
            prefix: CONTENT_INDEX_PREFIX,
          })
        : null;
  if (choice.kind === "hashing-fallback") ctx.logger.warn("re-embed: degraded embedder", { note: choice.note });
  const report = await reembedNewItems(
    {
      client: ctx.db.$client,
      embedder: choice.embedder,
      ...(index ? { index } : {}),
      now: ctx.clock,
      log: (msg, fields) => ctx.logger.info(msg, fields),
    },
    { maxItems: options.maxItems ?? RE_EMBED_MAX_ITEMS, batchSize: 32 },
  );
  const { itemIds, ...rest } = report;
  return {
    ...rest,
    items: itemIds.length,
    embedderKind: choice.kind,
    degraded: choice.kind === "hashing-fallback",
    note: choice.note,
    index: index ? "qdrant content collection" : "none (QDRANT_URL unset): item_embeddings only",
  };
}
