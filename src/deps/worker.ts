/**
 * Assembly for the Cloudflare Workers: validated bindings to the deps every Worker needs (config, libSQL over
 * HTTP, clock, ids, the console JSON logger). The scheduler runs on these alone; the api Worker completes
 * them into AppDeps with src/deps/api-worker.ts. Kept apart from that module so the scheduler's bundle holds
 * no auth, serving or model code (it runs without `nodejs_compat`: test/workers/scheduler-bundle.test.ts).
 */
import { LibsqlError } from "@libsql/client/web";
import { createConsoleJsonLogger } from "../adapters/logger/console-json";
import { ConfigError, loadConfig, type Config } from "../config";
import { randomId, systemClock, type AppDeps } from "../context";
import { createWebLibsqlClient } from "../db/client.web";
import { createDatabase } from "../db/database";

/**
 * Bindings both Workers read: plain vars from the wrangler config, secrets from `wrangler secret put`
 * (or `.dev.vars` locally). Everything is validated by the app's one config schema (`loadConfig`), so
 * this type only names what is expected; the schema is the contract.
 */
export type WorkerEnv = {
  NODE_ENV?: string;
  LOG_LEVEL?: string;
  /** Turso: `libsql://<db>-<org>.turso.io` (or `https://…`); locally the libSQL dev server's `http://` URL. */
  DATABASE_URL?: string;
  /** Secret. */
  DATABASE_AUTH_TOKEN?: string;
  UPSTASH_REDIS_REST_URL?: string;
  /** Secret. */
  UPSTASH_REDIS_REST_TOKEN?: string;
  QDRANT_URL?: string;
  /** Secret. */
  QDRANT_API_KEY?: string;
  /** Secret. */
  HF_TOKEN?: string;
  /** Secret. */
  BETTER_AUTH_SECRET?: string;
  BETTER_AUTH_URL?: string;
  [binding: string]: unknown;
};

/** The deps every Worker builds from its bindings (the scheduler needs no more). */
export type WorkerDeps = Pick<AppDeps, "config" | "db" | "clock" | "newId" | "logger">;

export type Built = { ok: true; deps: WorkerDeps } | { ok: false; error: ConfigError };

/**
 * Validates bindings and builds the deps every Worker needs. Bad bindings come back as a ConfigError naming
 * each variable (never thrown), so entry points can answer with the common error body.
 */
export function buildWorkerDeps(env: WorkerEnv): Built {
  // Without DATABASE_URL the schema's default is a `file:` path, which only the Node entry can open.
  if (typeof env.DATABASE_URL !== "string" || env.DATABASE_URL.trim() === "") {
    return fail("DATABASE_URL", "required in a Worker (libsql://, https:// or http:// URL of a libSQL server)");
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, error: err };
    throw err;
  }
  // An isolate's memory is not shared: in production every isolate would hold its own fragment of each
  // session's history and feed snapshots, silently. Refuse, naming the two shared stores.
  if (config.NODE_ENV === "production" && config.SESSION_STORE === "memory") {
    return fail(
      "SESSION_STORE",
      "a production Worker needs a shared session store: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN " +
        "(Upstash, the default when set), or SESSION_STORE=libsql to keep sessions in the database",
    );
  }
  if (config.DATABASE_URL.startsWith("file:")) {
    return fail(
      "DATABASE_URL",
      "file: URLs cannot be opened in a Worker; use the libsql://, https:// or http:// URL of a libSQL server",
    );
  }
  try {
    const client = createWebLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
    const logger = createConsoleJsonLogger({ level: config.LOG_LEVEL });
    return {
      ok: true,
      deps: { config, db: createDatabase(client), clock: systemClock, newId: randomId, logger },
    };
  } catch (err) {
    // The web client rejects unsupported schemes and malformed URLs synchronously, as a LibsqlError.
    if (err instanceof LibsqlError) return fail("DATABASE_URL", err.message);
    throw err;
  }
}

function fail(variable: string, message: string): Built {
  return { ok: false, error: new ConfigError([{ variable, message }]) };
}
