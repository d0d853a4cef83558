/**
 * A SessionStore decorator for remote stores (Upstash): every call goes through a circuit breaker with a
 * timeout, so a dead or hung Redis costs a request at most `timeoutMs` (and, once the circuit is open,
 * nothing) instead of the client's retries, and a Redis that comes back is used again after one probe.
 * Failures leave as SessionStoreError("unavailable"), the port's own vocabulary, which the serving paths
 * degrade on (src/ports/backends.ts). Web APIs only.
 */
import {
  CallTimeoutError,
  CircuitBreaker,
  CircuitOpenError,
  type CircuitBreakerOptions,
} from "../../lib/circuit-breaker";
import { backendDown } from "../../ports/backends";
import {
  SessionStoreError,
  type SessionAppend,
  type SessionEvent,
  type SessionStore,
  type SessionStoreLimits,
} from "../../ports/session-store";

export class ResilientSessionStore implements SessionStore {
  readonly breaker: CircuitBreaker;

  constructor(
    private readonly inner: SessionStore,
    options: CircuitBreakerOptions = {},
  ) {
    this.breaker = new CircuitBreaker({ isFailure: (err) => backendDown(err) !== null, ...options });
  }

  get limits(): SessionStoreLimits {
    return this.inner.limits;
  }

  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.run(call);
    } catch (err) {
      if (err instanceof CircuitOpenError || err instanceof CallTimeoutError)
        throw new SessionStoreError("unavailable", `session store unavailable: ${err.message}`, { cause: err });
      throw err;
    }
  }

  append(sessionId: string, events: readonly SessionEvent[]): Promise<void> {
    return this.run(() => this.inner.append(sessionId, events));
  }
  appendMany(batch: readonly SessionAppend[]): Promise<void> {
    return this.run(() => this.inner.appendMany(batch));
  }
  recent(sessionId: string, limit?: number): Promise<SessionEvent[]> {
    return this.run(() => this.inner.recent(sessionId, limit));
  }
  deleteSession(sessionId: string): Promise<boolean> {
    return this.run(() => this.inner.deleteSession(sessionId));
  }
  incrWithTtl(key: string, ttlSeconds: number): Promise<number> {
    return this.run(() => this.inner.incrWithTtl(key, ttlSeconds));
  }
  get(key: string): Promise<string | null> {
    return this.run(() => this.inner.get(key));
  }
  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.run(() => this.inner.set(key, value, ttlSeconds));
  }
  del(key: string): Promise<boolean> {
    return this.run(() => this.inner.del(key));
  }
}
