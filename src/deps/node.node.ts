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
import { clusterWorkerMetrics, serveClusterMetrics } from "../adapters/metrics/cluster.node.js";
import { LibsqlArtifactRegistry } from "../adapters/model-registry/libsql";
import { cachedEventBacklog } from "../recsys/event-backlog";
import { cachedLearnerRunStats, cachedRead } from "../ops/learner-runs";
import { LibsqlLeaseStore } from "../adapters/lease/libsql";
import type { Recsys } from "../recsys/recsys";
import type { Metrics } from "../ports/metrics";
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
  /**
   * A node:cluster worker's slot: its metrics are scraped through the primary, which aggregates the pod's
   * (src/adapters/metrics/cluster.node.ts) and owns the event backlog. Absent: a single process.
   */
  clusterSlot?: number;
  /** Embed new items in a thread of this process (default: LEARNER_THREAD=on; cluster: worker slot 0 only). */
  reembed?: boolean;
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
  // Created before serving starts: the feed pipeline and the learner record into it. The recsys it reads
  // model versions from is bound once serving is built.
  let recsys: Recsys | null = null;
  const worker = options.clusterSlot !== undefined;
  const local = createPrometheusMetrics({
    processName: worker ? `worker-${options.clusterSlot}` : "main",
    liveModelVersion: () => (recsys?.ready ? recsys.models.version : null),
    servedVersions: () => recsys?.servedVersions ?? null,
    eventBacklog: worker ? undefined : cachedEventBacklog(db, new LibsqlArtifactRegistry(db.$client)),
    learnerRuns: worker ? undefined : cachedLearnerRunStats(db.$client),
    leases: worker ? undefined : cachedRead(() => new LibsqlLeaseStore(db.$client).list()),
    onCollectError: metricsCollectLog(logger),
  });
  const metrics = worker ? clusterWorkerMetrics(local) : local;
  const { stop, ...serving } = await startNodeServing(
    { config, db, clock: systemClock, newId: timeOrderedId, logger, metrics },
    {
      trainMissing: options.trainMissing,
      refreshSeconds: options.refreshSeconds,
      selection: options.selection,
      reembed: options.reembed,
    },
  );
  // The embedded default's mail: a development outbox, shown at /dev/outbox (src/web/pages/outbox.tsx).
  const mailer = new MemoryOutbox();
  recsys = serving.recsys;
  const deps: AppDeps = {
    config,
    db,
    clock: systemClock,
    newId: randomId,
    logger,
    metrics,
    auth: createAuth({ config, db, logger, mailer }),
    mailer,
    ...serving,
    objects: new LocalFolderObjectStorage(objectStorageDir(config)),
  };
  return { deps, stop };
}

/** A scrape-time collector that failed: logged (its series is missing from that scrape, and counted). */
export const metricsCollectLog =
  (logger: Logger) =>
  (metric: string, err: unknown): void =>
    logger.warn("metrics: collector failed; series left out of this scrape", {
      metric,
      error: err instanceof Error ? err.message : String(err),
    });

/**
 * The cluster primary's metrics: the learner it runs, the event backlog, its own process; it answers the
 * workers' scrapes with the pod's aggregate. Returns the metrics (for the learner) and a stop function.
 */
export function startPrimaryMetrics(db: Database, logger: Logger): { metrics: Metrics; stop: () => void } {
  const metrics = createPrometheusMetrics({
    processName: "primary",
    eventBacklog: cachedEventBacklog(db, new LibsqlArtifactRegistry(db.$client)),
    learnerRuns: cachedLearnerRunStats(db.$client),
    leases: cachedRead(() => new LibsqlLeaseStore(db.$client).list()),
    onCollectError: metricsCollectLog(logger),
  });
  return { metrics, stop: serveClusterMetrics(metrics) };
}
