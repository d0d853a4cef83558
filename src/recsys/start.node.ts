import { join } from "node:path";
import { selectSessionStore } from "../adapters/select";
import { LibsqlSessionStore } from "../adapters/session-store/libsql";
import { nativeSqlExecutor } from "../db/native-executor.node.js";
import { clientExecutor, type SqlExecutor } from "../db/sql-executor";
import type { Config } from "../config";
import { timeOrderedId, type Clock, type IdGenerator } from "../context";
import type { Database } from "../db/database";
import { createDbEventLog, type EventLog } from "../services/events/event-log";
import { logAt, type Logger } from "../ports/logger";
import { buildServingDeps } from "../deps/serving";
import { LibsqlArtifactRegistry } from "./models/libsql-artifact-registry";
import { MlRegistryAdapter } from "./models/ml-registry.node.js";
import type { Recsys } from "./recsys";
import { nodeColdStart, type NodeColdStart, type NodeColdStartOptions } from "./embeddings/cold-start.node.js";
import { REGISTRY_MODELS } from "./models/bootstrap";
import { runSelectionCycle } from "./selection/cycle";
import { DbEventLogAdapter } from "./events/event-log-adapter";
import { SelectionStore } from "./selection/store";
import type { SessionStore } from "../ports/session-store";
import type { VectorIndex } from "../ports/vector-index";

export interface NodeServing {
  events: EventLog;
  sessions: SessionStore;
  vectors: VectorIndex;
  recsys: Recsys;
  /** New catalog items joining serving (src/recsys/embeddings/cold-start.ts); null with LEARNER=off. */
  coldStart?: NodeColdStart | null;
  /** Stops the periodic refresh (and closes the session store's own connection, if it has one). */
  stop(): void;
}

/**
 * The hot-path SQL of a Node process: on an embedded `file:` database, one native connection with prepared
 * statements kept (about half the cost per call of going through the app's `@libsql/client`, which prepares
 * every statement on every call; scripts/bench/session-store.ts). It serves the libsql session store, the
 * feed's per-page listing read and event writes, so this process's own writes never reset the page cache
 * of the connection it reads from. Remote databases use the app's client.
 */
export function nodeHotSql(config: Config, db: Database): { sql: SqlExecutor; close: () => void } {
  if (config.DATABASE_URL.startsWith("file:")) {
    const executor = nativeSqlExecutor(config.DATABASE_URL);
    return { sql: executor, close: () => executor.close() };
  }
  return { sql: clientExecutor(db.$client), close: () => {} };
}

/** The session store from config (SESSION_STORE); libsql runs on `sql` (see nodeHotSql). */
export function nodeSessionStore(config: Config, db: Database, clock: Clock, sql: SqlExecutor): SessionStore {
  if (config.SESSION_STORE === "libsql") return new LibsqlSessionStore({ executor: sql, now: clock });
  return selectSessionStore(config, clock, db);
}

/**
 * Node entry wiring for recommendations: adapters from config, the ml/ file registry under
 * `registryDir` (default ./data/registry; with MODEL_REGISTRY=libsql the app database's registry, the one
 * the Workers read), models loaded from it or trained in-process and registered
 * when missing, and `refresh()` every `refreshSeconds` to fold new events in. Pass the result's fields
 * into AppDeps (src/deps/node.node.ts: buildNodeDeps does).
 */
export async function startNodeServing(
  base: { config: Config; db: Database; clock: Clock; newId: IdGenerator; logger: Logger },
  /** `trainMissing: false` (cluster workers): serve what is registered; the primary trained anything missing. */
  options: {
    registryDir?: string;
    refreshSeconds?: number;
    trainMissing?: boolean;
    coldStart?: NodeColdStartOptions;
  } = {},
): Promise<NodeServing> {
  // The timer's lines (selection decisions, failures) as before the logger port: at info.
  const log = logAt(base.logger);
  const hot = nodeHotSql(base.config, base.db);
  const events = createDbEventLog(base.db, base.clock, timeOrderedId, hot.sql);
  const registry =
    base.config.MODEL_REGISTRY === "libsql"
      ? new LibsqlArtifactRegistry(base.db.$client, { now: base.clock })
      : MlRegistryAdapter.atDir(options.registryDir ?? join("data", "registry"), base.clock);
  const sessions = nodeSessionStore(base.config, base.db, base.clock, hot.sql);
  const serving = buildServingDeps({ ...base, events, registry, sessions, sql: hot.sql });
  await serving.recsys.start(base.db, { trainMissing: options.trainMissing ?? true });
  // Cold start: items added while serving get content vectors and join the catalog, every tick (frozen: off).
  const coldStart =
    base.config.LEARNER === "on" ? nodeColdStart({ ...base, log }, serving.recsys, options.coldStart) : null;
  const coldStartCycle = (): Promise<unknown> =>
    coldStart
      ? coldStart.coldStart.cycle().catch((err: unknown) =>
          log("recsys: cold-start cycle failed; new items wait for the next one", {
            error: err instanceof Error ? err.message : String(err),
          }),
        )
      : Promise.resolve();
  void coldStartCycle(); // the first one now: a restart copies the stored vectors in without waiting a tick
  // Its own, shorter period: a new item must reach feeds within a minute, and a cycle with nothing new costs
  // a few indexed reads. Concurrent calls share one run, so a slow cycle never piles up.
  const coldTimer = coldStart
    ? setInterval(() => void coldStartCycle(), (options.coldStart?.everySeconds ?? 20) * 1000)
    : null;
  coldTimer?.unref();
  const every = (options.refreshSeconds ?? 60) * 1000;
  // Every tick: pick up a model version rotated or rolled back in the registry, then fold new events in
  // (a reload reads the event log itself, so the refresh after it has little to fold).
  // Online model selection needs a registry with live pointers (libsql); the file registry has none.
  const verified = new Set<string>();
  const selection =
    registry instanceof LibsqlArtifactRegistry && base.config.LEARNER === "on"
      ? () =>
          runSelectionCycle({
            store: new SelectionStore(base.db),
            registry,
            events: new DbEventLogAdapter(base.db, events),
            now: base.clock,
            newId: timeOrderedId,
            models: REGISTRY_MODELS,
            verified,
          })
      : null;
  const timer = setInterval(() => {
    const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));
    (selection
      ? selection().then((r) =>
          r.decisions.length > 0 ? log("selection: decisions", { decisions: r.decisions }) : undefined,
        )
      : Promise.resolve()
    )
      .catch((err: unknown) => log("selection: cycle failed", { error: why(err) }))
      .then(() => serving.recsys.reloadIfChanged())
      .catch((err: unknown) => log("recsys: reload failed; the current models keep serving", { error: why(err) }))
      .then(() => serving.recsys.refreshExperiments())
      .then(() => serving.recsys.refresh())
      .catch((err: unknown) => log("recsys: refresh failed", { error: why(err) }));
  }, every);
  timer.unref();
  return {
    events,
    ...serving,
    coldStart,
    stop: () => {
      clearInterval(timer);
      if (coldTimer) clearInterval(coldTimer);
      void coldStart?.stop();
      hot.close();
    },
  };
}
