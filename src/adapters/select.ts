/**
 * Chooses adapters from validated config, once per entry point: the session store named by SESSION_STORE
 * (resolved by loadConfig: Upstash when UPSTASH_REDIS_REST_URL/TOKEN are set, the libSQL tables when more
 * than one Node process serves, else in-process), Qdrant when QDRANT_URL is set (else the in-process index).
 * Web APIs only, so the Worker entry can use it too. The runtimes' buildDeps (src/deps/) call these.
 */
import type { Config } from "../config";
import type { Clock } from "../context";
import type { Database } from "../db/database";
import type { SessionStore } from "../ports/session-store";
import type { VectorIndex } from "../ports/vector-index";
import { LibsqlSessionStore } from "./session-store/libsql";
import { MemorySessionStore } from "./session-store/memory";
import { UpstashSessionStore } from "./session-store/upstash";
import { MemoryVectorIndex } from "./vector-index/memory";
import { QdrantVectorIndex } from "./vector-index/qdrant";
import { ResilientSessionStore } from "./resilient/session-store";
import { ResilientVectorIndex } from "./resilient/vector-index";
import type { BreakerState } from "../lib/circuit-breaker";
import { describeFailure } from "../lib/describe-failure";
import { nullLogger, type Logger } from "../ports/logger";

/**
 * Logs a remote backend going down (naming the setting and the cause, no credentials) and coming back.
 * One line per transition, not per failed request.
 */
function logTransitions(logger: Logger, what: string, setting: string, value: string) {
  return (state: BreakerState, cause?: unknown): void => {
    if (state === "open")
      logger.warn(`${what} unavailable, serving degraded: ${describeFailure(setting, value, cause)}`, {
        backend: what,
      });
    else if (state === "closed") logger.info(`${what} answering again (${setting})`, { backend: what });
  };
}

/** `db` is needed for SESSION_STORE=libsql (the store uses the app's own client: file, HTTP or WebSocket). */
export function selectSessionStore(
  config: Config,
  now?: Clock,
  db?: Database,
  logger: Logger = nullLogger,
): SessionStore {
  switch (config.SESSION_STORE) {
    case "upstash": {
      if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN)
        throw new Error("SESSION_STORE=upstash without UPSTASH_REDIS_REST_URL/TOKEN");
      // Behind a circuit breaker: a Redis outage degrades the feed instead of failing it (docs/operations.md).
      const store = new UpstashSessionStore({
        url: config.UPSTASH_REDIS_REST_URL,
        token: config.UPSTASH_REDIS_REST_TOKEN,
      });
      return new ResilientSessionStore(store, {
        timeoutMs: 1000,
        onStateChange: logTransitions(logger, "session_store", "UPSTASH_REDIS_REST_URL", config.UPSTASH_REDIS_REST_URL),
      });
    }
    case "libsql":
      if (!db) throw new Error("SESSION_STORE=libsql needs the database");
      return new LibsqlSessionStore({ client: db.$client, now });
    case "memory":
      return new MemorySessionStore({ now });
  }
}

export function selectVectorIndex(config: Config, logger: Logger = nullLogger): VectorIndex {
  if (config.QDRANT_URL) {
    const index = new QdrantVectorIndex({ url: config.QDRANT_URL, apiKey: config.QDRANT_API_KEY });
    return new ResilientVectorIndex(index, {
      timeoutMs: 1000,
      onStateChange: logTransitions(logger, "vector_index", "QDRANT_URL", config.QDRANT_URL),
    });
  }
  return new MemoryVectorIndex();
}
