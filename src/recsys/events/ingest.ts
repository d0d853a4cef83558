import { z } from "zod";
import type { SessionAppend, SessionEvent, SessionStore } from "../../ports/session-store";
import type { Database } from "../../db/database";
import { clientExecutor, type SqlExecutor } from "../../db/sql-executor";
import { isNegativeKind, NegativeFeedbackStore, type NegativeEntry } from "../feedback/negative-feedback";
import { userStreamId } from "../history";
import { EVENT_TYPES, type EventLog, type EventRecord } from "../../ports/event-log";
import type { MarketplacePort } from "../../ports/marketplace";
import { END_USER_ID, namedKeySubject } from "../../auth/api-key-subject";
import { backendDown, type Backend } from "../../ports/backends";
import { errorMessage, type Log } from "../../ports/logger";

export const MAX_BATCH = 500;
const MAX_CONTEXT_BYTES = 2048;
const MAX_AGE_MS = 30 * 86_400_000;
const MAX_SKEW_MS = 5 * 60_000;

export const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Nesting allowed in an event's context: plenty for surface/position data, far below any stack limit. */
export const MAX_CONTEXT_DEPTH = 16;

/**
 * Whether a parsed JSON value nests deeper than `max` objects/arrays. Iterative (an explicit stack), so a
 * hostile 4,000-level value is measured without the recursion that would overflow the call stack.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== "object") continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export const EventInSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "1-100 characters of A-Z a-z 0-9 _ . : -")
      .describe("Client event id: a retried event with the same id is stored once (per user or session)"),
    type: z.enum(EVENT_TYPES),
    item_id: z.string().min(1).max(40).optional().describe("Catalog product (parent_asin)"),
    listing_id: z.string().min(1).max(100).optional(),
    session_id: z
      .string()
      .regex(SESSION_ID, "8-64 characters of A-Z a-z 0-9 _ -")
      .optional()
      .describe(
        "Defaults to the rc_sid cookie / x-session-id header. With an API key: a session in the key's own namespace",
      ),
    end_user_id: z
      .string()
      .regex(END_USER_ID, "1-128 characters of A-Z a-z 0-9 _ -")
      .optional()
      .describe(
        "API keys only: the application's end user (opaque id, the key's own namespace); wins over session_id. " +
          "Defaults to the x-end-user-id header",
      ),
    ts: z
      .union([z.number().int().positive(), z.iso.datetime({ offset: true })])
      .optional()
      .describe("Unix ms or ISO 8601; default: now"),
    context: z
      .record(z.string(), z.unknown())
      .refine((v) => !nestsDeeperThan(v, MAX_CONTEXT_DEPTH), {
        message: `context nests deeper than ${MAX_CONTEXT_DEPTH} levels`,
      })
      .optional()
      .describe(
        `Free-form (surface, recommendationId, position, ...), at most 2 KB as JSON and ${MAX_CONTEXT_DEPTH} levels deep`,
      ),
  })
  .refine((e) => e.item_id !== undefined || e.listing_id !== undefined, {
    message: "item_id or listing_id is required",
    path: ["item_id"],
  });
export type EventIn = z.infer<typeof EventInSchema>;

export type RejectCode =
  | "invalid_event"
  | "duplicate_in_batch"
  | "session_required"
  | "invalid_timestamp"
  | "context_too_large"
  | "unknown_item"
  | "unknown_listing"
  | "listing_mismatch";

export interface Rejection {
  index: number;
  id: string | null;
  code: RejectCode;
  message: string;
}

export interface IngestResult {
  accepted: string[];
  duplicates: string[];
  rejected: Rejection[];
  /**
   * Set when the events were stored but a follow-up write (session history, session feedback) failed: the
   * events count, live personalisation lacks them. Names the backends that were down (may be empty when the
   * failure was something else, which is logged).
   */
  degraded?: Backend[];
}

export interface IngestDeps {
  db: Database;
  events: EventLog;
  sessions: SessionStore;
  marketplace: MarketplacePort;
  now: number;
  /** Where a failed follow-up write is reported (the events themselves are stored by then). */
  log?: Log;
  /** Runs the item check (Node: AppDeps.sql, statements kept prepared); default the app's client. */
  sql?: SqlExecutor;
}

