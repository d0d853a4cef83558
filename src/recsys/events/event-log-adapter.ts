import type { Database } from "../../db/database";
import type { EventType as TableEventType } from "../../db/schema/marketplace";
import type { EventLog, NewEvent } from "../../services/events/event-log";
import type { AppendResult, EventLogPort, EventRecord, LoggedEventType, StoredEvent } from "../ports";

/** API event type -> the events table's enum (which has no `hide` and calls the cart event `cart_add`). */
export const TO_TABLE: Readonly<Record<LoggedEventType, TableEventType>> = {
  view: "view",
  click: "click",
  cart: "cart_add",
  favorite: "favorite",
  purchase: "purchase",
  not_interested: "not_interested",
  hide: "not_interested",
  dislike: "dislike",
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
  const type: LoggedEventType =
    tableType === "cart_add"
      ? "cart"
      : tableType === "not_interested" && context?.hide === true
        ? "hide"
        : (tableType as LoggedEventType);
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

  async since(
    afterSeq: number,
    limit: number,
    types?: readonly LoggedEventType[],
  ): Promise<{ events: StoredEvent[]; scannedTo: number; more: boolean }> {
    if (types === undefined) {
      const res = await this.db.$client.execute({
        sql: `SELECT ${COLUMNS} FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
        args: [afterSeq, limit],
      });
      const events = res.rows.map((r) => fromRow(r as Record<string, unknown>));
      return {
        events,
        scannedTo: events.length > 0 ? events[events.length - 1].seq : afterSeq,
        more: events.length === limit,
      };
    }
    // One read transaction: the highest seq and the matching rows come from the same snapshot, so "scanned
    // to" is exact (rows inserted later are left for the next call). Skipped rows are rejected inside
    // SQLite, never decoded in JS.
    const tableTypes = [...new Set(types.map((t) => TO_TABLE[t]))];
    const res = await this.db.$client.batch(
      [
        { sql: "SELECT coalesce(max(rowid), 0) AS top FROM events", args: [] },
        {
          sql: `SELECT ${COLUMNS} FROM events WHERE rowid > ? AND type IN (${tableTypes.map(() => "?").join(",")}) ORDER BY rowid LIMIT ?`,
          args: [afterSeq, ...tableTypes, limit],
        },
      ],
      "read",
    );
    const top = Number(res[0].rows[0].top);
    // `hide` shares the table type `not_interested`: the row's context tells them apart after decoding.
    const wanted = new Set(types);
    const rows = res[1].rows.map((r) => fromRow(r as Record<string, unknown>));
    const events = rows.filter((e) => wanted.has(e.type));
    const full = rows.length === limit;
    return { events, scannedTo: full ? rows[rows.length - 1].seq : Math.max(afterSeq, top), more: full };
  }

  async recentForUser(userId: string, limit: number): Promise<StoredEvent[]> {
    const res = await this.db.$client.execute({
      sql: `SELECT ${COLUMNS} FROM events WHERE user_id = ? ORDER BY ts DESC LIMIT ?`,
      args: [userId, limit],
    });
    return res.rows.map((r) => fromRow(r as Record<string, unknown>));
  }
}
