/**
 * WebAssembly SIMD scoring kernel for the in-process vector index: dot products of one query against
 * rows of float32 vectors held in a WebAssembly.Memory, written as float64 scores.
 *
 * Same bits as the JS scan in memory.ts, not just the same ranking. The JS loop widens every float to
 * double, keeps four partial sums s0..s3 over feature f mod 4 (the d mod 4 tail features all go to s0,
 * after the 4-wide part) and returns ((s0 + s1) + s2) + s3. The kernel keeps the same four sums as two
 * f64x2 pairs (s0,s1) and (s2,s3), starts them at +0 as JS does (0 + -0 is +0), widens the vectors
 * exactly (f64x2.promote_low_f32x4; the query is stored as float64, widened exactly from its float32),
 * multiplies (a float32 x float32 product is exact in double, and wasm SIMD has no fused multiply-add),
 * adds in the same order per sum, does the tail in scalar f64 into s0 and finishes with the same scalar
 * additions. test/lib/simd/scan-kernel.test.ts compares both bit-for-bit.
 *
 * One module per dimension d (compiled once per process and cached, ~0.3 KB): d is a constant, the
 * feature loop does UNROLL blocks of 4 floats per iteration, the d mod 4 tail is straight-line code.
 *
 * Exports (all pointers are byte offsets into the imported memory; q is d float64, out float64, hits int32):
 *   range(vec, q, out, hits, n, thr): scores rows vec + t·4d, t < n            (contiguous slots)
 *   gather(vec, q, slots, out, hits, n, thr): scores rows vec + slots[t]·4d    (slots: int32, e.g. filter passes)
 * Both keep only the rows whose score s passes !(s <= thr), in order: out[c] = s, hits[c] = t, and return
 * their count c. thr is the heap's threshold when the call starts; it only rises during the chunk, so a row
 * dropped here would also fail the JS loop's `score <= threshold` test (same NaN behaviour: NaN passes).
 * With thr = -Infinity every row is kept and out[t] is row t's score.
 *
 * Where WebAssembly SIMD is missing, or compiling from bytes is refused (workerd forbids
 * `new WebAssembly.Module(bytes)` at run time), `scanKernelModule` returns undefined and the index uses
 * the JS loop: same results, slower.
 */
import {
  f64x2Add,
  f64x2Mul,
  get,
  i32c,
  lane,
  name,
  promoteLow,
  section,
  set,
  simd,
  tee,
  uleb,
  v128Zero,
  withLength,
} from "./wasm-encoding.js";

/**
 * Blocks of 4 features per feature-loop iteration. Measured at 16k x 64 (range, median of 400 calls in one
 * process): 1 and 2 blocks 0.18 ms, 4 blocks 0.19 ms, 16 (the whole row, no loop) 0.24 ms; a fully
 * unrolled row with constant offsets was 0.27-0.39 ms, and scoring two rows per iteration (interleaved
 * chains) gained nothing over one: the CPU already overlaps consecutive rows.
 */
const UNROLL = 2;

const compiled = new Map<number, WebAssembly.Module | null>();

/** The compiled kernel for dimension d, or undefined where wasm SIMD or runtime compilation is unavailable. */
export function scanKernelModule(d: number): WebAssembly.Module | undefined {
  let m = compiled.get(d);
  if (m === undefined) {
    try {
      const bytes = scanKernelBytes(d);
      m = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      m = null;
    }
    compiled.set(d, m);
  }
  return m ?? undefined;
}

export interface ScanKernelExports {
  range: (vec: number, q: number, out: number, hits: number, n: number, thr: number) => number;
  gather: (vec: number, q: number, slots: number, out: number, hits: number, n: number, thr: number) => number;
}

// ---- the kernel, assembled from opcodes (WebAssembly core spec 2.0, SIMD section) ----

const v128Load = (offset: number): number[] => [...simd(0x00), 0, ...uleb(offset)]; // align hint 1 byte: rows of odd d are not 16-aligned
const load64Zero = (offset: number): number[] => [...simd(0x5d), 0, ...uleb(offset)]; // v128.load64_zero: 2 x f32 into the low half
const f64Load = (offset: number): number[] => [0x2b, 0, ...uleb(offset)];
const f32Load = (offset: number): number[] => [0x2a, 0, ...uleb(offset)];
const f64Store = (offset: number): number[] => [0x39, 0, ...uleb(offset)];
const i32Load = (offset: number): number[] => [0x28, 0, ...uleb(offset)];
const i32Store = (offset: number): number[] => [0x36, 0, ...uleb(offset)];
const F64_ADD = 0xa0;
const F64_LE = 0x65;
const F64_MUL = 0xa2;
const F64_PROMOTE = 0xbb;
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_SHL = 0x74;
const I32_LT_U = 0x49;
const I32_EQZ = 0x45;
const BR_IF = 0x0d;

