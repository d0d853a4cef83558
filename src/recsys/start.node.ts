import { join } from "node:path";
import { buildServingDeps, jsonLog } from "../adapters/select";
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
  /** Stops the periodic refresh. */
  stop(): void;
}

/**
 * Node entry wiring for recommendations: adapters from config, the ml/ file registry under
 * `registryDir` (default ./data/registry), models loaded from it or trained in-process and registered
 * when missing, and `refresh()` every `refreshSeconds` to fold new events in. Pass the result's fields
 * into createApp: `createApp({ config, db, clock, newId, ...serving })`.
 */
export async function startNodeServing(base: { config: Config; db: Database; clock: Clock; newId: IdGenerator }, options: { registryDir?: string; refreshSeconds?: number; log?: Log } = {}): Promise<NodeServing> {
  const log = options.log ?? (base.config.LOG_LEVEL === "silent" ? () => {} : jsonLog);
  const events = createDbEventLog(base.db, base.clock, base.newId);
  const registry = MlRegistryAdapter.atDir(options.registryDir ?? join("data", "registry"), base.clock);
  const serving = buildServingDeps({ ...base, events, registry, log });
  await serving.recsys.start(base.db, { trainMissing: true });
  const every = (options.refreshSeconds ?? 60) * 1000;
  const timer = setInterval(() => {
    serving.recsys.refresh().catch((err: unknown) => log("recsys: refresh failed", { error: err instanceof Error ? err.message : String(err) }));
  }, every);
  timer.unref();
  return { events, ...serving, stop: () => clearInterval(timer) };
}
