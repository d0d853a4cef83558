/**
 * Client-side rate limit: a token bucket (`ratePerSecond` refill, `capacity` burst). Hand-written (about 30
 * lines) because the dependency tree has no rate limiter, and the well-known ones either schedule on
 * Node timers and long-lived state (bottleneck, unmaintained since 2019) or cover far more than one bucket;
 * this needs only Date-like time and a sleep, which workerd and Node both have. Clock and sleep are injected
 * so tests run without waiting.
 */
export interface TokenBucketOptions {
  ratePerSecond: number;
  capacity: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: TokenBucketOptions) {
    if (!(o.ratePerSecond > 0) || !(o.capacity >= 1)) throw new RangeError("token bucket: rate > 0 and capacity >= 1");
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? realSleep;
    this.tokens = o.capacity;
    this.last = this.now();
  }

  /** Waits until a token is available, then takes it. Returns the ms waited. */
  async take(): Promise<number> {
    let waited = 0;
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.o.capacity, this.tokens + ((t - this.last) / 1000) * this.o.ratePerSecond);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return waited;
      }
      const ms = Math.ceil(((1 - this.tokens) / this.o.ratePerSecond) * 1000);
      waited += ms;
      await this.sleep(ms);
    }
  }
}
