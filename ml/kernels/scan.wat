;; Vector-scan kernel of the in-process vector index (ml/kernels/scan.ts): dot products of one query against
;; rows of d float32 values, as float64 scores, keeping those above a threshold. Built to scan.wasm by
;; `npm run build:wasm`.
;;
;; Same bits as the JS scan `dot` (src/adapters/vector-index/ivf.ts), not just the same ranking. The JS loop
;; widens every float to double, keeps four partial sums s0..s3 over feature f mod 4 (the d mod 4 tail
;; features all go to s0, after the 4-wide part) and returns ((s0 + s1) + s2) + s3. Here the four sums are two
;; f64x2 pairs (s0, s1) and (s2, s3), started at +0 as in JS (0 + -0 is +0); the floats are widened exactly
;; (f64x2.promote_low_f32x4; the query is stored as float64, widened exactly from its float32); a float32 x
;; float32 product is exact in double and wasm SIMD has no fused multiply-add, so each lane adds the same
;; products in the same order. The tail goes into s0 in scalar f64, then the same scalar additions.
;; test/ml/kernels/scan.test.ts compares both bit for bit for d = 1..257.
;;
;; Imports: the memory, and d (the dimension, fixed per instance). Exports, all pointers byte offsets into the
;; memory (q: d float64, 16-aligned; out: float64; hits and slots: int32; rows need no alignment):
;;   range(vec, q, out, hits, n, thr): scores rows vec + t * 4d for t < n          (contiguous rows)
;;   gather(vec, q, slots, out, hits, n, thr): scores rows vec + slots[t] * 4d    (e.g. the rows a filter passes)
;; Both keep only the rows whose score s passes !(s <= thr), in order: out[c] = s, hits[c] = t, and return
;; their count c. thr is the heap's threshold when the call starts; it only rises during the chunk, so a row
;; dropped here would also fail the JS loop's `score <= threshold` test (same NaN behaviour: NaN passes).
;; With thr = -Infinity every row is kept and out[t] is row t's score.
;;
;; One module for every d (an imported global). A row is: pairs of 4-float blocks (the feature loop, two blocks
;; per iteration), one more block when their number is odd, then the d mod 4 tail; the low bits of 4d say which,
;; so the common d = 64, 384, 768 pay one test per row. Kept to few live locals on purpose: a version with
;; three more (precomputed byte counts, or range and gather sharing one body behind a per-row branch) spilled
;; registers and ran 5-15 % slower at d = 64. Against the kernels that were generated per dimension from
;; TypeScript (constants in place of 4d), same process, 16k rows: within ±3 % at d = 13, 64, 128, 768; d = 3
;; (tail only) is 1.6x slower, 0.03 ms. Earlier measures at 16k x 64: 1 and 2 blocks per iteration 0.18 ms,
;; 4 blocks 0.19 ms, the whole row unrolled 0.24 ms; scoring two rows per iteration gained nothing over one.
(module
  (import "env" "memory" (memory 1))
  (import "env" "d" (global $d i32))

  (func (export "range")
    (param $vec i32) (param $q i32) (param $out i32) (param $hits i32) (param $n i32) (param $thr f64)
    (result i32)
    (local $t i32) (local $c i32)   ;; row number in the call, rows kept
    (local $p i32)                  ;; the row
    (local $x i32) (local $y i32)   ;; running pointers into the row and into q
    (local $end i32)
    (local $rowBytes i32)           ;; 4d: its low bits say how the row splits (few locals: no register spills)
    (local $s f64)
    (local $a01 v128) (local $a23 v128)
    (local.set $rowBytes (i32.shl (global.get $d) (i32.const 2)))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $rows
        (local.set $p (i32.add (local.get $vec) (i32.mul (local.get $t) (local.get $rowBytes))))
        (local.set $a01 (v128.const i64x2 0 0))
        (local.set $a23 (v128.const i64x2 0 0))
        (local.set $x (local.get $p))
        (local.set $y (local.get $q))
        ;; Two blocks of 4 features per iteration: (s0, s1) += promote(x0, x1) * (q0, q1), (s2, s3) likewise.
        (if (i32.ge_u (local.get $rowBytes) (i32.const 32))
          (then
            (local.set $end (i32.add (local.get $p) (i32.and (local.get $rowBytes) (i32.const -32))))
            (loop $pairs
              (local.set $a01
                (f64x2.add (local.get $a01)
                  (f64x2.mul
                    (f64x2.promote_low_f32x4 (v128.load64_zero align=1 (local.get $x)))
                    (v128.load align=1 (local.get $y)))))
              (local.set $a23
                (f64x2.add (local.get $a23)
                  (f64x2.mul
                    (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=1 (local.get $x)))
                    (v128.load offset=16 align=1 (local.get $y)))))
              (local.set $a01
                (f64x2.add (local.get $a01)
                  (f64x2.mul
                    (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 align=1 (local.get $x)))
                    (v128.load offset=32 align=1 (local.get $y)))))
              (local.set $a23
                (f64x2.add (local.get $a23)
                  (f64x2.mul
                    (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 align=1 (local.get $x)))
                    (v128.load offset=48 align=1 (local.get $y)))))
              (local.set $y (i32.add (local.get $y) (i32.const 64)))
              (br_if $pairs
                (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 32))) (local.get $end))))))
        ;; d mod 8 != 0 (one test per row for the common d = 64, 384, 768): the last block when their number
        ;; is odd, then s0 and the d mod 4 tail features into it, in order.
        (if (i32.eqz (i32.and (local.get $rowBytes) (i32.const 31)))
          (then (local.set $s (f64x2.extract_lane 0 (local.get $a01))))
          (else
            (if (i32.and (local.get $rowBytes) (i32.const 16))
              (then
                (local.set $a01
                  (f64x2.add (local.get $a01)
                    (f64x2.mul
                      (f64x2.promote_low_f32x4 (v128.load64_zero align=1 (local.get $x)))
                      (v128.load align=1 (local.get $y)))))
                (local.set $a23
                  (f64x2.add (local.get $a23)
                    (f64x2.mul
                      (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=1 (local.get $x)))
                      (v128.load offset=16 align=1 (local.get $y)))))
                (local.set $x (i32.add (local.get $x) (i32.const 16)))
                (local.set $y (i32.add (local.get $y) (i32.const 32)))))
            (local.set $s (f64x2.extract_lane 0 (local.get $a01)))
            (if (i32.and (local.get $rowBytes) (i32.const 15))
              (then
                ;; x and y are past the blocks already.
                (local.set $end (i32.add (local.get $p) (local.get $rowBytes)))
                (loop $tail
                  (local.set $s
                    (f64.add (local.get $s)
                      (f64.mul
                        (f64.promote_f32 (f32.load align=1 (local.get $x)))
                        (f64.load align=1 (local.get $y)))))
                  (local.set $y (i32.add (local.get $y) (i32.const 8)))
                  (br_if $tail (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 4))) (local.get $end))))))))
        ;; ((s0 + s1) + s2) + s3
        (local.set $s
          (f64.add
            (f64.add
              (f64.add (local.get $s) (f64x2.extract_lane 1 (local.get $a01)))
              (f64x2.extract_lane 0 (local.get $a23)))
            (f64x2.extract_lane 1 (local.get $a23))))
        ;; out[c] = s; hits[c] = t; c += !(s <= thr): branch-free, the slot is overwritten when not kept.
        (f64.store align=1 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (local.get $s))
        (i32.store align=1 (i32.add (local.get $hits) (i32.shl (local.get $c) (i32.const 2))) (local.get $t))
        (local.set $c (i32.add (local.get $c) (i32.eqz (f64.le (local.get $s) (local.get $thr)))))
        (br_if $rows (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $n)))))
    (local.get $c))

  ;; As range, with row t at vec + slots[t] * 4d. The row body is the same, line for line: wasm text has no
  ;; macros, and sharing it (a call or a branch per row) costs 5-15 % at d = 64.
  (func (export "gather")
    (param $vec i32) (param $q i32) (param $slots i32) (param $out i32) (param $hits i32) (param $n i32)
    (param $thr f64) (result i32)
    (local $t i32) (local $c i32)   ;; row number in the call, rows kept
    (local $p i32)                  ;; the row
    (local $x i32) (local $y i32)   ;; running pointers into the row and into q
    (local $end i32)
    (local $rowBytes i32)           ;; 4d: its low bits say how the row splits (few locals: no register spills)
    (local $s f64)
    (local $a01 v128) (local $a23 v128)
    (local.set $rowBytes (i32.shl (global.get $d) (i32.const 2)))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $rows
        (local.set $p
          (i32.add
            (local.get $vec)
            (i32.mul
              (i32.load (i32.add (local.get $slots) (i32.shl (local.get $t) (i32.const 2))))
              (local.get $rowBytes))))
        (local.set $a01 (v128.const i64x2 0 0))
        (local.set $a23 (v128.const i64x2 0 0))
        (local.set $x (local.get $p))
        (local.set $y (local.get $q))
        ;; Two blocks of 4 features per iteration: (s0, s1) += promote(x0, x1) * (q0, q1), (s2, s3) likewise.
        (if (i32.ge_u (local.get $rowBytes) (i32.const 32))
          (then
            (local.set $end (i32.add (local.get $p) (i32.and (local.get $rowBytes) (i32.const -32))))
            (loop $pairs
              (local.set $a01
                (f64x2.add (local.get $a01)
                  (f64x2.mul
                    (f64x2.promote_low_f32x4 (v128.load64_zero align=1 (local.get $x)))
                    (v128.load align=1 (local.get $y)))))
              (local.set $a23
                (f64x2.add (local.get $a23)
                  (f64x2.mul
                    (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=1 (local.get $x)))
                    (v128.load offset=16 align=1 (local.get $y)))))
              (local.set $a01
                (f64x2.add (local.get $a01)
                  (f64x2.mul
                    (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 align=1 (local.get $x)))
                    (v128.load offset=32 align=1 (local.get $y)))))
              (local.set $a23
                (f64x2.add (local.get $a23)
                  (f64x2.mul
                    (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 align=1 (local.get $x)))
                    (v128.load offset=48 align=1 (local.get $y)))))
              (local.set $y (i32.add (local.get $y) (i32.const 64)))
              (br_if $pairs
                (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 32))) (local.get $end))))))
        ;; d mod 8 != 0 (one test per row for the common d = 64, 384, 768): the last block when their number
        ;; is odd, then s0 and the d mod 4 tail features into it, in order.
        (if (i32.eqz (i32.and (local.get $rowBytes) (i32.const 31)))
          (then (local.set $s (f64x2.extract_lane 0 (local.get $a01))))
          (else
            (if (i32.and (local.get $rowBytes) (i32.const 16))
              (then
                (local.set $a01
                  (f64x2.add (local.get $a01)
                    (f64x2.mul
                      (f64x2.promote_low_f32x4 (v128.load64_zero align=1 (local.get $x)))
                      (v128.load align=1 (local.get $y)))))
                (local.set $a23
                  (f64x2.add (local.get $a23)
                    (f64x2.mul
                      (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=1 (local.get $x)))
                      (v128.load offset=16 align=1 (local.get $y)))))
                (local.set $x (i32.add (local.get $x) (i32.const 16)))
                (local.set $y (i32.add (local.get $y) (i32.const 32)))))
            (local.set $s (f64x2.extract_lane 0 (local.get $a01)))
            (if (i32.and (local.get $rowBytes) (i32.const 15))
              (then
                ;; x and y are past the blocks already.
                (local.set $end (i32.add (local.get $p) (local.get $rowBytes)))
                (loop $tail
                  (local.set $s
                    (f64.add (local.get $s)
                      (f64.mul
                        (f64.promote_f32 (f32.load align=1 (local.get $x)))
                        (f64.load align=1 (local.get $y)))))
                  (local.set $y (i32.add (local.get $y) (i32.const 8)))
                  (br_if $tail (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 4))) (local.get $end))))))))
        ;; ((s0 + s1) + s2) + s3
        (local.set $s
          (f64.add
            (f64.add
              (f64.add (local.get $s) (f64x2.extract_lane 1 (local.get $a01)))
              (f64x2.extract_lane 0 (local.get $a23)))
            (f64x2.extract_lane 1 (local.get $a23))))
        ;; out[c] = s; hits[c] = t; c += !(s <= thr): branch-free, the slot is overwritten when not kept.
        (f64.store align=1 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (local.get $s))
        (i32.store align=1 (i32.add (local.get $hits) (i32.shl (local.get $c) (i32.const 2))) (local.get $t))
        (local.set $c (i32.add (local.get $c) (i32.eqz (f64.le (local.get $s) (local.get $thr)))))
        (br_if $rows (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $n)))))
    (local.get $c))
)