/** Bytes of the kernel module for dimension d. Exported for tests (validation) only. */
export function scanKernelBytes(d: number, unroll = UNROLL): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(d) || d < 1) throw new RangeError(`scan kernel: bad dimension ${d}`);
  const rowBytes = d * 4;
  const d4 = d - (d % 4);
  const blocks = d4 / 4;
  const U = Math.max(1, Math.min(unroll, blocks));
  const loopBlocks = blocks - (blocks % U); // blocks done U per iteration; the rest follow one by one

  /** Params: range (vec, q, out, hits, n, thr) | gather (vec, q, slots, out, hits, n, thr). */
  const body = (gather: boolean): number[] => {
    const VEC = 0;
    const Q = 1;
    const SLOTS = 2; // gather only
    const OUT = gather ? 3 : 2;
    const HITS = OUT + 1;
    const N = OUT + 2;
    const THR = OUT + 3;
    const first = OUT + 4;
    // locals: i32 t, p (row pointer), x (running row pointer), y (running q pointer), end, c (kept); f64 s; v128 a01, a23
    const [T, P, X, Y, END, C, S, A01, A23] = [
      first,
      first + 1,
      first + 2,
      first + 3,
      first + 4,
      first + 5,
      first + 6,
      first + 7,
      first + 8,
    ];
    /** One block of 4 features at row pointer `x` + rowOff, q pointer `y` + qOff, into (a01, a23). */
    const block = (x: number, rowOff: number, y: number, qOff: number): number[] => [
      ...get(A01),
      ...get(x),
      ...load64Zero(rowOff),
      ...promoteLow,
      ...get(y),
      ...v128Load(qOff),
      ...f64x2Mul,
      ...f64x2Add,
      ...set(A01),
      ...get(A23),
      ...get(x),
      ...load64Zero(rowOff + 8),
      ...promoteLow,
      ...get(y),
      ...v128Load(qOff + 16),
      ...f64x2Mul,
      ...f64x2Add,
      ...set(A23),
    ];
    const rowPtr = gather
      ? [
          ...get(SLOTS),
          ...get(T),
          ...i32c(2),
          I32_SHL,
          I32_ADD,
          ...i32Load(0),
          ...i32c(rowBytes),
          I32_MUL,
          ...get(VEC),
          I32_ADD,
        ]
      : [...get(VEC), ...get(T), ...i32c(rowBytes), I32_MUL, I32_ADD];
    const out: number[] = [
      ...[3, 6, 0x7f, 1, 0x7c, 2, 0x7b], // locals: 6 x i32, 1 x f64, 2 x v128
      0x02,
      0x40, // block
      ...get(N),
      I32_EQZ,
      BR_IF,
      0,
      0x03,
      0x40, // loop over rows
      ...rowPtr,
      ...set(P),
      ...v128Zero,
      ...set(A01),
      ...v128Zero,
      ...set(A23),
    ];
    if (loopBlocks > 0) {
      out.push(...get(P), ...set(X), ...get(Q), ...set(Y), ...get(P), ...i32c(loopBlocks * 16), I32_ADD, ...set(END));
      out.push(0x03, 0x40); // loop over features, U blocks of 4 per iteration
      for (let u = 0; u < U; u++) out.push(...block(X, 16 * u, Y, 32 * u));
      out.push(...get(Y), ...i32c(32 * U), I32_ADD, ...set(Y));
      out.push(...get(X), ...i32c(16 * U), I32_ADD, ...tee(X), ...get(END), I32_LT_U, BR_IF, 0, 0x0b);
    }
    for (let b = loopBlocks; b < blocks; b++) out.push(...block(P, 16 * b, Q, 32 * b));
    // s0 (plus the tail features, in order), then ((s0 + s1) + s2) + s3.
    out.push(...get(A01), ...lane(0), ...set(S));
    for (let j = d4; j < d; j++)
      out.push(
        ...get(S),
        ...get(P),
        ...f32Load(4 * j),
        F64_PROMOTE,
        ...get(Q),
        ...f64Load(8 * j),
        F64_MUL,
        F64_ADD,
        ...set(S),
      );
    out.push(
      ...get(S),
      ...get(A01),
      ...lane(1),
      F64_ADD,
      ...get(A23),
      ...lane(0),
      F64_ADD,
      ...get(A23),
      ...lane(1),
      F64_ADD,
      ...set(S),
      // out[c] = s; hits[c] = t; c += !(s <= thr)   (branch-free: the slot is overwritten when not kept)
      ...get(OUT),
      ...get(C),
      ...i32c(3),
      I32_SHL,
      I32_ADD,
      ...get(S),
      ...f64Store(0),
      ...get(HITS),
      ...get(C),
      ...i32c(2),
      I32_SHL,
      I32_ADD,
      ...get(T),
      ...i32Store(0),
      ...get(C),
      ...get(S),
      ...get(THR),
      F64_LE,
      I32_EQZ,
      I32_ADD,
      ...set(C),
      ...get(T),
      ...i32c(1),
      I32_ADD,
      ...tee(T),
      ...get(N),
      I32_LT_U,
      BR_IF,
      0, // br_if (++t < n) unsigned
      0x0b, // end loop
      0x0b, // end block
      ...get(C),
      0x0b, // end function
    );
    return out;
  };
  const rangeBody = body(false);
  const gatherBody = body(true);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    // types: 0 = (5 x i32, f64) -> i32 (range), 1 = (6 x i32, f64) -> i32 (gather)
    ...section(
      1,
      [
        2, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7c, 1, 0x7f, 0x60, 7, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7c, 1,
        0x7f,
      ],
    ),
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]), // import memory, min 1 page
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name("range"), 0x00, 0, ...name("gather"), 0x00, 1]),
    ...section(10, [2, ...withLength(rangeBody), ...withLength(gatherBody)]),
  ]);
}
