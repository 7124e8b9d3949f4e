;; Dot products of one query against many rows, four lanes at a time (wasm SIMD).
;; Built into dot.wasm by `npm run build:wasm`; test/node/wasm-build.test.ts checks they match.
;;
;; scores(stride, count, query, rows, out): for r < count,
;;   f32[out + 4r] = sum over i < stride of f32[query + 4i] * f32[rows + 4(r * stride + i)]
;; Offsets are bytes; stride (floats per row) must be a multiple of 4, rows zero-padded.
(module
  (memory (export "memory") 1)
  (func (export "scores")
    (param $stride i32) (param $count i32) (param $query i32) (param $rows i32) (param $out i32)
    (local $r i32) (local $j i32) (local $row i32) (local $bytes i32)
    (local $a v128) (local $b v128)
    (local.set $bytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $row (local.get $rows))
    (block $done
      (loop $each_row
        (br_if $done (i32.ge_u (local.get $r) (local.get $count)))
        ;; Two accumulators halve the dependency chain of the adds.
        (local.set $a (v128.const f32x4 0 0 0 0))
        (local.set $b (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $row_done
          (loop $each_lane_group
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $a
              (f32x4.add (local.get $a)
                (f32x4.mul
                  (v128.load (i32.add (local.get $query) (local.get $j)))
                  (v128.load (i32.add (local.get $row) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $b
              (f32x4.add (local.get $b)
                (f32x4.mul
                  (v128.load (i32.add (local.get $query) (local.get $j)))
                  (v128.load (i32.add (local.get $row) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $each_lane_group)))
        (local.set $a (f32x4.add (local.get $a) (local.get $b)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
            (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $row (i32.add (local.get $row) (local.get $bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each_row))))
)
