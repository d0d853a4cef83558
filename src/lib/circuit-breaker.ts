/**
 * A small circuit breaker for the remote backends (Upstash, Qdrant): after `failureThreshold` failures in a
 * row the circuit opens and calls fail at once (no request piles up behind a dead backend, no retry storm);
 * after `cooldownMs` one call goes through as a probe (half-open): its success closes the circuit, its failure
 * opens it for another cooldown. So a backend that comes back is used again without a restart.
 *
 * Hand-written (about 80 lines) rather than cockatiel, the library made for this: cockatiel 4 needs Node 22
 * (this repo pins Node 20), and cockatiel 3.2's half-open state queues every concurrent caller behind the probe
 * (CircuitBreakerPolicy.execute awaits `state.test`, up to the probe's timeout) where a low-latency API needs
 * them to fail fast and answer degraded. Its clock is also `Date.now()` only, and readiness reports need the
 * half-open state read without a call. Web APIs only: runs in workerd and Node alike.
 */

export type BreakerState = "closed" | "open" | "half_open";

/** Thrown instead of calling the backend while the circuit is open (or a probe is already in flight). */
export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
}

/** Thrown when a call takes longer than `timeoutMs`; counts as a failure. */
export class CallTimeoutError extends Error {
  override readonly name = "CallTimeoutError";
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 3). */
  failureThreshold?: number;
  /** How long an open circuit fails fast before letting one probe through (default 2000 ms). */
  cooldownMs?: number;
  /** Longest wait for one call; later it fails with CallTimeoutError (default 2000 ms). */
  timeoutMs?: number;
  /** Which errors say "the backend is down" (default: all). Others pass through and count as successes. */
  isFailure?: (err: unknown) => boolean;
  now?: () => number;
  /** Told on every state change, with the error that caused an opening. */
  onStateChange?: (state: BreakerState, cause?: unknown) => void;
}

export class CircuitBreaker {
  private current: BreakerState = "closed";
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  /** The error that opened the circuit (for readiness reports and logs). */
  lastError: unknown = null;

  constructor(private readonly o: CircuitBreakerOptions = {}) {}

  get state(): BreakerState {
    if (this.current === "open" && this.now() - this.openedAt >= (this.o.cooldownMs ?? 2000)) return "half_open";
    return this.current;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === "open" || (state === "half_open" && this.probing)) {
      throw new CircuitOpenError(`circuit open after ${this.failures} failures: ${describe(this.lastError)}`);
    }
    const probe = state === "half_open";
    if (probe) this.probing = true;
    try {
      const result = await this.withTimeout(call);
      this.succeeded();
      return result;
    } catch (err) {
      if (this.o.isFailure && !this.o.isFailure(err) && !(err instanceof CallTimeoutError)) this.succeeded();
      else this.failed(err, probe);
      throw err;
    } finally {
      if (probe) this.probing = false;
    }
  }

  private withTimeout<T>(call: () => Promise<T>): Promise<T> {
    const ms = this.o.timeoutMs ?? 2000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallTimeoutError(`no answer within ${ms} ms`)), ms);
    });
    return Promise.race([call(), late]).finally(() => clearTimeout(timer));
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.current !== "closed") {
      this.current = "closed";
      this.lastError = null;
      this.o.onStateChange?.("closed");
    }
  }

  private failed(err: unknown, probe: boolean): void {
    this.failures++;
    this.lastError = err;
    if (probe || (this.current === "closed" && this.failures >= (this.o.failureThreshold ?? 3))) {
      const wasOpen = this.current === "open";
      this.current = "open";
      this.openedAt = this.now();
      if (!wasOpen) this.o.onStateChange?.("open", err);
    }
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err ?? "unknown error"));
