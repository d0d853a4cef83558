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

/** `db` is needed for SESSION_STORE=libsql (the store uses the app's own client: file, HTTP or WebSocket). */
export function selectSessionStore(config: Config, now?: Clock, db?: Database): SessionStore {
  switch (config.SESSION_STORE) {
    case "upstash":
      if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN)
        throw new Error("SESSION_STORE=upstash without UPSTASH_REDIS_REST_URL/TOKEN");
      return new UpstashSessionStore({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
    case "libsql":
      if (!db) throw new Error("SESSION_STORE=libsql needs the database");
      return new LibsqlSessionStore({ client: db.$client, now });
    case "memory":
      return new MemorySessionStore({ now });
  }
}

export function selectVectorIndex(config: Config): VectorIndex {
  if (config.QDRANT_URL) return new QdrantVectorIndex({ url: config.QDRANT_URL, apiKey: config.QDRANT_API_KEY });
  return new MemoryVectorIndex();
}
