import type { EventLog, NewEvent } from "../../ports/event-log";
import { errorMessage, type Logger } from "../../ports/logger";

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
