/**
 * A local libSQL HTTP server (Hrana over HTTP, JSON: `POST /v2/pipeline`, also `/v3/pipeline`) on top of
 * the embedded libSQL engine, so `@libsql/client/web` — the client the Workers use — can reach a real
 * database offline: from `wrangler dev`, from the workerd test pool, and from Node.
 *
 * Why not `tursodb --sync-server` (npm `turso` 0.6.0) behind a rewriting proxy: measured here, tursodb has
 * no FTS5 (`CREATE VIRTUAL TABLE … USING fts5` → "no such module: fts5"), so migration 0001 cannot apply
 * and catalog search (`MATCH`, `bm25()`) cannot run. The embedded engine is the same libSQL (SQLite with
 * FTS5) that Turso serves and the Node entry uses, so the Worker's queries run on the real thing.
 *
 * Each Hrana stream owns one native connection (the `libsql` package, the engine under `@libsql/client`'s
 * `file:` mode), so an interactive transaction on one stream never leaks into another. A pipeline runs
 * synchronously, so a client `batch()` (BEGIN … COMMIT in one request) is atomic w.r.t. other requests.
 * Connections use `busy_timeout = 0`: a native busy wait would block the event loop, and with it the
 * very request that would release the lock; contention therefore surfaces as SQLITE_BUSY at once.
 * Not supported (answered with an explicit error): `describe` (the native binding does not expose
 * parameter names) and cursors (`/v3/cursor`; `@libsql/client` does not use them over HTTP).
 *
 * For local development and tests only: no TLS; the optional token is a plain shared secret.
 *
 * CLI: tsx scripts/dev/libsql-server.ts --db data/dev.db [--port 8080] [--host 127.0.0.1] [--migrate] [--token T]
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "libsql";
import { createDatabase } from "../../src/db/database";

type Connection = InstanceType<typeof Database>;

// ---------- protocol types (JSON encoding; see the Hrana spec in the libsql repo, docs/HRANA_3_SPEC.md) ----------

type HranaValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

interface HranaStmt {
  sql?: string;
  sql_id?: number;
  args?: HranaValue[];
  named_args?: { name: string; value: HranaValue }[];
  want_rows?: boolean;
}

type BatchCond =
  | { type: "ok"; step: number }
  | { type: "error"; step: number }
  | { type: "not"; cond: BatchCond }
  | { type: "and"; conds: BatchCond[] }
  | { type: "or"; conds: BatchCond[] }
  | { type: "is_autocommit" };

interface BatchStep {
  condition?: BatchCond | null;
  stmt: HranaStmt;
}

type StreamRequest =
  | { type: "close" }
  | { type: "execute"; stmt: HranaStmt }
  | { type: "batch"; batch: { steps: BatchStep[] } }
  | { type: "sequence"; sql?: string; sql_id?: number }
  | { type: "describe"; sql?: string; sql_id?: number }
  | { type: "store_sql"; sql_id: number; sql: string }
  | { type: "close_sql"; sql_id: number }
  | { type: "get_autocommit" };

interface StmtResult {
  cols: { name: string; decltype: string | null }[];
  rows: HranaValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

interface HranaError {
  message: string;
  code?: string;
}

type StreamResult =
  | { type: "ok"; response: Record<string, unknown> & { type: string } }
  | { type: "error"; error: HranaError };

/** A request the protocol rejects as a whole (bad JSON, unknown baton): a non-2xx with `{message}`. */
class ProtocolError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A failure of one stream request: reported in its result slot, the pipeline goes on. */
class RequestError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

// ---------- values ----------

type SqlValue = null | bigint | number | string | Buffer;

function decodeValue(v: HranaValue): SqlValue {
  switch (v.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(v.value);
    case "float":
      return v.value;
    case "text":
      return v.value;
    case "blob":
      return Buffer.from(v.base64, "base64");
    default:
      throw new RequestError(`unknown value type ${JSON.stringify((v as { type: unknown }).type)}`, "PROTOCOL");
  }
}

