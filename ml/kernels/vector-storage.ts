/**
 * Row storage of one collection's vectors (capacity x d float32, row-major) and the scoring of a query
 * against it.
 *
 * Backend "wasm-simd": the rows live in a WebAssembly.Memory, scored by the scan kernel (scan.wat, scan.ts)
 * up to CHUNK rows per call into reusable buffers: `scores` (float64) and `hits` (the row's position in
 * the call) of the rows that beat the heap threshold given; the caller then does the filter, exclusion and
 * heap work on those (src/adapters/vector-index/memory.ts, src/recsys/feed/rerank.ts). Backend "js": a plain
 * Float32Array, scored by the callers' JS loops. Both give bit-identical scores. "js" is used where the
 * runtime has no wasm SIMD, when asked for (`backend: "js"`), or after the memory could not grow (the rows
 * are then copied out once). On Node and in workerd the kernel is available (load.ts).
 *
 * Memory layout (byte offsets): q (d float64) | scores (CHUNK float64) | hits (CHUNK int32) |
 * slots (CHUNK int32) | rows (capacity x d float32) | centroids (nlist x d float32, the IVF lists' centroids).
 *
 * `vectors` is a view: growing the memory detaches the old buffer, so every view is re-created after a
 * grow and callers must read `storage.vectors` again after `resize` (never keep it across one).
 */
import { scanKernel, type ScanKernel } from "./scan.js";

export type ScanBackend = "wasm-simd" | "js";

/** Rows per kernel call (the scores and slots buffers). Lists are ~sqrt(N) rows, so most are one call. */
export const CHUNK = 1024;

const PAGE = 65536;

interface Wasm {
  memory: WebAssembly.Memory;
  kernel: ScanKernel;
  qOff: number;
  scoresOff: number;
  hitsOff: number;
  slotsOff: number;
  rowsOff: number;
}

export class VectorStorage {
  backend: ScanBackend;
  /** capacity x d floats (a view into the wasm memory for "wasm-simd"): re-read after resize(). */
  vectors: Float32Array;
  /** Kernel output, float64 (wasm only; empty for "js"). */
  scores: Float64Array = new Float64Array(0);
  /** Kernel output: position (in the call's rows) of each kept score (wasm only; empty for "js"). */
  hits: Int32Array = new Int32Array(0);
  /** Kernel input for scoreSlots(): slot numbers (wasm only; empty for "js"). */
  slots: Int32Array = new Int32Array(0);
  private wasm: Wasm | null = null;
  private q: Float64Array = new Float64Array(0);
  /** The centroids last given to setCentroids (copied into the memory after the rows). */
  private centroids: Float32Array | null = null;
  private centroidView: Float32Array = new Float32Array(0);

  constructor(
    readonly d: number,
    public capacity: number,
    want: ScanBackend,
  ) {
    if (want === "wasm-simd") {
      const qOff = 0;
      const scoresOff = align16(d * 8);
      const hitsOff = scoresOff + CHUNK * 8;
      const slotsOff = hitsOff + CHUNK * 4;
      const rowsOff = slotsOff + CHUNK * 4;
      let memory: WebAssembly.Memory | undefined;
      try {
        memory = new WebAssembly.Memory({ initial: Math.ceil((rowsOff + capacity * d * 4) / PAGE) });
      } catch {
        // no memory of that size: the JS backend below
      }
      const kernel = memory && scanKernel(memory, d);
      if (memory && kernel) this.wasm = { memory, kernel, qOff, scoresOff, hitsOff, slotsOff, rowsOff };
    }
    this.backend = this.wasm === null ? "js" : "wasm-simd";
    this.vectors = this.wasm === null ? new Float32Array(capacity * d) : new Float32Array(0);
    this.views();
  }

