import type { Clock, IdGenerator } from "../../context";
import type { Database } from "../../db/database";
import type { EventType as TableEventType } from "../../db/schema/marketplace";
import { clientExecutor, type SqlExecutor, type SqlStatement } from "../../db/sql-executor";
import type {
  AppendResult,
  EventLog,
  EventRecord,
  LoggedEventType,
  NewEvent,
  StoredEvent,
} from "../../ports/event-log";

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

/** Runs `f` after the I/O callbacks already due (Node: setImmediate; elsewhere the next timer turn). */
const afterIo: (f: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (f) => void (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(f)
    : (f) => void setTimeout(f, 0);

const INSERT_SQL = `INSERT INTO events (id, user_id, anon_id, parent_asin, listing_id, type, ts, context, client_event_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_event_id) DO NOTHING`;
// One statement text for any number of ids (a JSON array argument): prepared once on an executor that keeps them.
const KNOWN_IDS_SQL = "SELECT client_event_id FROM events WHERE client_event_id IN (SELECT value FROM json_each(?))";

interface PendingWrite {
  stmts: SqlStatement[];
  resolve: (changed: number) => void;
  reject: (err: unknown) => void;
}

/**
 * The event log over the app database's `events` table. `seq` is SQLite's rowid, which grows with every
 * insert and lets `since()` read "everything since" with an index range. Writes go through `sql` when given
 * (Node on an embedded file: the native executor's cached prepared statement, instead of a prepare per row),
 * else through the app's client.
 *
 * Group commit: `record` calls made while the same batch of I/O callbacks runs (concurrent requests, each
 * logging a page view) share one write transaction, written right after them; each caller's promise still
 * resolves only once its rows are committed, so an acknowledged event is a stored event. A transaction per
 * request (BEGIN IMMEDIATE, insert, COMMIT) was the product page's largest write cost under load (bench:web).
 * If a shared transaction fails, each caller's rows are retried in a transaction of their own, so one bad
 * batch never fails its neighbours.
 */
export class LibsqlEventLog implements EventLog {
  private pending: PendingWrite[] = [];

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    private readonly sql: SqlExecutor = clientExecutor(db.$client),
  ) {}

  record(events: NewEvent[]): Promise<number> {
    if (events.length === 0) return Promise.resolve(0);
    const stmts: SqlStatement[] = events.map((e) => ({
      sql: INSERT_SQL,
      args: [
        this.newId(),
        e.userId ?? null,
        e.anonId ?? null,
        e.parentAsin ?? null,
        e.listingId ?? null,
        e.type,
        e.ts ?? this.clock(),
        e.context ? JSON.stringify(e.context) : null,
        e.clientEventId ?? null,
      ],
    }));
    return new Promise<number>((resolve, reject) => {
      if (this.pending.push({ stmts, resolve, reject }) === 1) afterIo(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    if (group.length === 1) return this.writeOne(group[0]);
    let changed: number[];
    try {
      changed = await this.sql.writeBatch(group.flatMap((w) => w.stmts));
    } catch {
      await Promise.all(group.map((w) => this.writeOne(w)));
      return;
    }
    let at = 0;
    for (const w of group) {
      w.resolve(changed.slice(at, at + w.stmts.length).reduce((n, c) => n + c, 0));
      at += w.stmts.length;
    }
  }

  private async writeOne(w: PendingWrite): Promise<void> {
    try {
      const changed = await this.sql.writeBatch(w.stmts);
      w.resolve(changed.reduce((n, c) => n + c, 0));
    } catch (err) {
      w.reject(err);
    }
  }

  /** `record` reports only a count, so duplicates are found by a lookup first. */
  async append(events: readonly EventRecord[]): Promise<AppendResult> {
    if (events.length === 0) return { inserted: [], duplicates: [] };
    const ids = events.map(storedClientId);
    const existing = await this.sql.all({ sql: KNOWN_IDS_SQL, args: [JSON.stringify(ids)] });
    const known = new Set(existing.map((r) => String(r[0])));
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
    if (fresh.length > 0) await this.record(fresh);
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

/** The event log of `db` (see LibsqlEventLog). */
export function createDbEventLog(
  db: Database,
  clock: Clock,
  newId: IdGenerator,
  sql: SqlExecutor = clientExecutor(db.$client),
): EventLog {
  return new LibsqlEventLog(db, clock, newId, sql);
}