function encodeValue(v: unknown): HranaValue {
  if (v === null || v === undefined) return { type: "null" };
  if (typeof v === "bigint") return { type: "integer", value: v.toString() };
  if (typeof v === "number") {
    // JSON has no Infinity/NaN; the client would decode `null` as a float and fail obscurely.
    if (!Number.isFinite(v)) throw new RequestError(`cannot encode non-finite float ${v} in JSON`, "PROTOCOL");
    return { type: "float", value: v };
  }
  if (typeof v === "string") return { type: "text", value: v };
  if (v instanceof Uint8Array) return { type: "blob", base64: Buffer.from(v).toString("base64") };
  throw new RequestError(`cannot encode value of type ${typeof v}`, "PROTOCOL");
}

// ---------- streams ----------

interface Stream {
  conn: Connection;
  sqls: Map<number, string>;
  idleTimer?: NodeJS.Timeout;
}

function sqlErrorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string"
    ? err.code
    : undefined;
}

/** An engine error as a request error; the client prefixes the code itself, so drop the engine's copy. */
function fromEngineError(err: unknown): RequestError {
  if (err instanceof RequestError) return err;
  const code = sqlErrorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return new RequestError(code && message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message, code);
}

function resolveSql(stream: Stream, sql: string | undefined, sqlId: number | undefined): string {
  if (sql !== undefined) return sql;
  if (sqlId !== undefined) {
    const stored = stream.sqls.get(sqlId);
    if (stored === undefined) throw new RequestError(`sql_id ${sqlId} is not stored on this stream`, "SQL_NOT_FOUND");
    return stored;
  }
  throw new RequestError("statement has neither sql nor sql_id", "PROTOCOL");
}

function bindParams(stmt: HranaStmt): SqlValue[] | Record<string, SqlValue> {
  const positional = (stmt.args ?? []).map(decodeValue);
  const named = stmt.named_args ?? [];
  if (named.length === 0) return positional;
  if (positional.length > 0)
    throw new RequestError("mixing positional and named arguments is not supported", "PROTOCOL");
  const out: Record<string, SqlValue> = {};
  // The native binding names parameters without their sigil (`:id`, `@id`, `$id` → `id`).
  for (const { name, value } of named) out[/^[:@$]/.test(name) ? name.slice(1) : name] = decodeValue(value);
  return out;
}

function executeStmt(stream: Stream, stmt: HranaStmt): StmtResult {
  const sql = resolveSql(stream, stmt.sql, stmt.sql_id);
  const params = bindParams(stmt);
  const { conn } = stream;
  try {
    const prepared = conn.prepare(sql);
    prepared.safeIntegers(true); // integers as bigint, reals as number: keeps the integer/float distinction
    if (prepared.reader) {
      prepared.raw(true);
      const cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type }));
      const before = totalChanges(conn);
      const rows = prepared.all(params) as unknown[][];
      // A reader can write (INSERT … RETURNING); changes() is only this statement's count if it did write.
      const wrote = totalChanges(conn) !== before;
      const meta = wrote ? changesAndRowid(conn) : { changes: 0, rowid: null };
      return {
        cols,
        rows: stmt.want_rows === false ? [] : rows.map((r) => r.map(encodeValue)),
        affected_row_count: meta.changes,
        last_insert_rowid: meta.rowid,
      };
    }
    const info = prepared.run(params);
    return { cols: [], rows: [], affected_row_count: info.changes, last_insert_rowid: String(info.lastInsertRowid) };
  } catch (err) {
    throw fromEngineError(err);
  }
}

function totalChanges(conn: Connection): bigint {
  const row = conn.prepare("SELECT total_changes()").raw(true).safeIntegers(true).get() as [bigint];
  return row[0];
}

function changesAndRowid(conn: Connection): { changes: number; rowid: string } {
  const row = conn.prepare("SELECT changes(), last_insert_rowid()").raw(true).safeIntegers(true).get() as [
    bigint,
    bigint,
  ];
  return { changes: Number(row[0]), rowid: row[1].toString() };
}

function evalCond(
  cond: BatchCond,
  results: (StmtResult | null)[],
  errors: (HranaError | null)[],
  conn: Connection,
): boolean {
  switch (cond.type) {
    case "ok":
      return results[cond.step] != null;
    case "error":
      return errors[cond.step] != null;
    case "not":
      return !evalCond(cond.cond, results, errors, conn);
    case "and":
      return cond.conds.every((c) => evalCond(c, results, errors, conn));
    case "or":
      return cond.conds.some((c) => evalCond(c, results, errors, conn));
    case "is_autocommit":
      return !conn.inTransaction;
    default:
      throw new RequestError(`unknown batch condition ${JSON.stringify((cond as { type: unknown }).type)}`, "PROTOCOL");
  }
}

