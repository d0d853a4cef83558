/**
 * SessionStore on the app's own libSQL database (tables from migrations/0008_session_store.sql): the
 * embedded default when more than one process serves (node:cluster workers share one database file), and
 * usable over Turso's HTTP client too (Web APIs only; takes any `@libsql/client` Client).
 *
 * Layout, chosen so every port call is ONE SQL statement (atomic on its own, no interactive transaction,
 * one round trip over HTTP):
 * - `session_lists(session_id, events, expires_at)`: a session's whole bounded history as one JSON array,
 *   newest first (the port's read order, so a read is one indexed row and a slice). An append is an
 *   upsert whose conflict branch prepends the new events and keeps the first `maxEvents` in SQL
 *   (json_each + json_group_array ORDER BY), so concurrent appends from several processes never lose
 *   events. An expired row is replaced, not extended.
 * - `session_kv(key, value, expires_at)`: key/value with TTL and fixed-window counters (upsert ... RETURNING).
 * Expired rows read as missing; writes sweep them in bounded batches at most every `sweepIntervalMs`
 * (indexes on expires_at), so the tables do not grow without bound.
 */
import type { Client } from "@libsql/client";
import { clientExecutor, type SqlExecutor, type SqlStatement } from "../../db/sql-executor.js";
import {
  SESSION_EVENT_TYPES,
  SessionStoreError,
  type SessionAppend,
  type SessionEvent,
  type SessionStore,
  type SessionStoreLimits,
} from "../../ports/session-store.js";
export type { SqlExecutor, SqlStatement } from "../../db/sql-executor.js";
import { checkBatch, checkKey, checkPositiveInt, encodeEvent, resolveLimits, resolveReadLimit } from "./validate.js";

export interface LibsqlSessionStoreOptions extends Partial<SessionStoreLimits> {
  /** Any libSQL client: embedded `file:` (Node) or remote (`@libsql/client/web` on Workers). */
  client?: Client;
  /** Or a ready executor (takes precedence over `client`). */
  executor?: SqlExecutor;
  /** Namespace for every key and session id this store writes (default ""), e.g. one per test. */
  keyPrefix?: string;
  /** Unix ms clock; inject a fake one in tests. */
  now?: () => number;
  /** Least time between two sweeps of expired rows started by this store (default 60 000 ms). */
  sweepIntervalMs?: number;
  /** Most rows one sweep deletes per table (default 500); a full batch makes the next write sweep again. */
  sweepBatch?: number;
}

/** Sessions per upsert statement (3 parameters each; SQLite allows 32 766 parameters). */
const ROWS_PER_STATEMENT = 500;

export class LibsqlSessionStore implements SessionStore {
  readonly limits: SessionStoreLimits;
  private readonly sql: SqlExecutor;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly sweepIntervalMs: number;
  private readonly sweepBatch: number;
  private nextSweepAt: number;
  private sweeping: Promise<unknown> | null = null;

  constructor(options: LibsqlSessionStoreOptions) {
    this.limits = resolveLimits(options);
    if (options.executor) this.sql = options.executor;
    else if (options.client) this.sql = clientExecutor(options.client);
    else throw new SessionStoreError("invalid_argument", "LibsqlSessionStore needs a client or an executor");
    this.prefix = options.keyPrefix ?? "";
    this.now = options.now ?? Date.now;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.sweepBatch = options.sweepBatch ?? 500;
    checkPositiveInt(this.sweepIntervalMs, "sweepIntervalMs");
    checkPositiveInt(this.sweepBatch, "sweepBatch");
    this.nextSweepAt = this.now() + this.sweepIntervalMs;
  }

  async append(sessionId: string, events: readonly SessionEvent[]): Promise<void> {
    await this.appendMany([{ sessionId, events }]);
  }