  /** Room for `capacity` rows, keeping rows 0..min(old, new capacity)-1. */
  resize(capacity: number): void {
    const d = this.d;
    const w = this.wasm;
    if (w !== null) {
      const need = w.rowsOff + capacity * d * 4 + (this.centroids?.length ?? 0) * 4;
      try {
        if (need > w.memory.buffer.byteLength) w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / PAGE));
        this.capacity = capacity;
        this.views();
        return;
      } catch {
        // Beyond the wasm32 address space (4 GB) or out of memory: continue with the JS backend.
        this.toJs();
      }
    }
    const next = new Float32Array(capacity * d);
    next.set(this.vectors.subarray(0, Math.min(this.vectors.length, next.length)));
    this.vectors = next;
    this.capacity = capacity;
  }

  /** Copies the IVF centroids (nlist x d) next to the rows so scoreCentroids can use the kernel; null drops them. */
  setCentroids(centroids: Float32Array | null): void {
    this.centroids = centroids;
    if (this.wasm !== null) this.resize(this.capacity); // makes room and copies them
  }

  /** Writes the query (float32 values, d of them) for the next score* calls (wasm only). */
  setQuery(q: Float32Array): void {
    const qv = this.q;
    for (let j = 0; j < this.d; j++) qv[j] = q[j];
  }

  /**
   * Scores rows from..from+n-1 (n ≤ CHUNK) and keeps, in order, those whose score s has !(s <= thr):
   * scores[c] = s of row from + hits[c], for c < the returned count (wasm only).
   */
  scoreRange(from: number, n: number, thr: number): number {
    const w = this.wasm as Wasm;
    return w.kernel.range(w.rowsOff + from * this.d * 4, w.qOff, w.scoresOff, w.hitsOff, n, thr);
  }

  /** As scoreRange for rows slots[0..n-1]: scores[c] is the score of row slots[hits[c]] (wasm only). */
  scoreSlots(n: number, thr: number): number {
    const w = this.wasm as Wasm;
    return w.kernel.gather(w.rowsOff, w.qOff, w.slotsOff, w.scoresOff, w.hitsOff, n, thr);
  }

  /** out[l] = q · centroid l for every centroid given to setCentroids (wasm only). */
  scoreCentroids(out: Float64Array): void {
    const w = this.wasm as Wasm;
    const n = this.centroidView.length / this.d;
    const base = w.rowsOff + this.capacity * this.d * 4;
    for (let from = 0; from < n; from += CHUNK) {
      const m = Math.min(CHUNK, n - from);
      w.kernel.range(base + from * this.d * 4, w.qOff, w.scoresOff, w.hitsOff, m, -Infinity); // keeps all m, in order
      out.set(this.scores.subarray(0, m), from);
    }
  }

  /** Whether scoreCentroids covers these centroids (wasm backend and the same array given to setCentroids). */
  hasCentroids(centroids: Float32Array): boolean {
    return this.wasm !== null && this.centroids === centroids;
  }

  /** Bytes of the wasm memory (0 for "js"). */
  get memoryBytes(): number {
    return this.wasm?.memory.buffer.byteLength ?? 0;
  }

  private toJs(): void {
    this.vectors = this.vectors.slice(); // copy out of the memory
    this.wasm = null;
    this.backend = "js";
    this.views();
  }

  /** (Re)creates every view after construction or a grow (which detaches the old buffer). */
  private views(): void {
    const w = this.wasm;
    if (w === null) {
      this.q = new Float64Array(0);
      this.scores = new Float64Array(0);
      this.hits = new Int32Array(0);
      this.slots = new Int32Array(0);
      this.centroidView = new Float32Array(0);
      return;
    }
    const buf = w.memory.buffer;
    const d = this.d;
    this.q = new Float64Array(buf, w.qOff, d);
    this.scores = new Float64Array(buf, w.scoresOff, CHUNK);
    this.hits = new Int32Array(buf, w.hitsOff, CHUNK);
    this.slots = new Int32Array(buf, w.slotsOff, CHUNK);
    this.vectors = new Float32Array(buf, w.rowsOff, this.capacity * d);
    const c = this.centroids;
    this.centroidView = new Float32Array(buf, w.rowsOff + this.capacity * d * 4, c?.length ?? 0);
    if (c !== null) this.centroidView.set(c);
  }
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;
