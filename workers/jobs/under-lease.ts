import { LibsqlLeaseStore } from "../../src/adapters/lease/libsql";
import type { LeaseName } from "../../src/ports/lease";
import { holderId, LeaderLease } from "../../src/ops/leader";
import type { Database } from "../../src/db/database";
import type { Logger } from "../../src/ports/logger";

/**
 * Runs `work` under the named lease, shared with the Node pods and `npm run learn` through the database,
 * released at the end (this invocation ends with it). When another process holds it, the job skips its turn
 * and its result says who holds it (a pod keeps the selection lease while it is up).
 */
export async function underLease(
  ctx: { db: Database; logger: Logger },
  name: LeaseName,
  ttlMs: number,
  work: () => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const lease = new LeaderLease({
    store: new LibsqlLeaseStore(ctx.db.$client),
    name,
    holder: holderId("scheduler-worker"),
    ttlMs,
    log: (msg, fields) => ctx.logger.info(msg, fields),
  });
  try {
    const r = await lease.run(work);
    return r.ran ? r.value : { skipped: `lease ${name} held by ${r.heldBy ?? "another process"}`, heldBy: r.heldBy };
  } finally {
    await lease.release();
  }
}
