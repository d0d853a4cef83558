/**
 * Assembly for the Node runtimes: the server (src/server/node.ts: one process, cluster primary and workers)
 * and the CLIs (scripts/: the maintenance commands through scripts/lib/database-cli.ts, the benchmarks).
 * Tests assemble through src/deps/in-process.ts. Logs are pino JSON lines: stdout for the server, stderr for
 * CLIs (their stdout carries results).
 */
import { availableParallelism } from "node:os";
import type { Client } from "@libsql/client";
import { createPinoLogger } from "../adapters/logger/pino.node.js";
import { createAuth } from "../auth/auth";
import { loadConfig, type Config } from "../config";
import { randomId, systemClock, timeOrderedId, type AppDeps } from "../context";
import { createNodeLibsqlClient } from "../db/client.node.js";
import { createDatabase, type Database } from "../db/database";
import type { Logger } from "../ports/logger";
import { startNodeServing } from "../recsys/start.node.js";
import { createDbEventLog } from "../services/events/event-log";

/** Config from the process environment; `WEB_CONCURRENCY=auto` counts this machine's cores. */
export const loadNodeConfig = (env: Record<string, string | undefined>): Config =>
  loadConfig(env, { availableParallelism });

/** JSON lines at LOG_LEVEL on stdout (1) or, for CLIs, stderr (2). */
export const createNodeLogger = (config: Pick<Config, "LOG_LEVEL">, destination: 1 | 2 = 1): Logger =>
  createPinoLogger({ level: config.LOG_LEVEL, destination });

/** A client on DATABASE_URL (embedded file or Turso); the caller migrates and closes it. */
export async function openNodeDatabase(config: Config): Promise<{ client: Client; db: Database }> {
  const client = await createNodeLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  return { client, db: createDatabase(client) };
}

/** Everything but serving: what the cluster primary and the CLIs use (no models, no session store). */
export type NodeBaseDeps = Pick<AppDeps, "config" | "db" | "clock" | "newId" | "logger" | "auth" | "events">;

export function buildNodeBaseDeps(
  config: Config,
  db: Database,
  logger: Logger = createNodeLogger(config),
): NodeBaseDeps {
  return {
    config,
    db,
    clock: systemClock,
    newId: randomId,
    logger,
    auth: createAuth({ config, db, logger }),
    events: createDbEventLog(db, systemClock, timeOrderedId),
  };
}

/** The deps of a CLI: logs to stderr. */
export const buildCliDeps = (config: Config, db: Database): NodeBaseDeps =>
  buildNodeBaseDeps(config, db, createNodeLogger(config, 2));

export interface NodeDepsOptions {
  /** The migrated database (the entry owns its client: it closes it on shutdown). */
  db: Database;
  logger?: Logger;
  /** ml/'s file registry (MODEL_REGISTRY=file); default ./data/registry. */
  registryDir?: string;
  /** False in cluster workers: serve what is registered (the primary trained anything missing). */
  trainMissing?: boolean;
  refreshSeconds?: number;
}

export interface NodeDeps {
  deps: AppDeps;
  /** Stops the model refresh timer and closes the hot-path connection (not the database client). */
  stop(): void;
}

/**
 * The complete AppDeps of a serving Node process, models loaded (trained and registered first when missing
 * and `trainMissing`): the event log, session store and feed reads on the hot-path SQL executor, the model
 * registry named by MODEL_REGISTRY (src/recsys/start.node.ts).
 */
export async function buildNodeDeps(config: Config, options: NodeDepsOptions): Promise<NodeDeps> {
  const { db } = options;
  const logger = options.logger ?? createNodeLogger(config);
  const { stop, ...serving } = await startNodeServing(
    { config, db, clock: systemClock, newId: timeOrderedId, logger },
    { registryDir: options.registryDir, trainMissing: options.trainMissing, refreshSeconds: options.refreshSeconds },
  );
  const deps: AppDeps = {
    config,
    db,
    clock: systemClock,
    newId: randomId,
    logger,
    auth: createAuth({ config, db, logger }),
    ...serving,
  };
  return { deps, stop };
}
