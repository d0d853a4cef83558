/**
 * Node-only SqlExecutor on an embedded `file:` database (the libSQL SessionStore, listing reads, event writes): its own connection of the
 * native `libsql` engine (the one under `@libsql/client`'s `file:` mode, already installed with it), with
 * every statement prepared once and kept. `@libsql/client` prepares each statement on every call and,
 * for statements without rows, pays a thrown-and-caught error to find that out; on the feed's hot path
 * (one history read and one snapshot write per first page) that doubled the cost per call.
 *
 * The connection uses WAL (shared with the app's client), synchronous=NORMAL and a busy timeout, like
 * src/db/client.node.ts: concurrent writers from other processes queue instead of failing.
 */
import Database from "libsql";
import type { SqlExecutor, SqlStatement } from "./sql-executor.js";

type Connection = InstanceType<typeof Database>;
type Prepared = ReturnType<Connection["prepare"]>;

export interface NativeSqlExecutor extends SqlExecutor {
  close(): void;
}

/** `url` is a `file:` libSQL URL (query string ignored) or a plain path. */
export function nativeSqlExecutor(url: string, options: { busyTimeoutMs?: number } = {}): NativeSqlExecutor {
  const path = url.startsWith("file:") ? url.slice("file:".length).split("?")[0] : url;
  const db: Connection = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
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
    async writeBatch(stmts) {
      if (stmts.length === 1) return [exec(stmts[0])]; // one statement is its own transaction
      begin.run();
      try {
        const out = stmts.map(exec);
        commit.run();
        return out;
      } catch (err) {
        if (db.inTransaction) rollback.run();
        throw err;
      }
    },
    close: () => db.close(),
  };
}
