/**
 * Node-only SqlExecutor on an embedded `file:` database (the libSQL SessionStore, listing reads, event writes): its own connection of the
 * native `libsql` engine (the one under `@libsql/client`'s `file:` mode, already installed with it), with
 * every statement prepared once and kept. `@libsql/client` prepares each statement on every call and,
 * for statements without rows, pays a thrown-and-caught error to find that out; on the feed's hot path
 * (one history read and one snapshot write per first page) that doubled the cost per call.
 *
 * The connection uses WAL (shared with the app's client) and synchronous=NORMAL. A statement that finds the
 * database locked by another connection (another cluster worker, a CLI) waits for it, up to `busyTimeoutMs`,
 * but NOT in SQLite's busy handler: that sleeps on the calling thread, which here is the JS thread, so
 * every request of the process stalled behind one lock wait (measured: a 150 ms lock held by another
 * process blocked the waiter's event loop 179 ms, in 1 … 100 ms sleep steps). The connection's own busy
 * timeout is 0 and the wait is a retry on timers, which keeps serving meanwhile.
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

/**
 * Runs `attempt` until it does not fail with SQLITE_BUSY, waiting on timers between tries (1, 2, 4 … 32 ms,
 * jittered so two waiting workers do not retry in step); the last SQLITE_BUSY is thrown once `budgetMs`
 * has passed. `attempt` must be all-or-nothing: a single statement, or a transaction rolled back on error.
 */
async function retryWhileBusy<T>(attempt: () => T, budgetMs: number): Promise<T> {
  const deadline = performance.now() + budgetMs;
  for (let wait = 1; ; wait = Math.min(wait * 2, 32)) {
    try {
      return attempt();
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) throw err;
    }
    const pause = Math.min(wait * (0.5 + Math.random()), Math.max(0, deadline - performance.now()));
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** `url` is a `file:` libSQL URL (query string ignored) or a plain path. */
export function nativeSqlExecutor(url: string, options: { busyTimeoutMs?: number } = {}): NativeSqlExecutor {
  const path = url.startsWith("file:") ? url.slice("file:".length).split("?")[0] : url;
  const budgetMs = options.busyTimeoutMs ?? 5000;
  const db: Connection = new Database(path, { timeout: budgetMs }); // for the set-up PRAGMAs only (below)
  // No mmap: measured in the app (feed first pages on the demo database), mmap_size = 256 MB made this
  // connection's reads ~20 µs and writes ~50 µs slower per call.
  // A 32 MB page cache (SQLite's default is 2 MB): this connection writes the session store and events on
  // every request, and their index pages should stay in memory rather than be re-read from the OS.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;");
  // From here SQLITE_BUSY comes back at once, and retryWhileBusy waits without blocking the thread.
  db.exec("PRAGMA busy_timeout = 0");
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
    all(s) {
      return retryWhileBusy(() => {
        const stmt = prepared(s.sql);
        if (!stmt.reader) {
          stmt.run(s.args);
          return [];
        }
        return stmt.all(s.args) as unknown[][];
      }, budgetMs);
    },
    writeBatch(stmts) {
      if (stmts.length === 1) return retryWhileBusy(() => [exec(stmts[0])], budgetMs); // its own transaction
      return retryWhileBusy(() => {
        begin.run(); // IMMEDIATE: a lock conflict fails here, before anything is written
        try {
          const out = stmts.map(exec);
          commit.run();
          return out;
        } catch (err) {
          if (db.inTransaction) rollback.run();
          throw err;
        }
      }, budgetMs);
    },
    close: () => db.close(),
  };
}
