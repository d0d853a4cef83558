/**
 * Node-only SqlExecutor on an embedded `file:` database (the libSQL SessionStore, listing reads, event writes): its own connection of the
 * native `libsql` engine (the one under `@libsql/client`'s `file:` mode, already installed with it), with
 * every statement prepared once and kept. `@libsql/client` prepares each statement on every call and,
 * for statements without rows, pays a thrown-and-caught error to find that out; on the feed's hot path
 * (one history read and one snapshot write per first page) that doubled the cost per call.
 *
 * The connection uses WAL (shared with the app's client), synchronous=NORMAL and a busy timeout, like
 * src/db/client.node.ts: concurrent writers from other processes queue instead of failing. `writeBatch`
 * waits for another process's write lock on timers instead (see inWriteTransaction).
 */
import Database from "libsql";
import type { SqlExecutor, SqlStatement } from "./sql-executor.js";

type Connection = InstanceType<typeof Database>;
type Prepared = ReturnType<Connection["prepare"]>;

export interface NativeSqlExecutor extends SqlExecutor {
  close(): void;
}

const isBusy = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
};

/** `url` is a `file:` libSQL URL (query string ignored) or a plain path. */
export function nativeSqlExecutor(url: string, options: { busyTimeoutMs?: number } = {}): NativeSqlExecutor {
  const path = url.startsWith("file:") ? url.slice("file:".length).split("?")[0] : url;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const db: Connection = new Database(path, { timeout: busyTimeoutMs });
  // No mmap: measured in the app (feed first pages on the demo database), mmap_size = 256 MB made this
  // connection's reads ~20 µs and writes ~50 µs slower per call.
  // A 32 MB page cache (SQLite's default is 2 MB): this connection writes the session store and events on
  // every request, and their index pages should stay in memory rather than be re-read from the OS.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;");
  const cache = new Map<string, Prepared>();
  const prepared = (sql: string): Prepared => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      if (stmt.reader) stmt.raw(true);
      // Statements whose text depends on the batch size (multi-row upserts) would fill the cache: bound it.
      if (cache.size >= 256) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  };
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  /**
   * Runs `body` in a write transaction. The write lock is taken with BEGIN IMMEDIATE under a busy timeout
   * of 0 and, while another process holds it, retried on timers (1, 2, 4 … 32 ms, jittered) for up to
   * `busyTimeoutMs`, then SQLITE_BUSY. SQLite's own busy handler sleeps on the calling thread, the JS
   * thread here, so every request of the process stalled behind one lock wait (a 230 ms wait was a 230 ms
   * event-loop gap). `body` and COMMIT run synchronously right after BEGIN, so no other call interleaves,
   * and with the lock held no statement can meet a lock. Only BEGIN runs without the busy handler: a
   * statement that fails with SQLITE_BUSY mid-way keeps its read snapshot until it is reset, which the
   * libsql binding does not expose, and every later write on the connection then fails with
   * SQLITE_BUSY_SNAPSHOT (measured: 371-462 failed feeds per bench round when the whole connection ran
   * with timeout 0). Reads keep the handler; in WAL they almost never wait.
   */
  const inWriteTransaction = async <T>(body: () => T): Promise<T> => {
    const deadline = performance.now() + busyTimeoutMs;
    for (let wait = 1; ; wait = Math.min(wait * 2, 32)) {
      let locked = false;
      db.exec("PRAGMA busy_timeout = 0");
      try {
        begin.run();
        locked = true;
      } catch (err) {
        if (!isBusy(err) || performance.now() >= deadline) throw err;
      } finally {
        db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      }
      if (locked) {
        try {
          const out = body();
          commit.run();
          return out;
        } catch (err) {
          if (db.inTransaction) rollback.run();
          throw err;
        }
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(wait * (0.5 + Math.random()), Math.max(0, deadline - performance.now()))),
      );
    }
  };
  const exec = (s: SqlStatement): number => {
    const stmt = prepared(s.sql);
    if (stmt.reader) {
      stmt.all(s.args);
      return 0;
    }
    return Number(stmt.run(s.args).changes);
  };
  return {
    async all(s) {
      const stmt = prepared(s.sql);
      if (!stmt.reader) {
        stmt.run(s.args);
        return [];
      }
      return stmt.all(s.args) as unknown[][];
    },
    writeBatch(stmts) {
      return inWriteTransaction(() => stmts.map(exec));
    },
    close: () => db.close(),
  };
}
