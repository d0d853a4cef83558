/**
 * Assembly of the api Worker (workers/api.ts): the complete AppDeps over the bindings' deps
 * (src/deps/worker.ts). Web APIs only. Models load lazily per isolate (workers/serving.ts), never trained here.
 */
import { createAuth } from "../auth/auth";
import { timeOrderedId, type AppDeps } from "../context";
import { LibsqlArtifactRegistry } from "../adapters/model-registry/libsql";
import { createDbEventLog } from "../adapters/event-log/libsql";
import { isR2Bucket, R2ObjectStorage } from "../adapters/object-storage/r2";
import { UnconfiguredObjectStorage } from "../adapters/object-storage/unconfigured";
import { buildServingDeps } from "./serving";
import { MemoryOutbox } from "../adapters/mailer/memory-outbox";
import { logFeedObserver } from "../adapters/metrics/log-feed-observer";
import type { WorkerDeps } from "./worker";

export interface ApiWorkerDeps {
  deps: AppDeps;
  /** The registry serving loads from (the lazy model load probes it first: workers/serving.ts). */
  registry: LibsqlArtifactRegistry;
}

/**
 * The api Worker's complete AppDeps over `base`: auth, the event log (time-ordered ids), session store and
 * vector index from config, and the Recsys holder over the libSQL model registry (`npm run publish-models`
 * fills it). Recsys is not started: workers/serving.ts loads the live models on the first request needing them.
 */
export function buildApiWorkerDeps(base: WorkerDeps, bindings: Record<string, unknown> = {}): ApiWorkerDeps {
  const events = createDbEventLog(base.db, base.clock, timeOrderedId);
  const registry = new LibsqlArtifactRegistry(base.db.$client, { now: base.clock });
  const serving = buildServingDeps({
    ...base,
    newId: timeOrderedId,
    events,
    registry,
    feed: { observe: logFeedObserver(base.logger) },
  });
  // Listing photos live in the R2 bucket bound as PHOTOS; without it uploads answer 503 naming the binding.
  const objects = isR2Bucket(bindings.PHOTOS)
    ? new R2ObjectStorage(bindings.PHOTOS)
    : new UnconfiguredObjectStorage("bind an R2 bucket as PHOTOS (wrangler.toml [[r2_buckets]])");
  // No mail provider on Workers yet: a per-isolate development outbox (no /dev/outbox page outside Node).
  const mailer = new MemoryOutbox();
  return { deps: { ...base, auth: createAuth({ ...base, mailer }), mailer, events, ...serving, objects }, registry };
}
