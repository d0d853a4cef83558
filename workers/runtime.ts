import { LibsqlError } from "@libsql/client/web";
import { ConfigError, loadConfig, type Config } from "../src/config";
import { randomId, systemClock, type AppDeps } from "../src/context";
import { createWebLibsqlClient } from "../src/db/client.web";
import { createDatabase } from "../src/db/database";

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

/**
 * The ports a Worker builds itself from bindings. The app derives the rest (auth, events) from these, so
 * entry points stay small; the scheduler needs only these.
 */
export type WorkerDeps = Pick<AppDeps, "config" | "db" | "clock" | "newId">;

export type Built = { ok: true; deps: WorkerDeps } | { ok: false; error: ConfigError };

/**
 * Validates bindings and builds the ports a Worker needs. Bad bindings come back as a ConfigError naming
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
  if (config.DATABASE_URL.startsWith("file:")) {
    return fail(
      "DATABASE_URL",
      "file: URLs cannot be opened in a Worker; use the libsql://, https:// or http:// URL of a libSQL server",
    );
  }
  try {
    const client = createWebLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
    return { ok: true, deps: { config, db: createDatabase(client), clock: systemClock, newId: randomId } };
  } catch (err) {
    // The web client rejects unsupported schemes and malformed URLs synchronously, as a LibsqlError.
    if (err instanceof LibsqlError) return fail("DATABASE_URL", err.message);
    throw err;
  }
}

function fail(variable: string, message: string): Built {
  return { ok: false, error: new ConfigError([{ variable, message }]) };
}

const requestIdPattern = /^[\w\-=]{1,128}$/;

/**
 * The 503 a Worker answers while its bindings are invalid, in the app's common error body. Names the
 * variables and what is wrong, never their values (some are secrets).
 */
export function misconfiguredResponse(request: Request, error: ConfigError): Response {
  const incoming = request.headers.get("x-request-id");
  const requestId = incoming && requestIdPattern.test(incoming) ? incoming : crypto.randomUUID();
  const body = {
    error: {
      code: "misconfigured",
      message: `service is misconfigured: ${error.issues.map((i) => `${i.variable}: ${i.message}`).join("; ")}`,
      requestId,
      details: error.issues,
    },
  };
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: { "content-type": "application/json", "x-request-id": requestId, "retry-after": "60" },
  });
}
