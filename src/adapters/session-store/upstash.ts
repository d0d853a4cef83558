/**
 * SessionStore over Upstash Redis (REST, fetch-based: runs in workerd and Node).
 *
 * Layout: a session is a Redis list `<prefix>s:<sessionId>` with the newest event at the head
 * (LPUSH), trimmed with LTRIM and given a fresh EXPIRE in the same pipeline, so an append is one
 * HTTP round trip. Key/value entries live under `<prefix>k:<key>`.
 */
import { Redis } from "@upstash/redis/cloudflare";
import {
  SessionStoreError,
  type SessionAppend,
  type SessionEvent,
  type SessionStore,
  type SessionStoreLimits,
} from "../../ports/session-store.js";
import {
  checkBatch,
  checkKey,
  checkPositiveInt,
  decodeEvent,
  encodeEvent,
  resolveLimits,
  resolveReadLimit,
} from "./validate.js";

export interface UpstashSessionStoreOptions extends Partial<SessionStoreLimits> {
  /** REST URL, e.g. https://eu1-xyz.upstash.io */
  url: string;
  token: string;
  /** Namespace for every key this store writes (default "rc:"). */
  keyPrefix?: string;
  /**
   * Retries of network errors (not of error replies). Session history feeds a recall source that has
   * a time budget, so the default is short: 2 retries at 50 ms and 100 ms. `false` = one retry only
   * (the client's own minimum).
   */
  retry?: false | { retries: number; backoffMs?: (attempt: number) => number };
}

export class UpstashSessionStore implements SessionStore {
  readonly limits: SessionStoreLimits;
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: UpstashSessionStoreOptions) {
    this.limits = resolveLimits(options);
    this.prefix = options.keyPrefix ?? "rc:";
    const retry = options.retry ?? { retries: 2 };
    this.redis = new Redis({
      url: options.url,
      token: options.token,
      // Values are our own JSON; never let the client guess-parse them (it turns "123" into 123).
      automaticDeserialization: false,
      enableTelemetry: false,
      retry:
        retry === false
          ? false
          : { retries: retry.retries, backoff: retry.backoffMs ?? ((attempt: number) => 50 * 2 ** attempt) },
    });
  }

  async append(sessionId: string, events: readonly SessionEvent[]): Promise<void> {
    await this.appendMany([{ sessionId, events }]);
  }

  async appendMany(batch: readonly SessionAppend[]): Promise<void> {
    checkBatch(batch);
    const nonEmpty = batch.filter((b) => b.events.length > 0);
    if (nonEmpty.length === 0) return;
    const p = this.redis.pipeline();
    for (const { sessionId, events } of nonEmpty) {
      const key = this.sessionKey(sessionId);
      // LPUSH a b c leaves c at the head: events arrive oldest first, so the newest ends up first.
      const [first, ...rest] = events.map(encodeEvent);
      p.lpush(key, first, ...rest);
      p.ltrim(key, 0, this.limits.maxEvents - 1);
      p.expire(key, this.limits.ttlSeconds);
    }
    await this.run(() => p.exec());
  }

  async recent(sessionId: string, limit?: number): Promise<SessionEvent[]> {
    checkKey(sessionId, "sessionId");
    const n = resolveReadLimit(limit, this.limits);
    const raw = await this.run(() => this.redis.lrange<string>(this.sessionKey(sessionId), 0, n - 1));
    return raw.map(decodeEvent);
  }

  async deleteSession(sessionId: string): Promise<boolean> {
    checkKey(sessionId, "sessionId");
    return (await this.run(() => this.redis.del(this.sessionKey(sessionId)))) > 0;
  }

  async incrWithTtl(key: string, ttlSeconds: number): Promise<number> {
    checkKey(key, "key");
    checkPositiveInt(ttlSeconds, "ttlSeconds");
    const k = this.kvKey(key);
    // MULTI so the counter can never exist without its TTL; NX keeps the window fixed.
    const tx = this.redis.multi();
    tx.incr(k);
    tx.expire(k, ttlSeconds, "NX");
    const [count] = await this.run(() => tx.exec<[number, number]>());
    return count;
  }

  async get(key: string): Promise<string | null> {
    checkKey(key, "key");
    const value = await this.run(() => this.redis.get<string | number>(this.kvKey(key)));
    return value === null ? null : String(value);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    checkKey(key, "key");
    checkPositiveInt(ttlSeconds, "ttlSeconds");
    if (typeof value !== "string") throw new SessionStoreError("invalid_argument", "value must be a string");
    await this.run(() => this.redis.set(this.kvKey(key), value, { ex: ttlSeconds }));
  }

  async del(key: string): Promise<boolean> {
    checkKey(key, "key");
    return (await this.run(() => this.redis.del(this.kvKey(key)))) > 0;
  }

  private sessionKey(id: string): string {
    return `${this.prefix}s:${id}`;
  }

  private kvKey(key: string): string {
    return `${this.prefix}k:${key}`;
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (cause) {
      throw toSessionStoreError(cause);
    }
  }
}

/**
 * Classifies client failures. The Upstash client only exposes the server's error text (not the HTTP
 * status), so error replies are classified by message; anything that is not an error reply (fetch
 * rejected after retries) means the service is unreachable.
 */
export function toSessionStoreError(cause: unknown): SessionStoreError {
  if (cause instanceof SessionStoreError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const isReply = cause instanceof Error && cause.name.startsWith("Upstash");
  if (!isReply) return new SessionStoreError("unavailable", `Upstash Redis unreachable: ${message}`, { cause });
  if (/unauthori[sz]ed|WRONGPASS|invalid.*token|NOAUTH/i.test(message)) {
    return new SessionStoreError("unauthorized", `Upstash Redis rejected the token: ${message}`, { cause });
  }
  if (/not an integer/i.test(message)) {
    return new SessionStoreError("invalid_argument", `Upstash Redis: ${message}`, { cause });
  }
  if (/unavailable|ECONNREFUSED|ECONNRESET|LOADING|connection (closed|lost|refused)/i.test(message)) {
    return new SessionStoreError("unavailable", `Upstash Redis unavailable: ${message}`, { cause });
  }
  return new SessionStoreError("backend", `Upstash Redis error: ${message}`, { cause });
}
