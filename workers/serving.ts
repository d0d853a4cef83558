import type { AppDeps } from "../src/context";
import { RetryingOnce } from "../src/lib/retrying-once";
import { errorMessage } from "../src/ports/logger";
import { SERVING_MODELS } from "../src/recsys/models/serving-model-names";
import type { ApiWorkerDeps } from "../src/deps/api-worker";

/**
 * After a failed model load, requests within this window get the 503 without another attempt; it doubles
 * with each consecutive failure up to MODEL_RETRY_MAX_MS.
 */
export const MODEL_RETRY_MS = 3000;
export const MODEL_RETRY_MAX_MS = 60_000;
/**
 * At most this often an isolate checks the registry's live versions (cheap: no artifact is read) and reloads
 * when the scheduler rotated or rolled one back, then folds new events in (the Node entry: every 60 s).
 */
export const REFRESH_MS = 60_000;

/** Paths whose handlers need the models (read from the route definitions): only these wait for (and trigger) the load. */
export { needsModels } from "../src/routes/v1/model-routes";

export interface WorkerServing {
  /** The app's deps (src/deps/worker.ts: buildApiWorkerDeps), whose Recsys this loads and refreshes. */
  deps: AppDeps;
  /** Loads the live models from the libSQL registry: once per isolate, shared by concurrent requests, retried after a failure. */
  models: RetryingOnce<void>;
  /**
   * When the models are loaded and the last check is REFRESH_MS old: in the background (ctx.waitUntil), reload
   * if a live version moved, then fold new events. Resolves the promise it handed to waitUntil (tests).
   */
  maybeRefresh(ctx: { waitUntil(p: Promise<unknown>): void }): Promise<void> | null;
}

/**
 * Recommendation serving for the api Worker: models come from the libSQL registry (`npm run
 * publish-models` fills it), never trained here (`trainMissing: false`). Until a load succeeds the
 * feed and recommendation routes answer 503 with Retry-After, like the Node server while it starts.
 */
export function buildWorkerServing({ deps, registry }: ApiWorkerDeps): WorkerServing {
  let lastRefresh = 0;
  const models = new RetryingOnce(
    async () => {
      // A cheap probe first: with nothing published, fail without reading the catalog or any artifact.
      const missing: string[] = [];
      for (const m of Object.keys(SERVING_MODELS)) if ((await registry.versions(m, 1)).length === 0) missing.push(m);
      if (missing.length > 0)
        throw new Error(
          `no published version of ${missing.join(", ")} in the libSQL registry (npm run publish-models)`,
        );
      try {
        await deps.recsys.start(deps.db, { trainMissing: false });
      } catch (err) {
        deps.logger.error("recsys: loading models failed", { error: errorMessage(err) });
        throw err;
      }
      lastRefresh = deps.clock();
    },
    { retryAfterMs: MODEL_RETRY_MS, maxRetryAfterMs: MODEL_RETRY_MAX_MS, now: deps.clock },
  );
  return {
    deps,
    models,
    maybeRefresh(ctx) {
      if (!models.done || deps.clock() - lastRefresh < REFRESH_MS) return null;
      lastRefresh = deps.clock();
      const fail = (msg: string) => (err: unknown) => deps.logger.error(msg, { error: errorMessage(err) });
      // A failed reload keeps the loaded models serving; the refresh folds events into whichever set is live.
      const work = deps.recsys
        .reloadIfChanged()
        .then(() => undefined, fail("recsys: reload failed; the loaded models keep serving"))
        .then(() => deps.recsys.refreshExperiments())
        .then(() => deps.recsys.refresh())
        .then(() => undefined, fail("recsys: refresh failed"));
      ctx.waitUntil(work);
      return work;
    },
  };
}
