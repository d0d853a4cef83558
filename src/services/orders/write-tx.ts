import { LibsqlError, type Transaction } from "@libsql/client";
import type { Database } from "../../db/database";

const busy = (e: unknown) =>
  e instanceof LibsqlError && /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(`${e.code} ${e.message}`);

/**
 * Runs `fn` in a libSQL write transaction (BEGIN IMMEDIATE: one writer at a time, reads inside see a
 * stable snapshot). An embedded file's extra pool connections may have no busy timeout, so a concurrent
 * writer fails fast with SQLITE_BUSY: retry with jittered backoff instead of surfacing a 500.
 * `fn` throwing rolls back; nothing is half-written.
 */
export async function withWriteTransaction<T>(
  db: Database,
  fn: (tx: Transaction) => Promise<T>,
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
      const result = await fn(tx);
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
