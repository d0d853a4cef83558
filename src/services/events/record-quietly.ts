import type { EventLog, NewEvent } from "../../ports/event-log";

/**
 * Logging an interaction must never fail the request that caused it: errors are reported and dropped.
 */
export async function recordQuietly(log: EventLog, events: NewEvent[]): Promise<void> {
  try {
    await log.record(events);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "event log write failed", error: (err as Error).message }));
  }
}