  async appendMany(batch: readonly SessionAppend[]): Promise<void> {
    checkBatch(batch); // everything is validated before anything is written
    // One row per session: a session named twice gets its events concatenated in call order.
    const merged = new Map<string, SessionEvent[]>();
    for (const { sessionId, events } of batch) {
      if (events.length === 0) continue;
      const list = merged.get(sessionId);
      if (list) list.push(...events);
      else merged.set(sessionId, [...events]);
    }
    if (merged.size === 0) return;
    const now = this.now();
    const max = this.limits.maxEvents;
    const expiresAt = now + this.limits.ttlSeconds * 1000;
    const rows: [string, string, number][] = [];
    for (const [sessionId, events] of merged) {
      // Newest first, already bounded: the insert branch stores it as is.
      const fresh: string[] = [];
      for (let i = events.length - 1; i >= 0 && fresh.length < max; i--) fresh.push(encodeEvent(events[i]));
      rows.push([this.prefix + sessionId, `[${fresh.join(",")}]`, expiresAt]);
    }
    const statements: SqlStatement[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
      statements.push(appendStatement(rows.slice(i, i + ROWS_PER_STATEMENT), now, max));
    await this.run(() => this.sql.writeBatch(statements));
    this.maybeSweep(now);
  }

  async recent(sessionId: string, limit?: number): Promise<SessionEvent[]> {
    checkKey(sessionId, "sessionId");
    const n = resolveReadLimit(limit, this.limits);
    const rows = await this.run(() =>
      this.sql.all({
        sql: "SELECT events FROM session_lists WHERE session_id = ? AND expires_at > ?",
        args: [this.prefix + sessionId, this.now()],
      }),
    );
    const raw = rows[0]?.[0];
    if (raw === undefined || raw === null) return [];
    return decodeList(raw, n);
  }

  async deleteSession(sessionId: string): Promise<boolean> {
    checkKey(sessionId, "sessionId");
    return this.deleteRow(
      "DELETE FROM session_lists WHERE session_id = ? RETURNING expires_at",
      this.prefix + sessionId,
    );
  }

  async incrWithTtl(key: string, ttlSeconds: number): Promise<number> {
    checkKey(key, "key");
    checkPositiveInt(ttlSeconds, "ttlSeconds");
    const now = this.now();
    // A live non-integer value fails the DO UPDATE's WHERE: nothing changes and nothing is returned.
    const rows = await this.run(() =>
      this.sql.all({
        sql: `INSERT INTO session_kv (key, value, expires_at) VALUES (?1, '1', ?2)
ON CONFLICT (key) DO UPDATE SET
  value = CASE WHEN session_kv.expires_at <= ?3 THEN '1' ELSE CAST(CAST(session_kv.value AS INTEGER) + 1 AS TEXT) END,
  expires_at = CASE WHEN session_kv.expires_at <= ?3 THEN excluded.expires_at ELSE session_kv.expires_at END
WHERE session_kv.expires_at <= ?3 OR CAST(CAST(session_kv.value AS INTEGER) AS TEXT) = session_kv.value
RETURNING value`,
        args: [this.prefix + key, now + ttlSeconds * 1000, now],
      }),
    );
    const value = rows[0]?.[0];
    if (value === undefined)
      throw new SessionStoreError("invalid_argument", `value at key ${key} is not an integer counter`);
    this.maybeSweep(now);
    return Number(value);
  }

  async get(key: string): Promise<string | null> {
    checkKey(key, "key");
    const rows = await this.run(() =>
      this.sql.all({
        sql: "SELECT value FROM session_kv WHERE key = ? AND expires_at > ?",
        args: [this.prefix + key, this.now()],
      }),
    );
    const value = rows[0]?.[0];
    return value === undefined || value === null ? null : String(value);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    checkKey(key, "key");
    checkPositiveInt(ttlSeconds, "ttlSeconds");
    if (typeof value !== "string") throw new SessionStoreError("invalid_argument", "value must be a string");
    const now = this.now();
    await this.run(() =>
      this.sql.writeBatch([
        {
          sql: "INSERT INTO session_kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
          args: [this.prefix + key, value, now + ttlSeconds * 1000],
        },
      ]),
    );
    this.maybeSweep(now);
  }

  async del(key: string): Promise<boolean> {
    checkKey(key, "key");
    return this.deleteRow("DELETE FROM session_kv WHERE key = ? RETURNING expires_at", this.prefix + key);
  }

  /**
   * Deletes up to `sweepBatch` expired rows from each table (every namespace: expired is expired) and
   * returns how many went. Writes call it in the background at most every `sweepIntervalMs`; exposed for
   * tests and operators.
   */
  async sweepExpired(): Promise<{ sessions: number; keys: number }> {
    const now = this.now();
    const [sessions, keys] = await this.run(() =>
      this.sql.writeBatch([
        {
          sql: "DELETE FROM session_lists WHERE session_id IN (SELECT session_id FROM session_lists WHERE expires_at <= ? LIMIT ?)",
          args: [now, this.sweepBatch],
        },
        {
          sql: "DELETE FROM session_kv WHERE key IN (SELECT key FROM session_kv WHERE expires_at <= ? LIMIT ?)",
          args: [now, this.sweepBatch],
        },
      ]),
    );
    return { sessions, keys };
  }

  /** Resolves when a background sweep started by a write has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.sweeping;
  }

  private maybeSweep(now: number): void {
    if (now < this.nextSweepAt || this.sweeping) return;
    this.nextSweepAt = now + this.sweepIntervalMs;
    this.sweeping = this.sweepExpired()
      .then((n) => {
        // A full batch means more is waiting: let the next write sweep again instead of waiting an interval.
        if (n.sessions >= this.sweepBatch || n.keys >= this.sweepBatch) this.nextSweepAt = now;
      })
      // Sweeping is housekeeping: a failure (busy database, closed client at shutdown) waits for the next interval.
      .catch(() => {})
      .finally(() => (this.sweeping = null));
  }

  private async deleteRow(sql: string, key: string): Promise<boolean> {
    const now = this.now();
    const rows = await this.run(() => this.sql.all({ sql, args: [key] }));
    const expiresAt = rows[0]?.[0];
    return expiresAt !== undefined && expiresAt !== null && Number(expiresAt) > now;
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (cause) {
      throw toSessionStoreError(cause);
    }
  }
}

/**
 * Upsert of `rows` ([id, newest-first JSON, expires_at]). Conflict branch: an expired row (or a batch that
 * alone fills the list) is replaced; otherwise new events go first and the list is cut at `max`. The
 * aggregate's ORDER BY (SQLite 3.44+) fixes the order; `k` numbers the old events after any new one.
 */
function appendStatement(rows: readonly [string, string, number][], now: number, max: number): SqlStatement {
  const args: (string | number)[] = [now, max];
  const values: string[] = [];
  for (const row of rows) {
    const p = args.length;
    values.push(`(?${p + 1}, ?${p + 2}, ?${p + 3})`);
    args.push(row[0], row[1], row[2]);
  }
  return {
    sql: `INSERT INTO session_lists (session_id, events, expires_at) VALUES ${values.join(", ")}
ON CONFLICT (session_id) DO UPDATE SET
  events = CASE WHEN session_lists.expires_at <= ?1 OR json_array_length(excluded.events) >= ?2 THEN excluded.events
    ELSE (SELECT json_group_array(json(v) ORDER BY k) FROM (
      SELECT v, k FROM (SELECT value AS v, key AS k FROM json_each(excluded.events)
        UNION ALL SELECT value AS v, key + 1000000000 AS k FROM json_each(session_lists.events))
      ORDER BY k LIMIT ?2)) END,
  expires_at = excluded.expires_at`,
    args,
  };
}

/** The first `n` events of a stored newest-first JSON list, checked one by one. */
function decodeList(raw: unknown, n: number): SessionEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch (cause) {
    throw new SessionStoreError("corrupt", `stored session history is not JSON: ${String(raw).slice(0, 80)}`, {
      cause,
    });
  }
  if (!Array.isArray(parsed))
    throw new SessionStoreError("corrupt", `stored session history is not a list: ${String(raw).slice(0, 80)}`);
  const out: SessionEvent[] = [];
  for (let j = 0; j < parsed.length && out.length < n; j++) {
    const e = parsed[j] as Record<string, unknown> | null;
    const i = e?.i;
    const t = e?.t;
    const s = e?.s;
    if (typeof i !== "string" || typeof s !== "number" || !SESSION_EVENT_TYPES.includes(t as SessionEvent["type"])) {
      throw new SessionStoreError(
        "corrupt",
        `stored session event has an unexpected shape: ${JSON.stringify(e)?.slice(0, 80)}`,
      );
    }
    out.push({ itemId: i, type: t as SessionEvent["type"], ts: s });
  }
  return out;
}

/**
 * Classifies libSQL failures. Embedded: SQLite result codes (busy/locked/I/O = unavailable). Remote:
 * the HTTP/Hrana client's codes and messages; a fetch that never got an answer is `unavailable`.
 */
export function toSessionStoreError(cause: unknown): SessionStoreError {
  if (cause instanceof SessionStoreError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = typeof (cause as { code?: unknown })?.code === "string" ? (cause as { code: string }).code : "";
  // LibsqlError(s) from @libsql/client, SqliteError from the native `libsql` binding (src/db/native-executor.node.ts).
  const isLibsql =
    cause instanceof Error &&
    (cause.name === "LibsqlError" || cause.name === "LibsqlBatchError" || cause.name === "SqliteError");
  if (/malformed JSON/i.test(message) || /^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
    return new SessionStoreError("corrupt", `libSQL session store: stored data is corrupt: ${message}`, { cause });
  }
  if (code === "SQLITE_AUTH" || /\b(401|403)\b|unauthori[sz]ed|forbidden|auth(entication)? token/i.test(message)) {
    return new SessionStoreError("unauthorized", `libSQL rejected the credentials: ${message}`, { cause });
  }
  if (!isLibsql) {
    // The remote client's fetch rejects with a bare TypeError when nothing answered.
    const unreachable = /fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|network|socket|timed? ?out/i.test(
      `${message} ${String((cause as { cause?: unknown })?.cause ?? "")}`,
    );
    return new SessionStoreError(
      unreachable ? "unavailable" : "backend",
      `libSQL session store ${unreachable ? "unreachable" : "error"}: ${message}`,
      { cause },
    );
  }
  if (
    /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY)/.test(code) ||
    /^(CLIENT_CLOSED|HRANA_WEBSOCKET_ERROR|HRANA_CLOSED_ERROR|SERVER_ERROR)$/.test(code) ||
    /database is locked/i.test(message)
  ) {
    return new SessionStoreError("unavailable", `libSQL session store unavailable: ${message}`, { cause });
  }
  const hint = /no such table: session_(lists|kv)/.test(message)
    ? " (apply migrations/0008_session_store.sql: npm run migrate)"
    : "";
  return new SessionStoreError("backend", `libSQL session store error: ${message}${hint}`, { cause });
}
