import type { Database } from "../../db/database";
import type { EventType as TableEventType } from "../../db/schema/marketplace";
import type { EventLog, NewEvent } from "../../services/events/event-log";
import type { AppendResult, EventLogPort, EventRecord, LoggedEventType, StoredEvent } from "../ports";

/** API event type -> the events table's enum (which has no `hide` and calls the cart event `cart_add`). */
const TO_TABLE: Record<LoggedEventType, TableEventType> = {
  view: "view",
  click: "click",
  cart: "cart_add",
  favorite: "favorite",
  purchase: "purchase",
  not_interested: "not_interested",
  hide: "not_interested",
  impression: "impression",
};

/**
 * Idempotency is per actor: two users may both send client id "1". The table's unique column is global,
 * so the stored value is `<actor>:<clientEventId>` with actor `u:<userId>` or `s:<sessionId>`.
 */
export const storedClientId = (e: Pick<EventRecord, "userId" | "sessionId" | "clientEventId">): string =>
  `${e.userId ? `u:${e.userId}` : `s:${e.sessionId ?? ""}`}:${e.clientEventId}`;

function fromRow(r: Record<string, unknown>): StoredEvent {
  let context: Record<string, unknown> | null = null;
  if (typeof r.context === "string") {
    try {
      const v: unknown = JSON.parse(r.context);
      if (v && typeof v === "object" && !Array.isArray(v)) context = v as Record<string, unknown>;
    } catch {
      context = null; // an unreadable context never blocks model updates
    }
  }
  const tableType = String(r.type);
  const type: LoggedEventType = tableType === "cart_add" ? "cart" : tableType === "not_interested" && context?.hide === true ? "hide" : (tableType as LoggedEventType);
  const stored = String(r.client_event_id ?? "");
  return {
    seq: Number(r.seq),
    clientEventId: stored.slice(stored.indexOf(":", 2) + 1),
    type,
    itemId: r.parent_asin === null ? null : String(r.parent_asin),
    listingId: r.listing_id === null ? null : String(r.listing_id),
    userId: r.user_id === null ? null : String(r.user_id),
    sessionId: r.anon_id === null ? null : String(r.anon_id),
    ts: Number(r.ts),
    context,
  };
}

const COLUMNS = "rowid AS seq, user_id, anon_id, parent_asin, listing_id, type, ts, context, client_event_id";

/**
 * EventLogPort over the accounts team's EventLog (writes) and events table (reads). Their `record()`
 * reports only a count, so duplicates are found by a lookup first; `seq` is SQLite's rowid, which grows
 * with every insert and lets `refresh()` read "everything since" with an index range.
 */
export class DbEventLogAdapter implements EventLogPort {
  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
  ) {}

  async append(events: readonly EventRecord[]): Promise<AppendResult> {
    if (events.length === 0) return { inserted: [], duplicates: [] };
    const ids = events.map(storedClientId);
    const existing = await this.db.$client.execute({
      sql: `SELECT client_event_id FROM events WHERE client_event_id IN (${ids.map(() => "?").join(",")})`,
      args: ids,
    });
    const known = new Set(existing.rows.map((r) => String(r.client_event_id)));
    const inserted: string[] = [];
    const duplicates: string[] = [];
    const fresh: NewEvent[] = [];
    events.forEach((e, j) => {
      if (known.has(ids[j])) {
        duplicates.push(e.clientEventId);
        return;
      }
      known.add(ids[j]);
      inserted.push(e.clientEventId);
      fresh.push({
        type: TO_TABLE[e.type],
        userId: e.userId,
        anonId: e.sessionId,
        parentAsin: e.itemId,
        listingId: e.listingId,
        ts: e.ts,
        context: e.type === "hide" ? { ...(e.context ?? {}), hide: true } : e.context,
        clientEventId: ids[j],
      });
    });
    if (fresh.length > 0) await this.log.record(fresh);
    return { inserted, duplicates };
  }

  async since(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const res = await this.db.$client.execute({ sql: `SELECT ${COLUMNS} FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?`, args: [afterSeq, limit] });
    return res.rows.map((r) => fromRow(r as Record<string, unknown>));
  }

  async recentForUser(userId: string, limit: number): Promise<StoredEvent[]> {
    const res = await this.db.$client.execute({ sql: `SELECT ${COLUMNS} FROM events WHERE user_id = ? ORDER BY ts DESC LIMIT ?`, args: [userId, limit] });
    return res.rows.map((r) => fromRow(r as Record<string, unknown>));
  }
}
