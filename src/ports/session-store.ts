/**
 * SessionStore port: short-lived, per-session interaction history for session-based recommendation,
 * plus a tiny key/value-with-TTL and counter API for rate limits and hot caches.
 *
 * Semantics every adapter honours (checked by test/ports/session-store.contract.ts):
 * - A session's history is a bounded list: only the newest `maxEvents` events are kept.
 * - Reads return events NEWEST FIRST (index 0 is the latest event). Recall code usually wants
 *   "the last few items", so newest-first lets it take a prefix without reversing.
 * - Every append refreshes the session's idle TTL (`ttlSeconds`); reads do not (as in Redis,
 *   where LRANGE does not touch EXPIRE). An expired session reads as empty.
 * - Keys of the key/value API and session ids live in separate namespaces.
 */

/** Interaction kinds recorded in a session (mirrors the event log). */
export type SessionEventType = "view" | "click" | "cart" | "favorite" | "purchase" | "not_interested";

export const SESSION_EVENT_TYPES: readonly SessionEventType[] = [
  "view",
  "click",
  "cart",
  "favorite",
  "purchase",
  "not_interested",
];

/** One interaction. */
export interface SessionEvent {
  itemId: string;
  type: SessionEventType;
  /** Unix milliseconds. */
  ts: number;
}

/** Events for one session, in the order they happened (oldest first). */
export interface SessionAppend {
  sessionId: string;
  events: readonly SessionEvent[];
}

/** Limits shared by all adapters. */
export interface SessionStoreLimits {
  /** Newest events kept per session (default 200). */
  maxEvents: number;
  /** Idle time-to-live of a session in seconds, refreshed on every append (default 1800). */
  ttlSeconds: number;
}

export const DEFAULT_SESSION_LIMITS: SessionStoreLimits = { maxEvents: 200, ttlSeconds: 1800 };

export type SessionStoreErrorCode =
  /** Caller passed something the contract forbids (empty id, bad TTL, malformed event). */
  | "invalid_argument"
  /** The backend rejected our credentials. */
  | "unauthorized"
  /** The backend could not be reached or is down; nothing was read or written. */
  | "unavailable"
  /** Stored data could not be decoded. */
  | "corrupt"
  /** Any other backend failure. */
  | "backend";

/** The only error type SessionStore adapters throw. */
export class SessionStoreError extends Error {
  override readonly name = "SessionStoreError";
  constructor(
    readonly code: SessionStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SessionStore {
  /** The limits this store enforces. */
  readonly limits: SessionStoreLimits;

  /**
   * Append events (oldest first) to a session, trim it to the newest `maxEvents` and refresh its TTL.
   * An empty `events` array is a no-op.
   */
  append(sessionId: string, events: readonly SessionEvent[]): Promise<void>;

  /** Same as `append` for many sessions in one backend round trip. */
  appendMany(batch: readonly SessionAppend[]): Promise<void>;

  /**
   * The newest `limit` events of a session (default and maximum: `maxEvents`), newest first.
   * A missing or expired session yields `[]`.
   */
  recent(sessionId: string, limit?: number): Promise<SessionEvent[]>;

  /** Remove a session's history. Returns whether it existed. */
  deleteSession(sessionId: string): Promise<boolean>;

  /**
   * Fixed-window counter: increments `key` and returns the new count. The TTL is set only when the
   * counter is created, so the window ends `ttlSeconds` after the first increment.
   */
  incrWithTtl(key: string, ttlSeconds: number): Promise<number>;

  /** Value stored under `key`, or null when missing or expired. */
  get(key: string): Promise<string | null>;

  /** Store `value` under `key` for `ttlSeconds` (overwrites value and TTL). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;

  /** Remove `key`. Returns whether it existed. */
  del(key: string): Promise<boolean>;
}
