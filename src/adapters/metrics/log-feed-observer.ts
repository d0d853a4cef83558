import type { Logger } from "../../ports/logger";
import type { FeedObserver } from "../../ports/metrics";

/**
 * The feed observer where there is no `/metrics` (Workers): a dropped recall source is one structured warn
 * line (source, reason, ms), which Workers Logs indexes and can count and chart by field; stage times stay
 * out of the logs (one line per stage per request would be most of the volume; the access-log line carries
 * the request's total `ms`). Web APIs only.
 */
export function logFeedObserver(logger: Logger): FeedObserver {
  return {
    recallSource(source, seconds, failure) {
      if (failure)
        logger.warn("feed: recall source dropped", { source, reason: failure, ms: Math.round(seconds * 1e4) / 10 });
    },
    stage() {},
  };
}
