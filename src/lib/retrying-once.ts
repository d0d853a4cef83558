/**
 * A start-up task shared by everything in one isolate/process: concurrent callers await the same attempt,
 * a success is kept for good, a failure is not (the next call after `retryAfterMs` tries again, earlier
 * calls get the last error without doing any I/O). Used by the api Worker to load recommendation models
 * lazily and once per isolate.
 */
export class RetryingOnce<T> {
  private result: { value: T } | null = null;
  private pending: Promise<T> | null = null;
  private failure: { at: number; error: unknown } | null = null;
  private readonly now: () => number;

  constructor(
    private readonly task: () => Promise<T>,
    private readonly options: { retryAfterMs: number; now?: () => number },
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

  get(): Promise<T> {
    if (this.result) return Promise.resolve(this.result.value);
    if (this.pending) return this.pending;
    if (this.failure && this.now() - this.failure.at < this.options.retryAfterMs) return Promise.reject(this.failure.error);
    const attempt = this.task().then(
      (value) => {
        this.result = { value };
        this.failure = null;
        return value;
      },
      (error: unknown) => {
        this.failure = { at: this.now(), error };
        throw error;
      },
    );
    this.pending = attempt.finally(() => {
      this.pending = null;
    });
    return this.pending;
  }
}
