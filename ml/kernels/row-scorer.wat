;; Row scorer kernel (ml/kernels/row-scorer.ts): out[i] = float32(u . row i + bias[i]) for every row of a
;; float32 matrix, with 128-bit SIMD (f64x2). Built to row-scorer.wasm by `npm run build:wasm`.
;;
;; Same bits as the JS loop `scoreRows` (ml/models/common.ts), not just the same ranking: that loop widens
;; every float to double, keeps four partial sums s0..s3 over feature f mod 4 and returns
;; float32(((s0 + s1) + s2) + s3 + bias). Here the four sums are two f64x2 pairs (s0, s1) and (s2, s3); the
;; floats are widened exactly (f64x2.promote_low_f32x4), a float32 x float32 product is exact in double and
;; wasm SIMD has no fused multiply-add, so each lane adds the same products in the same order. The finish is
;; the same scalar additions and f32.demote_f64 (round to nearest even, as a Float32Array store).
;; test/ml/kernels/row-scorer.test.ts compares both bit for bit.
;;
;; score(vec, u, bias, out, n, rowBytes, hasBias), all pointers byte offsets into the imported memory:
;;   vec      n rows of rowBytes / 4 float32 (rowBytes a multiple of 16, > 0)
;;   u        the query widened to float64 (rowBytes / 4 of them), 16-aligned
;;   bias     n float32, read only when hasBias is not 0
;;   out      n float32, written
(module
  (import "env" "memory" (memory 1))

  (func (export "score")
    (param $vec i32) (param $u i32) (param $bias i32) (param $out i32) (param $n i32) (param $rowBytes i32)
    (param $hasBias i32)
    (local $i i32) (local $f i32) (local $p i32)
    (local $a01 v128) (local $a23 v128) (local $x v128)
    (local.set $p (local.get $vec))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $rows
        (local.set $a01 (v128.const i64x2 0 0))
        (local.set $a23 (v128.const i64x2 0 0))
        (local.set $f (i32.const 0))
        ;; $f: byte offset of the next 4 floats of the row; their float64 query values sit at u + 2f.
        (loop $features
          ;; (s0, s1) += promote(x0, x1) * (u[f], u[f + 1])
          (local.set $a01
            (f64x2.add
              (f64x2.mul
                (f64x2.promote_low_f32x4
                  (local.tee $x (v128.load align=16 (i32.add (local.get $p) (local.get $f)))))
                (v128.load align=16 (i32.add (local.get $u) (i32.shl (local.get $f) (i32.const 1)))))
              (local.get $a01)))
          ;; (s2, s3) += promote(x2, x3) * (u[f + 2], u[f + 3]): the high half of x moved down first
          (local.set $a23
            (f64x2.add
              (f64x2.mul
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
                (v128.load offset=16 align=16 (i32.add (local.get $u) (i32.shl (local.get $f) (i32.const 1)))))
              (local.get $a23)))
          (br_if $features
            (i32.lt_u (local.tee $f (i32.add (local.get $f) (i32.const 16))) (local.get $rowBytes))))
        ;; out[i] = demote(((s0 + s1) + s2) + s3 + (hasBias ? bias[i] : 0))
        (f32.store align=4
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64
            (f64.add
              (f64.add
                (f64.add
                  (f64.add (f64x2.extract_lane 0 (local.get $a01)) (f64x2.extract_lane 1 (local.get $a01)))
                  (f64x2.extract_lane 0 (local.get $a23)))
                (f64x2.extract_lane 1 (local.get $a23)))
              (if (result f64) (local.get $hasBias)
                (then
                  (f64.promote_f32
                    (f32.load align=4 (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 2))))))
                (else (f64.const 0))))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))))
