/**
 * Chooses adapters from validated config, once per entry point: the session store named by SESSION_STORE
 * (resolved by loadConfig: Upstash when UPSTASH_REDIS_REST_URL/TOKEN are set, the libSQL tables when more
 * than one Node process serves, else in-process), Qdrant when QDRANT_URL is set (else the in-process index).
 * Web APIs only, so the Worker entry can use it too; Node-only pieces (the file registry) are passed in.
 */
import type { Config } from "../config";
import type { Clock, IdGenerator } from "../context";
import type { Database } from "../db/database";
import type { SqlExecutor } from "../db/sql-executor";
import type { SessionStore } from "../ports/session-store";
import type { VectorIndex } from "../ports/vector-index";
import { DbEventLogAdapter } from "../recsys/events/event-log-adapter";
import { FeedbackSignals } from "../recsys/feedback/signals";
import type { Log } from "../recsys/models/bootstrap";
import { MemoryArtifactRegistry } from "../recsys/models/memory-registry";
import type { ArtifactRegistryPort, MarketplacePort } from "../recsys/ports";
import { Recsys, type RecsysOptions } from "../recsys/recsys";
import { SqlMarketplace } from "../recsys/sql-marketplace";
import type { EventLog } from "../services/events/event-log";
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

export interface ServingDepsInput {
  config: Config;
  db: Database;
  clock: Clock;
  /**
   * Ids of feed snapshots (the only ids Recsys makes). Entries pass `timeOrderedId`: a store keyed by them
   * (session_kv, Redis) then inserts at the end of its index, and expiry removes its oldest keys.
   */
  newId: IdGenerator;
  events: EventLog;
  sessions?: SessionStore;
  vectors?: VectorIndex;
  /** Node: MlRegistryAdapter over data/ (src/recsys/models/ml-registry.node.ts); default in-process. */
  registry?: ArtifactRegistryPort;
  marketplace?: MarketplacePort;
  /** Runs the feed's per-page listing read (Node on a file database: the native prepared-statement executor). */
  sql?: SqlExecutor;
  log?: Log;
  feed?: RecsysOptions["feed"];
}

export const jsonLog: Log = (msg, fields = {}) => console.log(JSON.stringify({ level: "info", msg, ...fields }));

/** The serving ports and the (not yet started) Recsys holder; call `recsys.start(db, …)` before serving feeds. */
export function buildServingDeps(i: ServingDepsInput): {
  sessions: SessionStore;
  vectors: VectorIndex;
  recsys: Recsys;
} {
  const sessions = i.sessions ?? selectSessionStore(i.config, i.clock, i.db);
  const vectors = i.vectors ?? selectVectorIndex(i.config);
  let recsys: Recsys | null = null;
  const marketplace =
    i.marketplace ??
    new SqlMarketplace(
      i.db,
      () => (recsys?.ready ? recsys.models.catalog : null),
      i.clock,
      undefined,
      undefined,
      i.sql,
    );
  recsys = new Recsys({
    sessions,
    vectors,
    events: new DbEventLogAdapter(i.db, i.events),
    marketplace,
    registry: i.registry ?? new MemoryArtifactRegistry(i.clock),
    feedback: new FeedbackSignals(i.db, sessions, i.clock),
    now: i.clock,
    newId: i.newId,
    log: i.log ?? (i.config.LOG_LEVEL === "silent" ? () => {} : jsonLog),
    feed: i.feed,
  });
  return { sessions, vectors, recsys };
}
