/**
 * In-process VectorIndex: exact search over contiguous Float32Array storage. Built to stay fast at
 * 1M x 64: vectors live in one buffer that grows by doubling, are pre-normalised for cosine (so
 * search is a plain dot product), and payload fields are columns (Uint32 category codes, Uint8
 * availability) so a filtered search is still one pass with a cheap check before each dot product.
 * Deletes swap the last point into the hole, keeping storage dense.
 */
import {
  VectorIndexError,
  type CollectionInfo,
  type CollectionSpec,
  type SearchFilter,
  type SearchHit,
  type SearchOptions,
  type VectorIndex,
  type VectorPayload,
  type VectorPoint,
} from "../../ports/vector-index.js";
import { TopK } from "./topk.js";
import { checkK, checkPoint, checkSpec, checkVector, checkVersion } from "./validate.js";

export interface MemoryVectorIndexOptions {
  /** Points to allocate room for up front in every new collection (default 1024). */
  initialCapacity?: number;
}

class Collection {
  capacity: number;
  size = 0;
  vectors: Float32Array;
  ids: string[] = [];
  readonly slotOf = new Map<string, number>();
  category: Uint32Array;
  available: Uint8Array;
  price: Float64Array; // NaN = no price
  readonly categoryCode = new Map<string, number>();
  readonly categoryName: string[] = [];

  constructor(
    readonly spec: CollectionSpec,
    initialCapacity: number,
  ) {
    this.capacity = Math.max(1, initialCapacity);
    this.vectors = new Float32Array(this.capacity * spec.dimension);
    this.category = new Uint32Array(this.capacity);
    this.available = new Uint8Array(this.capacity);
    this.price = new Float64Array(this.capacity);
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const grown = <T extends Float32Array | Uint32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T, n: number): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.vectors = grown(this.vectors, (n) => new Float32Array(n), cap * this.spec.dimension);
    this.category = grown(this.category, (n) => new Uint32Array(n), cap);
    this.available = grown(this.available, (n) => new Uint8Array(n), cap);
    this.price = grown(this.price, (n) => new Float64Array(n), cap);
    this.capacity = cap;
  }

  upsert(point: VectorPoint): void {
    let slot = this.slotOf.get(point.id);
    if (slot === undefined) {
      if (this.size === this.capacity) this.grow();
      slot = this.size++;
      this.slotOf.set(point.id, slot);
      this.ids[slot] = point.id;
    }
    const d = this.spec.dimension;
    const base = slot * d;
    const v = point.vector;
    let scale = 1;
    if (this.spec.distance === "cosine") {
      let sq = 0;
      for (let j = 0; j < d; j++) sq += v[j] * v[j];
      scale = 1 / Math.sqrt(sq);
    }
    for (let j = 0; j < d; j++) this.vectors[base + j] = v[j] * scale;
    const { category, available, price } = point.payload;
    let code = this.categoryCode.get(category);
    if (code === undefined) {
      code = this.categoryName.length;
      this.categoryCode.set(category, code);
      this.categoryName.push(category);
    }
    this.category[slot] = code;
    this.available[slot] = available ? 1 : 0;
    this.price[slot] = price ?? Number.NaN;
  }

  delete(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const last = this.size - 1;
    if (slot !== last) {
      const d = this.spec.dimension;
      this.vectors.copyWithin(slot * d, last * d, last * d + d);
      this.category[slot] = this.category[last];
      this.available[slot] = this.available[last];
      this.price[slot] = this.price[last];
      const movedId = this.ids[last];
      this.ids[slot] = movedId;
      this.slotOf.set(movedId, slot);
    }
    this.ids.length = last;
    this.slotOf.delete(id);
    this.size = last;
  }

  payloadAt(slot: number): VectorPayload {
    const payload: VectorPayload = { category: this.categoryName[this.category[slot]], available: this.available[slot] === 1 };
    if (!Number.isNaN(this.price[slot])) payload.price = this.price[slot];
    return payload;
  }

  search(query: Float32Array, k: number, filter: SearchFilter | undefined): SearchHit[] {
    const d = this.spec.dimension;
    let q = query;
    if (this.spec.distance === "cosine") {
      let sq = 0;
      for (let j = 0; j < d; j++) sq += query[j] * query[j];
      const inv = 1 / Math.sqrt(sq);
      q = new Float32Array(d);
      for (let j = 0; j < d; j++) q[j] = query[j] * inv;
    }

    // Category filter as a lookup table over category codes: one byte read per candidate.
    let allowed: Uint8Array | undefined;
    if (filter?.categories) {
      allowed = new Uint8Array(this.categoryName.length);
      let any = false;
      for (const c of filter.categories) {
        const code = this.categoryCode.get(c);
        if (code !== undefined) {
          allowed[code] = 1;
          any = true;
        }
      }
      if (!any) return [];
    }
    const availableOnly = filter?.availableOnly === true;
    // Exclusions are few; they are checked only for candidates that would enter the top-k.
    const excluded = new Set<number>();
    for (const id of filter?.excludeIds ?? []) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) excluded.add(slot);
    }

    const heap = new TopK(k);
    const vectors = this.vectors;
    const category = this.category;
    const available = this.available;
    const n = this.size;
    const d4 = d - (d % 4);
    let threshold = -Infinity;
    // `base` advances by d per item and `p` by 4 inside: V8 generates markedly faster code for running
    // offsets than for `base + j` indexing (measured ~2x at 64 dims).
    for (let i = 0, base = 0; i < n; i++, base += d) {
      if (allowed !== undefined && allowed[category[i]] === 0) continue;
      if (availableOnly && available[i] === 0) continue;
      // Four accumulators break the dependency chain so the CPU can overlap the multiplies.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = base;
      let j = 0;
      for (; j < d4; j += 4, p += 4) {
        s0 += vectors[p] * q[j];
        s1 += vectors[p + 1] * q[j + 1];
        s2 += vectors[p + 2] * q[j + 2];
        s3 += vectors[p + 3] * q[j + 3];
      }
      for (; j < d; j++, p++) s0 += vectors[p] * q[j];
      const score = s0 + s1 + s2 + s3;
      if (score <= threshold) continue;
      if (excluded.size > 0 && excluded.has(i)) continue;
      heap.push(score, i);
      threshold = heap.threshold;
    }
    return heap.sorted().map(({ score, slot }) => ({ id: this.ids[slot], score, payload: this.payloadAt(slot) }));
  }
}

