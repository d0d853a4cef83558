import type { EventType as TableEventType } from "../db/schema/marketplace";

/**
 * Event log port: every interaction the recommender learns from goes through here, written by the routes
 * (views, cart, favorites, orders: `record`) and by recsys (POST /v1/events, feed impressions: `append`), and
 * read back by recsys to train and update models. One adapter: the app database's `events` table
 * (src/adapters/event-log/libsql.ts).
 */

/** Event kinds accepted by POST /v1/events (`impression` is written by the feed itself). */
export const EVENT_TYPES = [
  "view",
  "click",
  "cart",
  "favorite",
  "purchase",
  "not_interested",
  "hide",
  "dislike",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type LoggedEventType = EventType | "impression";

/** One event as serving writes it to the event log. */
export interface EventRecord {
  /** Client-chosen id; (actor, clientEventId) is the idempotency key. */
  clientEventId: string;
  type: LoggedEventType;
  /** Catalog product (parent_asin); resolved from the listing when only a listing id was sent. */
  itemId: string | null;
  listingId: string | null;
  userId: string | null;
  sessionId: string | null;
  /** Unix ms when it happened (client time, clamped to the server's clock). */
  ts: number;
  context: Record<string, unknown> | null;
}

export interface AppendResult {
  /** clientEventIds written now. */
  inserted: string[];
  /** clientEventIds already present (idempotent replays). */
  duplicates: string[];
}

/** A logged event with the log's own sequence number (monotonic), for incremental model updates. */
export interface StoredEvent extends EventRecord {
  seq: number;
}

/** A server-side event as the routes record it (the `events` table's own vocabulary). */
export interface NewEvent {
  type: TableEventType;
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

export interface EventLog {
  /**
   * Server-side events in the table's vocabulary (`cart_add`, …): stores them and returns how many were new
   * (an event whose clientEventId is already stored is skipped).
   */
  record(events: NewEvent[]): Promise<number>;
  /**
   * API events (POST /v1/events, the feed's impressions): idempotent per (actor, clientEventId); says which
   * were written now and which were already there.
   */
  append(events: readonly EventRecord[]): Promise<AppendResult>;
  /**
   * Events with seq > `afterSeq`, oldest first, at most `limit`; with `types`, only those types are returned
   * (filtered in the store, so the impressions every feed page logs are never read back).
   * `scannedTo` is the seq to resume after: past skipped events too, so the next call never re-reads them;
   * `more` says whether the limit cut the read short.
   */
  since(
    afterSeq: number,
    limit: number,
    types?: readonly LoggedEventType[],
  ): Promise<{ events: StoredEvent[]; scannedTo: number; more: boolean }>;
  /** A user's newest events (newest first), for long-term history and exclusions. */
  recentForUser(userId: string, limit: number): Promise<StoredEvent[]>;
}
