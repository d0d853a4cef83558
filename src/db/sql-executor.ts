/**
 * The two calls hot paths need of a database, so a Node entry can run them on cached prepared statements
 * (native-executor.node.ts) while shared code stays on any `@libsql/client` Client (Web APIs only).
 */
import type { Client } from "@libsql/client";

/** A statement: SQL text (constant per call site, so executors can cache it prepared) and positional args. */
export interface SqlStatement {
  sql: string;
  args: (string | number | null)[];
}

/**
 * What hot paths need of a database: rows as arrays, and statements run in one write transaction.
 * `clientExecutor` adapts any `@libsql/client` Client (Web APIs only); on Node with an embedded file,
 * `nativeSqlExecutor` (native-executor.node.ts) runs the same SQL on cached prepared statements, which
 * takes less than half the time per call (see scripts/bench/session-store.ts).
 */
export interface SqlExecutor {
  all(stmt: SqlStatement): Promise<ArrayLike<unknown>[]>;
  /** Runs every statement in one write transaction; returns the rows each changed. */
  writeBatch(stmts: SqlStatement[]): Promise<number[]>;
}

export function clientExecutor(client: Client): SqlExecutor {
  return {
    all: async (stmt) => (await client.execute(stmt)).rows,
    writeBatch: async (stmts) =>
      stmts.length === 1
        ? [(await client.execute(stmts[0])).rowsAffected]
        : (await client.batch(stmts, "write")).map((r) => r.rowsAffected),
  };
}
