/**
 * The serving part of AppDeps (session store, vector index, the not yet started Recsys holder), shared by
 * every runtime's buildDeps: Web APIs only, so the Worker assembly uses it too. Runtime-specific pieces
 * (Node's hot-path SQL, the database's model registry) are passed in.
 */
import { selectSessionStore, selectVectorIndex } from "../adapters/select";
import type { Config } from "../config";
import type { Clock, IdGenerator } from "../context";
import type { Database } from "../db/database";
import type { SqlExecutor } from "../db/sql-executor";
import { logAt, type Logger } from "../ports/logger";
import type { SessionStore } from "../ports/session-store";
import type { VectorIndex } from "../ports/vector-index";
import { MemoryArtifactRegistry } from "../adapters/model-registry/memory";
import type { ModelRegistry } from "../ports/model-registry";
import type { MarketplacePort } from "../ports/marketplace";
import { FeedbackSignals } from "../recsys/feedback/signals";
import { Recsys, type RecsysOptions } from "../recsys/recsys";
import { SqlMarketplace } from "../adapters/marketplace/libsql";
import type { EventLog } from "../ports/event-log";
import type { Payments } from "../ports/payments";
import { TestModePayments } from "../adapters/payments/test-mode";

export interface ServingDepsInput {
  config: Config;
  db: Database;
  clock: Clock;
  /**
   * Ids of feed snapshots (the only ids Recsys makes). Entries pass `timeOrderedId`: a store keyed by them
   * (session_kv, Redis) then inserts at the end of its index, and expiry removes its oldest keys.
   */
  newId: IdGenerator;
  logger: Logger;
  events: EventLog;
  sessions?: SessionStore;
  vectors?: VectorIndex;
  /** Entries pass the database's registry (src/adapters/model-registry/libsql.ts); default in-process (tests). */
  registry?: ModelRegistry;
  marketplace?: MarketplacePort;
  /** Runs the feed's per-page listing read (Node on a file database: the native prepared-statement executor). */
  sql?: SqlExecutor;
  feed?: RecsysOptions["feed"];
  payments?: Payments;
}

export interface ServingDeps {
  sessions: SessionStore;
  vectors: VectorIndex;
  recsys: Recsys;
  /** Test mode only so far (labelled as such on the checkout page): a provider adapter is the next step. */
  payments: Payments;
}

/** The serving ports and the (not yet started) Recsys holder; call `recsys.start(db, …)` before serving feeds. */
export function buildServingDeps(i: ServingDepsInput): ServingDeps {
  const sessions = i.sessions ?? selectSessionStore(i.config, i.clock, i.db, i.logger);
  const vectors = i.vectors ?? selectVectorIndex(i.config, i.logger);
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
      logAt(i.logger),
    );
  recsys = new Recsys({
    sessions,
    vectors,
    events: i.events,
    marketplace,
    registry: i.registry ?? new MemoryArtifactRegistry(i.clock),
    feedback: new FeedbackSignals(i.db, sessions, i.clock, undefined, i.sql),
    now: i.clock,
    newId: i.newId,
    log: logAt(i.logger),
    feed: i.feed,
  });
  return { sessions, vectors, recsys, payments: i.payments ?? new TestModePayments(i.clock) };
}
