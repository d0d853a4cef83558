/**
 * Assembly for the Node runtimes: the server (src/server/node.ts: one process, cluster primary and workers)
 * and the CLIs (scripts/). buildNodeDeps is the serving process's, buildNodeBaseDeps the cluster primary's;
 * the CLIs use the lighter node-base.node.ts (re-exported here). Tests assemble through src/deps/in-process.ts.
 * Logs are pino JSON lines: stdout for the server, stderr for CLIs (their stdout carries results).
 */
import { createAuth } from "../auth/auth";
import type { Config } from "../config";
import { randomId, systemClock, timeOrderedId, type AppDeps } from "../context";
import type { Database } from "../db/database";
import type { Logger } from "../ports/logger";
import { startNodeServing } from "../recsys/start.node.js";
import { createDbEventLog } from "../adapters/event-log/libsql";
import { createNodeLogger } from "./node-base.node.js";
import { MemoryOutbox } from "../adapters/mailer/memory-outbox";

import { LocalFolderObjectStorage } from "../adapters/object-storage/local-folder.node.js";
import { objectStorageDir } from "./object-storage-dir.node.js";
import { createPrometheusMetrics } from "../adapters/metrics/prometheus.node.js";
export * from "./node-base.node.js";

/** Everything but serving: what the cluster primary uses (demo accounts, search head lists), and benchmarks. */
export type NodeBaseDeps = Pick<AppDeps, "config" | "db" | "clock" | "newId" | "logger" | "auth" | "mailer" | "events">;

export function buildNodeBaseDeps(
  config: Config,
  db: Database,
  logger: Logger = createNodeLogger(config),
): NodeBaseDeps {
  const mailer = new MemoryOutbox();
  return {
    config,
    db,
    clock: systemClock,
    newId: randomId,
    logger,
    auth: createAuth({ config, db, logger, mailer }),
    mailer,
    events: createDbEventLog(db, systemClock, timeOrderedId),
  };
}

export interface NodeDepsOptions {
  /** The migrated database (the entry owns its client: it closes it on shutdown). */
  db: Database;
  logger?: Logger;
  /** False in cluster workers: serve what is registered (the primary trained anything missing). */
  trainMissing?: boolean;
  refreshSeconds?: number;
  /** Run the selection cycle here (cluster: worker slot 0 only). */
  selection?: boolean;
}

export interface NodeDeps {
  deps: AppDeps;
  /** Stops the model refresh timer and closes the hot-path connection (not the database client). */
  stop(): void;
}

/**
 * The complete AppDeps of a serving Node process, models loaded (trained and registered first when missing
 * and `trainMissing`): the event log, session store and feed reads on the hot-path SQL executor, the model
 * registry in the database (src/recsys/start.node.ts).
 */
export async function buildNodeDeps(config: Config, options: NodeDepsOptions): Promise<NodeDeps> {
  const { db } = options;
  const logger = options.logger ?? createNodeLogger(config);
  const { stop, ...serving } = await startNodeServing(
    { config, db, clock: systemClock, newId: timeOrderedId, logger },
    { trainMissing: options.trainMissing, refreshSeconds: options.refreshSeconds, selection: options.selection },
  );
  // The embedded default's mail: a development outbox, shown at /dev/outbox (src/web/pages/outbox.tsx).
  const mailer = new MemoryOutbox();
  const deps: AppDeps = {
    config,
    db,
    clock: systemClock,
    newId: randomId,
    logger,
    auth: createAuth({ config, db, logger, mailer }),
    mailer,
    ...serving,
    objects: new LocalFolderObjectStorage(objectStorageDir(config)),
  };
  deps.metrics = createPrometheusMetrics({
    liveModelVersion: () => (deps.recsys.ready ? deps.recsys.models.version : null),
  });
  return { deps, stop };
}
