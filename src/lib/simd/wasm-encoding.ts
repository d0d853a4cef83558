/**
 * Byte-level helpers for the hand-assembled WebAssembly SIMD kernels (src/lib/simd/scan-kernel.ts and
 * ml/models/row-scorer.ts): LEB128 integers, module sections and the few instructions both use.
 * WebAssembly core spec 2.0 (binary format, SIMD section). No library assembles single kernels at run time
 * without a toolchain dependency, hence this.
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 for i32.const (non-negative values here, but the sign bit of the last byte matters). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const withLength = (bytes: number[]): number[] => [...uleb(bytes.length), ...bytes];
export const section = (id: number, bytes: number[]): number[] => [id, ...withLength(bytes)];
export const name = (s: string): number[] => withLength([...s].map((c) => c.charCodeAt(0)));

/** local.get / local.set / local.tee */
export const get = (l: number): number[] => [0x20, ...uleb(l)];
export const set = (l: number): number[] => [0x21, ...uleb(l)];
export const tee = (l: number): number[] => [0x22, ...uleb(l)];
/** i32.const */
export const i32c = (v: number): number[] => [0x41, ...sleb(v)];
/** A SIMD instruction (0xfd prefix). */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
export const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
export const promoteLow = simd(0x5f); // f64x2.promote_low_f32x4
export const f64x2Mul = simd(0xf2);
export const f64x2Add = simd(0xf0);
export const lane = (l: number): number[] => [...simd(0x21), l]; // f64x2.extract_lane
