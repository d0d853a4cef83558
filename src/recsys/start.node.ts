import { join } from "node:path";
import { buildServingDeps, jsonLog, selectSessionStore } from "../adapters/select";
import { LibsqlSessionStore } from "../adapters/session-store/libsql";
import { nativeSqlExecutor } from "../adapters/session-store/libsql-native.node.js";
import type { Config } from "../config";
import type { Clock, IdGenerator } from "../context";
import type { Database } from "../db/database";
import { createDbEventLog, type EventLog } from "../services/events/event-log";
import type { Log } from "./models/bootstrap";
import { MlRegistryAdapter } from "./models/ml-registry.node.js";
import type { Recsys } from "./recsys";
import type { SessionStore } from "../ports/session-store";
import type { VectorIndex } from "../ports/vector-index";

export interface NodeServing {
  events: EventLog;
  sessions: SessionStore;
  vectors: VectorIndex;
  recsys: Recsys;
  /** Stops the periodic refresh (and closes the session store's own connection, if it has one). */
  stop(): void;
}

/**
 * The session store from config (SESSION_STORE). libsql on an embedded `file:` database gets its own
 * native connection with prepared statements (about half the cost per call of going through the app's
 * `@libsql/client`, measured by scripts/bench/session-store.ts); remote databases use the app's client.
 */
export function nodeSessionStore(config: Config, db: Database, clock: Clock): { sessions: SessionStore; close: () => void } {
  if (config.SESSION_STORE === "libsql" && config.DATABASE_URL.startsWith("file:")) {
    const executor = nativeSqlExecutor(config.DATABASE_URL);
    return { sessions: new LibsqlSessionStore({ executor, now: clock }), close: () => executor.close() };
  }
  return { sessions: selectSessionStore(config, clock, db), close: () => {} };
}

/**
 * Node entry wiring for recommendations: adapters from config, the ml/ file registry under
 * `registryDir` (default ./data/registry), models loaded from it or trained in-process and registered
 * when missing, and `refresh()` every `refreshSeconds` to fold new events in. Pass the result's fields
 * into createApp: `createApp({ config, db, clock, newId, ...serving })`.
 */
export async function startNodeServing(
  base: { config: Config; db: Database; clock: Clock; newId: IdGenerator },
  /** `trainMissing: false` (cluster workers): serve what is registered; the primary trained anything missing. */
  options: { registryDir?: string; refreshSeconds?: number; log?: Log; trainMissing?: boolean } = {},
): Promise<NodeServing> {
  const log = options.log ?? (base.config.LOG_LEVEL === "silent" ? () => {} : jsonLog);
  const events = createDbEventLog(base.db, base.clock, base.newId);
  const registry = MlRegistryAdapter.atDir(options.registryDir ?? join("data", "registry"), base.clock);
  const store = nodeSessionStore(base.config, base.db, base.clock);
  const serving = buildServingDeps({ ...base, events, registry, log, sessions: store.sessions });
  await serving.recsys.start(base.db, { trainMissing: options.trainMissing ?? true });
  const every = (options.refreshSeconds ?? 60) * 1000;
  const timer = setInterval(() => {
    serving.recsys.refresh().catch((err: unknown) => log("recsys: refresh failed", { error: err instanceof Error ? err.message : String(err) }));
  }, every);
  timer.unref();
  return {
    events,
    ...serving,
    stop: () => {
      clearInterval(timer);
      store.close();
    },
  };
}
