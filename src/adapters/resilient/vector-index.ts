/**
 * A VectorIndex decorator for a remote index (Qdrant): a circuit breaker with a timeout around every call,
 * failures as VectorIndexError("unavailable"). The vector recall source then fails fast (the feed answers
 * from its other sources) while Qdrant is down, and uses Qdrant again after one successful probe.
 * Bulk writes (ensureCollection, upsert) get a longer timeout than searches. Web APIs only.
 */
import {
  CallTimeoutError,
  CircuitBreaker,
  CircuitOpenError,
  type CircuitBreakerOptions,
} from "../../lib/circuit-breaker";
import { backendDown } from "../../ports/backends";
import {
  VectorIndexError,
  type CollectionInfo,
  type CollectionSpec,
  type SearchHit,
  type SearchOptions,
  type VectorIndex,
  type VectorPoint,
} from "../../ports/vector-index";

export class ResilientVectorIndex implements VectorIndex {
  readonly breaker: CircuitBreaker;
  /** Upserts of 1,000 points and collection creation take longer than a search. */
  private readonly writes: CircuitBreaker;

  constructor(
    private readonly inner: VectorIndex,
    options: CircuitBreakerOptions = {},
  ) {
    const isFailure = (err: unknown) => backendDown(err) !== null;
    this.breaker = new CircuitBreaker({ isFailure, ...options });
    this.writes = new CircuitBreaker({ isFailure, ...options, timeoutMs: Math.max(options.timeoutMs ?? 2000, 30_000) });
  }

  private async run<T>(call: () => Promise<T>, breaker = this.breaker): Promise<T> {
    try {
      return await breaker.run(call);
    } catch (err) {
      if (err instanceof CircuitOpenError || err instanceof CallTimeoutError)
        throw new VectorIndexError("unavailable", `vector index unavailable: ${err.message}`, { cause: err });
      throw err;
    }
  }

  ensureCollection(version: string, spec: CollectionSpec): Promise<void> {
    return this.run(() => this.inner.ensureCollection(version, spec), this.writes);
  }
  upsert(version: string, points: readonly VectorPoint[]): Promise<void> {
    return this.run(() => this.inner.upsert(version, points), this.writes);
  }
  delete(version: string, ids: readonly string[]): Promise<void> {
    return this.run(() => this.inner.delete(version, ids), this.writes);
  }
  search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]> {
    return this.run(() => this.inner.search(query, options));
  }
  setLive(version: string): Promise<void> {
    return this.run(() => this.inner.setLive(version));
  }
  liveVersion(): Promise<string | null> {
    return this.run(() => this.inner.liveVersion());
  }
  listVersions(): Promise<string[]> {
    return this.run(() => this.inner.listVersions());
  }
  describe(version: string): Promise<CollectionInfo | null> {
    return this.run(() => this.inner.describe(version));
  }
  dropVersion(version: string): Promise<boolean> {
    return this.run(() => this.inner.dropVersion(version), this.writes);
  }
}
