import type { Database } from "../../db/database";
import type { EventType } from "../../db/schema/marketplace";
import type { Clock, IdGenerator } from "../../context";
import { clientExecutor, type SqlExecutor } from "../../db/sql-executor";
import { errorMessage, type Logger } from "../../ports/logger";

export interface NewEvent {
  type: EventType;
  userId?: string | null;
  anonId?: string | null;
  /** Catalog item (parent_asin). */
  parentAsin?: string | null;
  listingId?: string | null;
  /** Unix ms; defaults to the clock. */
  ts?: number;
  context?: Record<string, unknown> | null;
  /** Idempotency: the same client event id is stored once. */
  clientEventId?: string | null;
}

/**
 * Event log port: every interaction the recommender learns from goes through here, so the serving
 * side (and a future queue-backed adapter) can reuse it without knowing the table.
 */
export interface EventLog {
  /** Stores events; returns how many were new (duplicates by clientEventId are skipped). */
  record(events: NewEvent[]): Promise<number>;
}

/**
 * Writes go through `sql` when given (Node on an embedded file: the native executor's cached prepared
 * statement, instead of a prepare per row), else through the app's client; both in one write transaction.
 */
export function createDbEventLog(
  db: Database,
  clock: Clock,
  newId: IdGenerator,
  sql: SqlExecutor = clientExecutor(db.$client),
): EventLog {
  return {
    async record(events) {
      if (events.length === 0) return 0;
      const changed = await sql.writeBatch(
        events.map((e) => ({
          sql: `INSERT INTO events (id, user_id, anon_id, parent_asin, listing_id, type, ts, context, client_event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_event_id) DO NOTHING`,
          args: [
            newId(),
            e.userId ?? null,
            e.anonId ?? null,
            e.parentAsin ?? null,
            e.listingId ?? null,
            e.type,
            e.ts ?? clock(),
            e.context ? JSON.stringify(e.context) : null,
            e.clientEventId ?? null,
          ],
        })),
      );
      return changed.reduce((n, c) => n + c, 0);
    },
  };
}

/**
 * Logging an interaction must never fail the request that caused it: errors are reported and dropped.
 */
export async function recordQuietly(deps: { events: EventLog; logger: Logger }, events: NewEvent[]): Promise<void> {
  try {
    await deps.events.record(events);
  } catch (err) {
    deps.logger.error("event log write failed", { error: errorMessage(err) });
  }
}
