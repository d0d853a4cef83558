/**
 * In-process SessionStore: the embedded default. Same semantics as the Redis adapter, memory bounded:
 * expired entries are dropped, and the number of sessions and keys is capped (least recently
 * written evicted first). Uses only plain JS so it runs in workerd too.
 */
import {
  SessionStoreError,
  type SessionAppend,
  type SessionEvent,
  type SessionStore,
  type SessionStoreLimits,
} from "../../ports/session-store.js";
import { checkBatch, checkKey, checkPositiveInt, resolveLimits, resolveReadLimit } from "./validate.js";

export interface MemorySessionStoreOptions extends Partial<SessionStoreLimits> {
  /** Most sessions held at once (default 100 000). */
  maxSessions?: number;
  /** Most key/value entries held at once (default 100 000). */
  maxKeys?: number;
  /** Unix ms clock; inject a fake one in tests. */
  now?: () => number;
}

interface SessionEntry {
  /** Oldest first internally; reversed on read. */
  events: SessionEvent[];
  expiresAt: number;
}

interface KvEntry {
  value: string;
  expiresAt: number;
}

export class MemorySessionStore implements SessionStore {
  readonly limits: SessionStoreLimits;
  private readonly maxSessions: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  // Map iteration order = order of last write. Every write refreshes the TTL by the same amount, so
  // this is also expiry order: the front holds the sessions that expire (or get evicted) first.
  private readonly sessions = new Map<string, SessionEntry>();
  // Key TTLs differ per key, so order here is only write order; a periodic full sweep drops the rest.
  private readonly kv = new Map<string, KvEntry>();
  private kvWritesSinceSweep = 0;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.limits = resolveLimits(options);
    this.maxSessions = options.maxSessions ?? 100_000;
    this.maxKeys = options.maxKeys ?? 100_000;
    checkPositiveInt(this.maxSessions, "maxSessions");
    checkPositiveInt(this.maxKeys, "maxKeys");
    this.now = options.now ?? Date.now;
  }

  /** Number of live (unexpired) sessions held; for tests and metrics. */
  get sessionCount(): number {
    this.sweepSessions(this.now());
    return this.sessions.size;
  }

  async append(sessionId: string, events: readonly SessionEvent[]): Promise<void> {
    await this.appendMany([{ sessionId, events }]);
  }

  async appendMany(batch: readonly SessionAppend[]): Promise<void> {
    checkBatch(batch); // validate everything first so a bad item leaves nothing half-written
    const now = this.now();
    this.sweepSessions(now);
    for (const { sessionId, events } of batch) {
      if (events.length === 0) continue;
      const existing = this.liveSession(sessionId, now);
      const list = existing?.events ?? [];
      for (const e of events) list.push({ itemId: e.itemId, type: e.type, ts: e.ts });
      if (list.length > this.limits.maxEvents) list.splice(0, list.length - this.limits.maxEvents);
      this.sessions.delete(sessionId); // re-insert at the back: most recently written
      this.sessions.set(sessionId, { events: list, expiresAt: now + this.limits.ttlSeconds * 1000 });
    }
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
  }

  async recent(sessionId: string, limit?: number): Promise<SessionEvent[]> {
    checkKey(sessionId, "sessionId");
    const n = resolveReadLimit(limit, this.limits);
    const entry = this.liveSession(sessionId, this.now());
    if (!entry) return [];
    const out: SessionEvent[] = [];
    for (let i = entry.events.length - 1; i >= 0 && out.length < n; i--) out.push({ ...entry.events[i] });
    return out;
  }

  async deleteSession(sessionId: string): Promise<boolean> {
    checkKey(sessionId, "sessionId");
    const existed = this.liveSession(sessionId, this.now()) !== undefined;
    this.sessions.delete(sessionId);
    return existed;
  }

  async incrWithTtl(key: string, ttlSeconds: number): Promise<number> {
    checkKey(key, "key");
    checkPositiveInt(ttlSeconds, "ttlSeconds");
    const now = this.now();
    const entry = this.liveKv(key, now);
    if (!entry) {
      this.putKv(key, { value: "1", expiresAt: now + ttlSeconds * 1000 });
      return 1;
    }
    const current = Number(entry.value);
    if (!Number.isSafeInteger(current) || String(current) !== entry.value) {
      throw new SessionStoreError("invalid_argument", `value at key ${key} is not an integer counter`);
    }
    entry.value = String(current + 1); // keeps the original expiry: fixed window
    return current + 1;
  }

  async get(key: string): Promise<string | null> {
    checkKey(key, "key");
    return this.liveKv(key, this.now())?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    checkKey(key, "key");
    checkPositiveInt(ttlSeconds, "ttlSeconds");
    if (typeof value !== "string") throw new SessionStoreError("invalid_argument", "value must be a string");
    this.kv.delete(key);
    this.putKv(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async del(key: string): Promise<boolean> {
    checkKey(key, "key");
    const existed = this.liveKv(key, this.now()) !== undefined;
    this.kv.delete(key);
    return existed;
  }

  private liveSession(id: string, now: number): SessionEntry | undefined {
    const entry = this.sessions.get(id);
    if (entry && entry.expiresAt <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    return entry;
  }

  private liveKv(key: string, now: number): KvEntry | undefined {
    const entry = this.kv.get(key);
    if (entry && entry.expiresAt <= now) {
      this.kv.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweepSessions(now: number): void {
    for (const [id, entry] of this.sessions) {
      if (entry.expiresAt > now) break; // everything behind it expires later
      this.sessions.delete(id);
    }
  }

  private putKv(key: string, entry: KvEntry): void {
    this.kv.set(key, entry);
    // Full sweep at most once per maxKeys writes: amortised O(1) per write.
    if (++this.kvWritesSinceSweep >= this.maxKeys) {
      this.kvWritesSinceSweep = 0;
      const now = this.now();
      for (const [k, e] of this.kv) if (e.expiresAt <= now) this.kv.delete(k);
    }
    while (this.kv.size > this.maxKeys) {
      const oldest = this.kv.keys().next().value as string;
      this.kv.delete(oldest);
    }
  }
}