function executeBatch(
  stream: Stream,
  steps: BatchStep[],
): { step_results: (StmtResult | null)[]; step_errors: (HranaError | null)[] } {
  const results: (StmtResult | null)[] = [];
  const errors: (HranaError | null)[] = [];
  for (const step of steps) {
    if (step.condition && !evalCond(step.condition, results, errors, stream.conn)) {
      results.push(null);
      errors.push(null);
      continue;
    }
    try {
      results.push(executeStmt(stream, step.stmt));
      errors.push(null);
    } catch (err) {
      results.push(null);
      errors.push(toHranaError(err));
    }
  }
  return { step_results: results, step_errors: errors };
}

function toHranaError(err: unknown): HranaError {
  if (err instanceof RequestError)
    return err.code ? { message: err.message, code: err.code } : { message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}

// ---------- server ----------

export interface LibsqlServerOptions {
  /** SQLite/libSQL database file (created if missing). */
  dbPath: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, every request must carry `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /** A stream unused for this long is closed (its transaction rolled back), as sqld does. */
  streamIdleMs?: number;
}

export interface LibsqlServer {
  /** `http://host:port`: use as DATABASE_URL for `@libsql/client` (web or node). */
  url: string;
  port: number;
  close: () => Promise<void>;
}

export async function startLibsqlServer(options: LibsqlServerOptions): Promise<LibsqlServer> {
  const dbPath = resolve(options.dbPath);
  mkdirSync(dirname(dbPath), { recursive: true });
  const host = options.host ?? "127.0.0.1";
  const idleMs = options.streamIdleMs ?? 10_000;
  const streams = new Map<string, Stream>();

  const openConnection = (): Connection => {
    const conn = new Database(dbPath, { timeout: 0 });
    conn.exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;");
    return conn;
  };
  // Fail at start, not at the first request, if the file cannot be opened.
  openConnection().close();

  const closeStream = (stream: Stream) => {
    clearTimeout(stream.idleTimer);
    if (!stream.conn.open) return;
    try {
      if (stream.conn.inTransaction) stream.conn.exec("ROLLBACK");
    } finally {
      stream.conn.close();
    }
  };

  const handlePipeline = (body: { baton?: string | null; requests?: StreamRequest[] }, allowV3: boolean) => {
    if (!Array.isArray(body.requests)) throw new ProtocolError(400, "body must have a `requests` array");
    let stream: Stream;
    if (body.baton) {
      const found = streams.get(body.baton);
      if (!found) throw new ProtocolError(400, "unknown or expired baton");
      streams.delete(body.baton);
      clearTimeout(found.idleTimer);
      stream = found;
    } else {
      stream = { conn: openConnection(), sqls: new Map() };
    }

    let closed = false;
    const results: StreamResult[] = [];
    for (const req of body.requests) {
      if (closed) {
        results.push({ type: "error", error: { message: "stream is closed", code: "STREAM_CLOSED" } });
        continue;
      }
      try {
        results.push({ type: "ok", response: handleRequest(stream, req, allowV3) });
        if (req.type === "close") closed = true;
      } catch (err) {
        results.push({ type: "error", error: toHranaError(err) });
      }
    }

    if (closed) {
      closeStream(stream);
      return { baton: null, base_url: null, results };
    }
    const baton = randomUUID();
    stream.idleTimer = setTimeout(() => {
      streams.delete(baton);
      closeStream(stream);
    }, idleMs);
    stream.idleTimer.unref();
    streams.set(baton, stream);
    return { baton, base_url: null, results };
  };

  const handleRequest = (
    stream: Stream,
    req: StreamRequest,
    allowV3: boolean,
  ): Record<string, unknown> & { type: string } => {
    switch (req.type) {
      case "close":
        return { type: "close" };
      case "execute":
        return { type: "execute", result: executeStmt(stream, req.stmt) };
      case "batch":
        return { type: "batch", result: executeBatch(stream, req.batch.steps) };
      case "sequence":
        try {
          stream.conn.exec(resolveSql(stream, req.sql, req.sql_id));
        } catch (err) {
          throw fromEngineError(err);
        }
        return { type: "sequence" };
      case "store_sql":
        stream.sqls.set(req.sql_id, req.sql);
        return { type: "store_sql" };
      case "close_sql":
        stream.sqls.delete(req.sql_id);
        return { type: "close_sql" };
      case "get_autocommit":
        if (!allowV3) throw new RequestError("get_autocommit needs protocol version 3 (/v3/pipeline)", "PROTOCOL");
        return { type: "get_autocommit", is_autocommit: !stream.conn.inTransaction };
      case "describe":
        throw new RequestError("describe is not supported by this local server", "NOT_SUPPORTED");
      default:
        throw new RequestError(`unknown request type ${JSON.stringify((req as { type: unknown }).type)}`, "PROTOCOL");
    }
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (options.authToken === undefined) return true;
    const got = Buffer.from(req.headers.authorization ?? "");
    const want = Buffer.from(`Bearer ${options.authToken}`);
    return got.length === want.length && timingSafeEqual(got, want);
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && (path === "/health" || path === "/v2" || path === "/v3")) {
      res.writeHead(200).end();
      return;
    }
    if (req.method !== "POST" || (path !== "/v2/pipeline" && path !== "/v3/pipeline")) {
      send(res, 404, { message: `no route for ${req.method} ${path}` });
      return;
    }
    if (!authorized(req)) {
      send(res, 401, { message: "missing or wrong bearer token", code: "UNAUTHORIZED" });
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          throw new ProtocolError(400, "body is not valid JSON");
        }
        if (typeof body !== "object" || body === null) throw new ProtocolError(400, "body must be a JSON object");
        send(res, 200, handlePipeline(body as { baton?: string; requests?: StreamRequest[] }, path === "/v3/pipeline"));
      } catch (err) {
        if (err instanceof ProtocolError) send(res, err.status, { message: err.message });
        else send(res, 500, { message: err instanceof Error ? err.message : String(err) });
      }
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      for (const stream of streams.values()) closeStream(stream);
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** Applies `migrations/` to the file from Node with the project's own migrator (Node client, `file:` URL). */
export async function migrateFile(dbPath: string): Promise<void> {
  // Imported by URL with the `.ts` suffix: tsx resolves an extensionless `./x.node` specifier as a native
  // `.node` addon and fails (ERR_MODULE_NOT_FOUND), so `client.node`/`migrate.node` cannot be named plainly.
  const clientMod: typeof import("../../src/db/client.node") = await import(
    new URL("../../src/db/client.node.ts", import.meta.url).href
  );
  const migrateMod: typeof import("../../src/db/migrate.node") = await import(
    new URL("../../src/db/migrate.node.ts", import.meta.url).href
  );
  const { createNodeLibsqlClient } = clientMod;
  const { runMigrations } = migrateMod;
  const client = await createNodeLibsqlClient(`file:${resolve(dbPath)}`);
  try {
    await runMigrations(createDatabase(client));
  } finally {
    client.close();
  }
}

function parseArgs(argv: string[]): { db: string; port: number; host: string; migrate: boolean; token?: string } {
  const out: { db?: string; port: number; host: string; migrate: boolean; token?: string } = {
    port: 8080,
    host: "127.0.0.1",
    migrate: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--db") out.db = next();
    else if (arg === "--port") out.port = Number(next());
    else if (arg === "--host") out.host = next();
    else if (arg === "--token") out.token = next();
    else if (arg === "--migrate") out.migrate = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!out.db)
    throw new Error("usage: libsql-server.ts --db <file> [--port 8080] [--host 127.0.0.1] [--migrate] [--token T]");
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65_535) throw new Error("--port must be 0..65535");
  return { ...out, db: out.db };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs(process.argv.slice(2));
  if (args.migrate) await migrateFile(args.db);
  const server = await startLibsqlServer({ dbPath: args.db, port: args.port, host: args.host, authToken: args.token });
  console.log(`libSQL (Hrana over HTTP) serving ${resolve(args.db)} at ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
