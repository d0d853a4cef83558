/**
 * The light half of the Node assembly: config, logger, database and the CLIs' deps (scripts/). Apart from
 * node.node.ts so a CLI does not load the serving stack (recsys, ml/, better-auth) just to start: `npm run
 * migrate` took twice as long. A CLI that needs auth builds it over these (`createAuth(deps)`).
 */
import { availableParallelism } from "node:os";
import type { Client } from "@libsql/client";
import { createPinoLogger } from "../adapters/logger/pino.node.js";
import { loadConfig, type Config } from "../config";
import { randomId, systemClock, timeOrderedId, type AppDeps } from "../context";
import { createNodeLibsqlClient } from "../db/client.node.js";
import { createDatabase, type Database } from "../db/database";
import type { Logger } from "../ports/logger";
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

/** The deps of a CLI: the event log and a logger on stderr (its stdout carries results); no auth, no serving. */
export type CliDeps = Pick<AppDeps, "config" | "db" | "clock" | "newId" | "logger" | "events">;

export function buildCliDeps(config: Config, db: Database): CliDeps {
  return {
    config,
    db,
    clock: systemClock,
    newId: randomId,
    logger: createNodeLogger(config, 2),
    events: createDbEventLog(db, systemClock, timeOrderedId),
  };
}
