import { type Client, LibsqlError, type Transaction } from "@libsql/client";
import { createDatabase, type Database } from "../../db/database";
import type { Queryable } from "../queryable";

/** The libSQL error behind `e`: drizzle wraps a failed query's error in its own (as `cause`). */
export function libsqlErrorOf(e: unknown): LibsqlError | null {
  for (let cur = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++)
    if (cur instanceof LibsqlError) return cur;
  return null;
}

const busy = (e: unknown) => {
  const le = libsqlErrorOf(e);
  return le !== null && /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(`${le.code} ${le.message}`);
};

/**
 * drizzle over a libSQL transaction: drizzle's libSQL session only calls `execute` and `batch` on its client,
 * which a Transaction has, so every query (and batch) of `fn` runs inside the transaction. drizzle's own
 * `db.transaction` cannot be used: it has no BEGIN IMMEDIATE retry and ignores the behaviour option.
 */
const inTransaction = (tx: Transaction): Queryable => createDatabase(tx as unknown as Client);

/**
 * Runs `fn` in a libSQL write transaction (BEGIN IMMEDIATE: one writer at a time, reads inside see a
 * stable snapshot). An embedded file's extra pool connections may have no busy timeout, so a concurrent
 * writer fails fast with SQLITE_BUSY: retry with jittered backoff instead of surfacing a 500.
 * `fn` throwing rolls back; nothing is half-written.
 */
export async function withWriteTransaction<T>(
  db: Database,
  fn: (tx: Queryable) => Promise<T>,
  maxWaitMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    let tx: Transaction;
    try {
      tx = await db.$client.transaction("write");
    } catch (e) {
      if (busy(e) && Date.now() - started < maxWaitMs) {
        await new Promise((r) => setTimeout(r, Math.min(100, 2 + attempt * 3) * (0.5 + Math.random())));
        continue;
      }
      throw e;
    }
    try {
      const result = await fn(inTransaction(tx));
      await tx.commit();
      return result;
    } catch (e) {
      await tx.rollback().catch(() => undefined);
      if (busy(e) && Date.now() - started < maxWaitMs) continue;
      throw e;
    } finally {
      tx.close();
    }
  }
}