export class MemoryVectorIndex implements VectorIndex {
  private readonly collections = new Map<string, Collection>();
  private live: string | null = null;
  private readonly initialCapacity: number;

  constructor(options: MemoryVectorIndexOptions = {}) {
    this.initialCapacity = options.initialCapacity ?? 1024;
    if (!Number.isSafeInteger(this.initialCapacity) || this.initialCapacity < 1) {
      throw new VectorIndexError("invalid_argument", `initialCapacity must be a positive integer, got ${this.initialCapacity}`);
    }
  }

  async ensureCollection(version: string, spec: CollectionSpec): Promise<void> {
    checkVersion(version);
    checkSpec(spec);
    const existing = this.collections.get(version);
    if (existing) {
      if (existing.spec.dimension !== spec.dimension || existing.spec.distance !== spec.distance) {
        throw new VectorIndexError("conflict", `version ${version} exists with ${existing.spec.dimension}/${existing.spec.distance}, asked for ${spec.dimension}/${spec.distance}`);
      }
      return;
    }
    this.collections.set(version, new Collection({ dimension: spec.dimension, distance: spec.distance }, this.initialCapacity));
  }

  async upsert(version: string, points: readonly VectorPoint[]): Promise<void> {
    const c = this.get(version);
    for (const p of points) checkPoint(p, c.spec); // all or nothing
    for (const p of points) c.upsert(p);
  }

  async delete(version: string, ids: readonly string[]): Promise<void> {
    const c = this.get(version);
    for (const id of ids) c.delete(id);
  }

  async search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]> {
    checkK(options.k);
    const version = options.version ?? this.live;
    if (version === null) throw new VectorIndexError("not_found", "no live version: call setLive first or pass a version");
    const c = this.get(version);
    // Zero queries are rejected under both distances: they score every item 0.
    checkVector(query, { dimension: c.spec.dimension, distance: "cosine" }, "query");
    return c.search(query, options.k, options.filter);
  }

  async setLive(version: string): Promise<void> {
    this.get(version);
    this.live = version;
  }

  async liveVersion(): Promise<string | null> {
    return this.live;
  }

  async listVersions(): Promise<string[]> {
    return [...this.collections.keys()].sort();
  }

  async describe(version: string): Promise<CollectionInfo | null> {
    checkVersion(version);
    const c = this.collections.get(version);
    return c ? { version, ...c.spec, count: c.size } : null;
  }

  async dropVersion(version: string): Promise<boolean> {
    checkVersion(version);
    if (this.live === version) throw new VectorIndexError("conflict", `version ${version} is live: point live elsewhere before dropping it`);
    return this.collections.delete(version);
  }

  private get(version: string): Collection {
    checkVersion(version);
    const c = this.collections.get(version);
    if (!c) throw new VectorIndexError("not_found", `no collection for version ${version}`);
    return c;
  }
}
