/**
 * A start-up task shared by everything in one isolate/process: concurrent callers await the same attempt,
 * a success is kept for good, a failure is not: the next call after the back-off tries again, earlier calls
 * get the last error without doing any I/O. The back-off starts at `retryAfterMs` and doubles with each
 * consecutive failure up to `maxRetryAfterMs`, so a persistent fault (nothing published, a damaged artifact)
 * is not re-read from the database every few seconds. Used by the api Worker to load recommendation models
 * lazily and once per isolate.
 */
export class RetryingOnce<T> {
  private result: { value: T } | null = null;
  private pending: Promise<T> | null = null;
  private failure: { at: number; error: unknown; count: number } | null = null;
  private readonly now: () => number;

  constructor(
    private readonly task: () => Promise<T>,
    private readonly options: { retryAfterMs: number; maxRetryAfterMs?: number; now?: () => number },
  ) {
    this.now = options.now ?? Date.now;
  }

  get done(): boolean {
    return this.result !== null;
  }

  /** The last failure, while no attempt has succeeded. */
  get lastError(): unknown {
    return this.failure?.error;
  }

  private backoff(failures: number): number {
    const max = this.options.maxRetryAfterMs ?? this.options.retryAfterMs;
    return Math.min(max, this.options.retryAfterMs * 2 ** Math.min(30, failures - 1));
  }

  get(): Promise<T> {
    if (this.result) return Promise.resolve(this.result.value);
    if (this.pending) return this.pending;
    if (this.failure && this.now() - this.failure.at < this.backoff(this.failure.count))
      return Promise.reject(this.failure.error);
    const attempt = this.task().then(
      (value) => {
        this.result = { value };
        this.failure = null;
        return value;
      },
      (error: unknown) => {
        this.failure = { at: this.now(), error, count: (this.failure?.count ?? 0) + 1 };
        throw error;
      },
    );
    this.pending = attempt.finally(() => {
      this.pending = null;
    });
    return this.pending;
  }
}