/**
 * Who sends the batch: a signed-in user and/or a presented browser session id; or, for an API key, the
 * key's owner as the namespace of the end users and sessions its events name (`userId` is then null: a key's
 * events never land in its owner's history) and `sessionId` the subject its headers named, namespaced.
 */
export interface Sender {
  userId: string | null;
  sessionId: string | null;
  keyOwner?: string;
}

const idOf = (raw: unknown): string | null => {
  if (raw && typeof raw === "object" && "id" in raw && typeof raw.id === "string") return raw.id.slice(0, 100);
  return null;
};

/**
 * Validates every event on its own (a bad one never sinks the batch), resolves listings to products,
 * writes the good ones to the event log (idempotent by client id) and appends the newly written ones with
 * an item to the session history: the browser session and, for signed-in users, their cross-device stream.
 */
export async function ingestEvents(d: IngestDeps, sender: Sender, raw: readonly unknown[]): Promise<IngestResult> {
  const rejected: Rejection[] = [];
  const parsed: { index: number; e: EventIn; sessionId: string | null; ts: number }[] = [];
  const seenIds = new Set<string>();
  for (const [index, r] of raw.entries()) {
    const res = EventInSchema.safeParse(r);
    if (!res.success) {
      const message = res.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`).join("; ");
      rejected.push({ index, id: idOf(r), code: "invalid_event", message });
      continue;
    }
    const e = res.data;
    const reject = (code: RejectCode, message: string): void => void rejected.push({ index, id: e.id, code, message });
    if (seenIds.has(e.id)) {
      reject("duplicate_in_batch", `id ${e.id} appears earlier in this batch`);
      continue;
    }
    seenIds.add(e.id);
    if (e.end_user_id !== undefined && sender.keyOwner === undefined) {
      reject("invalid_event", "end_user_id: only API key callers name end users");
      continue;
    }
    const sessionId =
      sender.keyOwner !== undefined
        ? (namedKeySubject(sender.keyOwner, { endUserId: e.end_user_id, sessionId: e.session_id }) ?? sender.sessionId)
        : (e.session_id ?? sender.sessionId);
    if (!sender.userId && !sessionId) {
      reject(
        "session_required",
        sender.keyOwner !== undefined
          ? "API key events name an end user or a session (end_user_id / session_id, or the x-end-user-id / x-session-id header)"
          : "anonymous events need a session id (rc_sid cookie, x-session-id header or session_id)",
      );
      continue;
    }
    const ts = e.ts === undefined ? d.now : typeof e.ts === "number" ? e.ts : Date.parse(e.ts);
    if (!(ts >= d.now - MAX_AGE_MS && ts <= d.now + MAX_SKEW_MS)) {
      reject("invalid_timestamp", "ts must be within the last 30 days and not in the future");
      continue;
    }
    if (e.context && JSON.stringify(e.context).length > MAX_CONTEXT_BYTES) {
      reject("context_too_large", `context exceeds ${MAX_CONTEXT_BYTES} bytes`);
      continue;
    }
    parsed.push({ index, e, sessionId, ts });
  }

  const listingIds = [...new Set(parsed.flatMap((p) => (p.e.listing_id ? [p.e.listing_id] : [])))];
  const itemIds = [...new Set(parsed.flatMap((p) => (p.e.item_id ? [p.e.item_id] : [])))];
  const [listingProducts, knownItems] = await Promise.all([
    d.marketplace.productsOfListings(listingIds),
    knownProducts(d.sql ?? clientExecutor(d.db.$client), itemIds),
  ]);

  const records: EventRecord[] = [];
  const recordIndex: number[] = [];
  for (const { index, e, sessionId, ts } of parsed) {
    let itemId = e.item_id ?? null;
    if (e.listing_id) {
      const product = listingProducts.get(e.listing_id);
      if (!product) {
        rejected.push({ index, id: e.id, code: "unknown_listing", message: `listing ${e.listing_id} does not exist` });
        continue;
      }
      if (itemId && itemId !== product) {
        rejected.push({
          index,
          id: e.id,
          code: "listing_mismatch",
          message: `listing ${e.listing_id} is not an instance of ${itemId}`,
        });
        continue;
      }
      itemId = product;
    } else if (itemId && !knownItems.has(itemId)) {
      rejected.push({ index, id: e.id, code: "unknown_item", message: `product ${itemId} is not in the catalog` });
      continue;
    }
    records.push({
      clientEventId: e.id,
      type: e.type,
      itemId,
      listingId: e.listing_id ?? null,
      userId: sender.userId,
      sessionId,
      ts,
      context: e.context ?? null,
    });
    recordIndex.push(index);
  }

  const { inserted, duplicates } = await d.events.append(records);
  const fresh = new Set(inserted);
  // The event log is the record: once it holds the events they are acknowledged as stored, whatever happens
  // to the session-history copies below (a retry would otherwise see "duplicate" for an event answered 500).
  const followUps = await Promise.allSettled([
    appendToSessions(d.sessions, records, fresh, sender.userId),
    recordNegativeFeedback(new NegativeFeedbackStore(d.db, d.sessions), records, fresh, sender.userId),
  ]);
  let degraded: Set<Backend> | null = null;
  for (const f of followUps) {
    if (f.status === "fulfilled") continue;
    degraded ??= new Set();
    const down = backendDown(f.reason);
    if (down) degraded.add(down);
    d.log?.("events stored; session history not updated", {
      // An outage is logged once by the store's circuit breaker; anything else is a fault to look at.
      level: down ? "debug" : "error",
      events: fresh.size,
      error: errorMessage(f.reason),
    });
  }
  rejected.sort((a, b) => a.index - b.index);
  return {
    accepted: records.map((r) => r.clientEventId),
    duplicates,
    rejected,
    ...(degraded ? { degraded: [...degraded] } : {}),
  };
}

// One statement text for any number of ids, so a prepared-statement executor prepares it once.
const KNOWN_PRODUCTS_SQL = "SELECT parent_asin FROM products WHERE parent_asin IN (SELECT value FROM json_each(?))";

async function knownProducts(sql: SqlExecutor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await sql.all({ sql: KNOWN_PRODUCTS_SQL, args: [JSON.stringify(ids)] });
  return new Set(found.map((r) => String(r[0])));
}

/**
 * Newly stored not_interested / hide / dislike events become lasting feedback: the user's (database) when
 * signed in, else the event's session's (SessionStore, session lifetime). A replayed event is not
 * re-applied, so an undo is never reverted by a client retrying the original event.
 */
async function recordNegativeFeedback(
  store: NegativeFeedbackStore,
  records: readonly EventRecord[],
  inserted: ReadonlySet<string>,
  userId: string | null,
): Promise<void> {
  const byActor = new Map<string, { sessionId: string | null; entries: NegativeEntry[] }>();
  for (const r of records) {
    if (!inserted.has(r.clientEventId) || !r.itemId || !isNegativeKind(r.type)) continue;
    const key = userId ? `u:${userId}` : `s:${r.sessionId}`;
    let group = byActor.get(key);
    if (!group) byActor.set(key, (group = { sessionId: r.sessionId, entries: [] }));
    group.entries.push({ productId: r.itemId, kind: r.type, createdAt: r.ts });
  }
  await Promise.all(
    [...byActor.values()].map((g) =>
      store.record(
        { userId, sessionId: g.sessionId },
        g.entries.sort((a, b) => a.createdAt - b.createdAt),
      ),
    ),
  );
}

/**
 * Session history keeps only item interactions; `hide` and `dislike` are stored as `not_interested` (the
 * port's vocabulary).
 */
async function appendToSessions(
  sessions: SessionStore,
  records: readonly EventRecord[],
  inserted: ReadonlySet<string>,
  userId: string | null,
): Promise<void> {
  const streams = new Map<string, SessionEvent[]>();
  const add = (id: string, ev: SessionEvent): void => {
    let list = streams.get(id);
    if (!list) streams.set(id, (list = []));
    list.push(ev);
  };
  for (const r of records) {
    if (!inserted.has(r.clientEventId) || !r.itemId || r.type === "impression") continue;
    const ev: SessionEvent = {
      itemId: r.itemId,
      type: r.type === "hide" || r.type === "dislike" ? "not_interested" : r.type,
      ts: r.ts,
    };
    if (r.sessionId) add(r.sessionId, ev);
    if (userId) add(userStreamId(userId), ev);
  }
  if (streams.size === 0) return;
  const batch: SessionAppend[] = [...streams].map(([sessionId, events]) => ({
    sessionId,
    events: events.sort((a, b) => a.ts - b.ts),
  }));
  await sessions.appendMany(batch);
}
