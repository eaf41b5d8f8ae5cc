/**
 * A WebAssembly SIMD kernel for exact squared L2 distances of listed float32 rows to one centre, in the kit's
 * canonical float64 summation order (see `squaredDistance4` below), so that its results equal the JavaScript loops'
 * bit for bit. Node has no threads or SIMD in plain JavaScript; this kernel processes 4 coordinates per step with
 * f64x2 lanes and runs in the calling thread or in worker_threads over one shared WebAssembly.Memory.
 *
 * The module is 200-odd bytes, assembled here from its instructions (no toolchain or binary file in the repo). It
 * exports d(x, idx, count, dim, c, out), all byte offsets into the shared memory:
 *   for r in [0, count): row = i32[idx + 4r]; out f64[out + 8r] = Σ (f64(x f32[row*dim + j]) - c f64[j])²
 * with lanes s_{j mod 4} accumulated in increasing j and combined as (s0 + s1) + (s2 + s3). dim must be a positive
 * multiple of 4. WebAssembly forbids fusing the multiply and the add, and float64 arithmetic is IEEE in both
 * engines, so each term and each partial sum is the one squaredDistance4 computes.
 *
 * The k-center's other steps live in the same module (a(), f(), g(), h() and k(), each documented at its body below).
 */
import { uleb, sleb, section, str, simd } from './wasm-asm';

/** The canonical summation: four float64 lanes over j mod 4, combined as (s0 + s1) + (s2 + s3). */
export function squaredDistance4(
  a: Float32Array,
  ao: number,
  b: Float32Array | Float64Array,
  bo: number,
  d: number,
): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    const t0 = a[ao + j] - b[bo + j],
      t1 = a[ao + j + 1] - b[bo + j + 1],
      t2 = a[ao + j + 2] - b[bo + j + 2],
      t3 = a[ao + j + 3] - b[bo + j + 3];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  if (j < d) {
    const t = a[ao + j] - b[bo + j];
    s0 += t * t;
  }
  if (j + 1 < d) {
    const t = a[ao + j + 1] - b[bo + j + 1];
    s1 += t * t;
  }
  if (j + 2 < d) {
    const t = a[ao + j + 2] - b[bo + j + 2];
    s2 += t * t;
  }
  return s0 + s1 + (s2 + s3);
}

// Opcodes used (core and SIMD, https://webassembly.github.io/spec/core/binary/instructions.html).
const I32 = 0x7f,
  V128 = 0x7b;
const LG = 0x20,
  LS = 0x21,
  LT = 0x22,
  I32C = 0x41,
  I32ADD = 0x6a,
  I32MUL = 0x6c,
  I32SHL = 0x74,
  I32LTU = 0x49,
  I32EQZ = 0x45,
  I32LOAD = 0x28,
  F64STORE = 0x39,
  F64ADD = 0xa0,
  BLOCK = 0x02,
  LOOP = 0x03,
  BRIF = 0x0d,
  END = 0x0b,
  VOID = 0x40;
const V128LOAD = (offset: number) => [...simd(0), 2, ...uleb(offset)];
const V128ZERO = [...simd(12), ...new Array(16).fill(0)];
const SHUF_HIGH = [...simd(13), 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const PROMOTE_LOW = simd(95);
const F64X2_ADD = simd(240),
  F64X2_SUB = simd(241),
  F64X2_MUL = simd(242);
const LANE = (l: number) => [...simd(33), l];
const F32LANE = (l: number) => [...simd(31), l];
const F32X4_ADD = simd(228),
  F32X4_SUB = simd(229),
  F32X4_MUL = simd(230);
const F32ADD = 0x92,
  F32STORE = 0x38;
const F64 = 0x7c,
  LTEE = 0x22,
  I32SUB = 0x6b,
  I32AND = 0x71,
  F64LOAD = 0x2b,
  F64CONST = 0x44,
  F64SUB = 0xa1,
  F64MUL = 0xa2,
  F64GE = 0x66,
  F64NE = 0x62,
  PROMOTE_F32 = 0xbb,
  IF = 0x04,
  BR = 0x0c,
  I32GEU = 0x4f,
  I32STORE = 0x36,
  F64LT = 0x63,
  SELECT = 0x1b,
  I32GTU = 0x4b;
const F64_INF = [F64CONST, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f];
const I32OR = 0x72,
  I32NE = 0x47,
  I32SHRU = 0x76,
  V128STORE = (offset: number) => [...simd(11), 4, ...uleb(offset)],
  F64X2_SPLAT = simd(20),
  F64X2_NE = simd(72),
  F64X2_GE = simd(76),
  V128AND = simd(78),
  I64X2_BITMASK = simd(196);

/**
 * The opening both bodies share: rowBytes = dim * 4; for each listed row r (none when count is 0): p = x + idx[r] *
 * rowBytes, end = p + rowBytes, cj = c, the two v128 accumulators (locals 11 and 12) zeroed, then the inner loop opens.
 */
function rowLoopHead(): number[] {
  return [
    ...[LG, 3, I32C, 2, I32SHL, LS, 10],
    BLOCK,
    VOID,
    ...[LG, 2, I32EQZ, BRIF, 0],
    LOOP,
    VOID,
    ...[LG, 0, LG, 1, LG, 6, I32C, 2, I32SHL, I32ADD, I32LOAD, 2, 0, LG, 10, I32MUL, I32ADD, LS, 7],
    ...[LG, 7, LG, 10, I32ADD, LS, 8, LG, 4, LS, 9],
    ...V128ZERO,
    LS,
    11,
    ...V128ZERO,
    LS,
    12,
    LOOP,
    VOID,
  ];
}

/** Body of d(): exact float64 distances (see the file comment). */
function exactBody(): number[] {
  // params: 0 x, 1 idx, 2 count, 3 dim, 4 c, 5 out; locals: 6 r, 7 p, 8 end, 9 cj, 10 rowBytes (i32), 11 s01, 12 s23, 13 v, 14 t (v128)
  return [
    2,
    5,
    I32,
    4,
    V128,
    ...rowLoopHead(),
    ...[LG, 7, ...V128LOAD(0), LS, 13],
    ...[
      LG,
      11,
      LG,
      13,
      ...PROMOTE_LOW,
      LG,
      9,
      ...V128LOAD(0),
      ...F64X2_SUB,
      LT,
      14,
      LG,
      14,
      ...F64X2_MUL,
      ...F64X2_ADD,
      LS,
      11,
    ],
    ...[
      LG,
      12,
      LG,
      13,
      LG,
      13,
      ...SHUF_HIGH,
      ...PROMOTE_LOW,
      LG,
      9,
      ...V128LOAD(16),
      ...F64X2_SUB,
      LT,
      14,
      LG,
      14,
      ...F64X2_MUL,
      ...F64X2_ADD,
      LS,
      12,
    ],
    ...[LG, 7, I32C, 16, I32ADD, LS, 7, LG, 9, I32C, 32, I32ADD, LS, 9],
    ...[LG, 7, LG, 8, I32LTU, BRIF, 0],
    END,
    ...[LG, 5, LG, 6, I32C, 3, I32SHL, I32ADD],
    ...[LG, 11, ...LANE(0), LG, 11, ...LANE(1), F64ADD, LG, 12, ...LANE(0), LG, 12, ...LANE(1), F64ADD, F64ADD],
    ...[F64STORE, 3, 0],
    ...[LG, 6, I32C, 1, I32ADD, LT, 6, LG, 2, I32LTU, BRIF, 0],
    END,
    END,
    END,
  ];
}

/**
 * Body of a(): float32 approximations of the same distances (x, c and out all float32; dim a multiple of 8), two
 * f32x4 accumulators. Used only as a filter with a certified bound (approxBound), never as a result.
 */
function approxBody(): number[] {
  // params: 0 x, 1 idx, 2 count, 3 dim, 4 c, 5 out; locals: 6 r, 7 p, 8 end, 9 cj, 10 rowBytes (i32), 11 a0, 12 a1, 13 t (v128)
  return [
    2,
    5,
    I32,
    3,
    V128,
    ...rowLoopHead(),
    ...[
      LG,
      11,
      LG,
      7,
      ...V128LOAD(0),
      LG,
      9,
      ...V128LOAD(0),
      ...F32X4_SUB,
      LT,
      13,
      LG,
      13,
      ...F32X4_MUL,
      ...F32X4_ADD,
      LS,
      11,
    ],
    ...[
      LG,
      12,
      LG,
      7,
      ...V128LOAD(16),
      LG,
      9,
      ...V128LOAD(16),
      ...F32X4_SUB,
      LT,
      13,
      LG,
      13,
      ...F32X4_MUL,
      ...F32X4_ADD,
      LS,
      12,
    ],
    ...[LG, 7, I32C, 32, I32ADD, LS, 7, LG, 9, I32C, 32, I32ADD, LS, 9],
    ...[LG, 7, LG, 8, I32LTU, BRIF, 0],
    END,
    ...[LG, 5, LG, 6, I32C, 2, I32SHL, I32ADD],
    ...[LG, 11, LG, 12, ...F32X4_ADD, LT, 13],
    ...[...F32LANE(0), LG, 13, ...F32LANE(1), F32ADD, LG, 13, ...F32LANE(2), LG, 13, ...F32LANE(3), F32ADD, F32ADD],
    ...[F32STORE, 2, 0],
    ...[LG, 6, I32C, 1, I32ADD, LT, 6, LG, 2, I32LTU, BRIF, 0],
    END,
    END,
    END,
  ];
}

/**
 * Body of f(): the k-center candidate test, fused (one call per pick instead of three passes in JavaScript). For r in
 * [0, count): row = i32[idx + 4r], m = f64[md + 8(row - lo)] (the row's current minimum), and f64[out + 8(row - lo)]
 * becomes
 *  - +Infinity when a float32 bound certifies that the row's exact distance to the centre is not below m: first, when
 *    L > 0, the low-dimensional bound (a = the float32 squared distance of the row's L coordinates at y to those at
 *    cy32; certified when a·kappa - eabs >= (f64[thr + 8(row - lo)] + ec)², see src/sampling/coreset-parallel.ts),
 *    then the full one (a = the float32 squared distance of the row to c32, as a() computes it; certified when
 *    a >= m·rel + abs); an infinite or NaN a certifies nothing;
 *  - else the exact canonical float64 distance, as d() computes it (c64: the centre in float64).
 * Comparisons are float64 on the float32 value promoted, exactly as the JavaScript they replace. dim and L are
 * multiples of 8 (L may be 0). Returns the number of rows the low-dimensional bound did not certify (all when L = 0).
 */
function filterBody(): number[] {
  // params: 0 x, 1 y, 2 idx, 3 md, 4 count, 5 dim, 6 L, 7 c32, 8 c64, 9 cy32, 10 thr, 11 lo, 12 out (i32),
  //         13 rel, 14 abs, 15 kappa, 16 eabs, 17 ec (f64)
  // locals: 18 r, 19 row, 20 p, 21 end, 22 cj, 23 outp (i32); 24 a, 25 mdv, 26 tq (f64); 27 acc0, 28 acc1, 29 t, 30 v
  // (v128); 31 past (i32: rows the low-dimensional bound did not certify, the result)
  const [X, Y, IDX, MD, COUNT, DIM, L, C32, C64, CY32, THR, LO, OUT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [REL, ABS, KAPPA, EABS, EC] = [13, 14, 15, 16, 17];
  const [R, ROW, P, END_, CJ, OUTP, A, MDV, TQ, ACC0, ACC1, T, V] = [
    18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
  ];
  const PAST = 31;
  const zeroAcc = [...V128ZERO, LS, ACC0, ...V128ZERO, LS, ACC1];
  // Float32 squared distance of p[0..end) to cj, two f32x4 accumulators over 8 values per step, into local A (f64).
  const f32Dist = [
    ...zeroAcc,
    LOOP,
    VOID,
    ...[LG, ACC0, LG, P, ...V128LOAD(0), LG, CJ, ...V128LOAD(0), ...F32X4_SUB, LT, T, LG, T, ...F32X4_MUL],
    ...[...F32X4_ADD, LS, ACC0],
    ...[LG, ACC1, LG, P, ...V128LOAD(16), LG, CJ, ...V128LOAD(16), ...F32X4_SUB, LT, T, LG, T, ...F32X4_MUL],
    ...[...F32X4_ADD, LS, ACC1],
    ...[LG, P, I32C, 32, I32ADD, LS, P, LG, CJ, I32C, 32, I32ADD, LS, CJ],
    ...[LG, P, LG, END_, I32LTU, BRIF, 0],
    END,
    ...[LG, ACC0, LG, ACC1, ...F32X4_ADD, LT, T],
    ...[...F32LANE(0), LG, T, ...F32LANE(1), F32ADD, LG, T, ...F32LANE(2), LG, T, ...F32LANE(3), F32ADD, F32ADD],
    ...[PROMOTE_F32, LS, A],
  ];
  // p = base + row * width * 4, end = p + width * 4
  const rowSpan = (base: number, width: number) => [
    ...[LG, base, LG, ROW, LG, width, I32MUL, I32C, 2, I32SHL, I32ADD, LTEE, P],
    ...[LG, width, I32C, 2, I32SHL, I32ADD, LS, END_],
  ];
  const storeInf = [LG, OUTP, ...F64_INF, F64STORE, 3, 0];
  return [
    4,
    6,
    I32,
    3,
    F64,
    4,
    V128,
    1,
    I32,
    BLOCK,
    VOID,
    ...[LG, COUNT, I32EQZ, BRIF, 0],
    LOOP,
    VOID,
    ...[LG, IDX, LG, R, I32C, 2, I32SHL, I32ADD, I32LOAD, 2, 0, LS, ROW],
    ...[LG, MD, LG, ROW, LG, LO, I32SUB, I32C, 3, I32SHL, I32ADD, F64LOAD, 3, 0, LS, MDV],
    ...[LG, OUT, LG, ROW, LG, LO, I32SUB, I32C, 3, I32SHL, I32ADD, LS, OUTP],
    BLOCK,
    VOID,
    // low-dimensional bound
    ...[LG, L, IF, VOID],
    ...rowSpan(Y, L),
    ...[LG, CY32, LS, CJ],
    ...f32Dist,
    ...[LG, A, LG, KAPPA, F64MUL, LG, EABS, F64SUB],
    ...[
      LG,
      THR,
      LG,
      ROW,
      LG,
      LO,
      I32SUB,
      I32C,
      3,
      I32SHL,
      I32ADD,
      F64LOAD,
      3,
      0,
      LG,
      EC,
      F64ADD,
      LTEE,
      TQ,
      LG,
      TQ,
      F64MUL,
    ],
    ...[F64GE, LG, A, ...F64_INF, F64NE, I32AND],
    ...[IF, VOID, ...storeInf, BR, 2, END],
    END,
    // full float32 bound
    ...[LG, PAST, I32C, 1, I32ADD, LS, PAST],
    ...rowSpan(X, DIM),
    ...[LG, C32, LS, CJ],
    ...f32Dist,
    ...[LG, A, LG, MDV, LG, REL, F64MUL, LG, ABS, F64ADD, F64GE, LG, A, ...F64_INF, F64NE, I32AND],
    ...[IF, VOID, ...storeInf, BR, 1, END],
    // exact float64, canonical order (as d())
    ...rowSpan(X, DIM),
    ...[LG, C64, LS, CJ],
    ...zeroAcc,
    LOOP,
    VOID,
    ...[LG, P, ...V128LOAD(0), LS, V],
    ...[LG, ACC0, LG, V, ...PROMOTE_LOW, LG, CJ, ...V128LOAD(0), ...F64X2_SUB, LT, T, LG, T, ...F64X2_MUL],
    ...[...F64X2_ADD, LS, ACC0],
    ...[LG, ACC1, LG, V, LG, V, ...SHUF_HIGH, ...PROMOTE_LOW, LG, CJ, ...V128LOAD(16), ...F64X2_SUB, LT, T, LG, T],
    ...[...F64X2_MUL, ...F64X2_ADD, LS, ACC1],
    ...[LG, P, I32C, 16, I32ADD, LS, P, LG, CJ, I32C, 32, I32ADD, LS, CJ],
    ...[LG, P, LG, END_, I32LTU, BRIF, 0],
    END,
    LG,
    OUTP,
    ...[LG, ACC0, ...LANE(0), LG, ACC0, ...LANE(1), F64ADD, LG, ACC1, ...LANE(0), LG, ACC1, ...LANE(1), F64ADD, F64ADD],
    ...[F64STORE, 3, 0],
    END,
    ...[LG, R, I32C, 1, I32ADD, LTEE, R, LG, COUNT, I32LTU, BRIF, 0],
    END,
    END,
    LG,
    PAST,
    END,
  ];
}

/**
 * Body of g(): one k-center pick's candidate moves, fused (the JavaScript it replaces visited every candidate three
 * times). Member lists live in the shared memory: i32 local rows at mIdx, their minima (f64) at mD, each cluster's
 * members sorted by minimum. For each v in [0, nVis), the candidates are the list entries [i32[vis + 8v],
 * i32[vis + 8v + 4]); for each entry (local row t, minimum m):
 *  - when L > 0, the low-dimensional bound (a = the float32 squared distance of the row's L coordinates at y to those
 *    at cy32) keeps it if a·kappa - eabs >= (f64[thr + 8t] + ec)²; an infinite or NaN a certifies nothing;
 *  - else the float32 bound (a = the row's float32 squared distance to c32, as a() computes it) keeps it if
 *    a >= m·rel + abs (same caveat);
 *  - else its exact canonical float64 distance e (as d() computes it, c64: the centre) decides: e < m moves it out
 *    (i32[movR + 4j] = t, f64[movD + 8j] = e, j = the moves so far), else it is kept.
 * With pre != 0, the three tests are skipped and e = f64[pre + 8t], f()'s result for the row (+Infinity: certified
 * not below its minimum), decides instead. Kept entries close up in order from the range's start, and
 * i32[vis + 8v + 4] becomes the range's new end. Rows are x rows lo + t. Comparisons are float64 on the promoted
 * float32 value, as in the JavaScript they replace. i32[cnt] and i32[cnt + 4] count the entries past the
 * low-dimensional bound and the exact distances (not with pre). dim and L are multiples of 8 (L may be 0). Returns
 * the number of moves.
 */
function movesBody(): number[] {
  // params (i32): 0 x, 1 y, 2 mIdx, 3 mD, 4 vis, 5 nVis, 6 dim, 7 L, 8 c32, 9 c64, 10 cy32, 11 thr, 12 lo, 13 movR,
  //   14 movD, 15 cnt, 16 pre; (f64): 17 rel, 18 abs, 19 kappa, 20 eabs, 21 ec
  // locals (i32): 22 v, 23 p, 24 end, 25 w, 26 t, 27 q, 28 qend, 29 cj, 30 nM, 31 past, 32 exact;
  //   (f64): 33 a, 34 md, 35 tq, 36 acc; (v128): 37 acc0, 38 acc1, 39 tv, 40 vv
  const [X, Y, MIDX, MDP, VIS, NVIS, DIM, L, C32, C64, CY32, THR, LO, MOVR, MOVD, CNT, PRE] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
  ];
  const [REL, ABS, KAPPA, EABS, EC] = [17, 18, 19, 20, 21];
  const [V_, P, END_, W, T, Q, QEND, CJ, NM, PAST, EXACT] = [22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32];
  const [A, MD, TQ, ACC] = [33, 34, 35, 36];
  const [ACC0, ACC1, TV, VV] = [37, 38, 39, 40];
  const zeroAcc = [...V128ZERO, LS, ACC0, ...V128ZERO, LS, ACC1];
  // q = base + (lo + t) * width * 4, qend = q + width * 4
  const rowSpan = (base: number, width: number) => [
    ...[LG, base, LG, LO, LG, T, I32ADD, LG, width, I32MUL, I32C, 2, I32SHL, I32ADD, LTEE, Q],
    ...[LG, width, I32C, 2, I32SHL, I32ADD, LS, QEND],
  ];
  // Float32 squared distance of q[0..qend) to cj (two f32x4 accumulators, 8 values per step), into A (f64).
  const f32Dist = [
    ...zeroAcc,
    LOOP,
    VOID,
    ...[LG, ACC0, LG, Q, ...V128LOAD(0), LG, CJ, ...V128LOAD(0), ...F32X4_SUB, LT, TV, LG, TV, ...F32X4_MUL],
    ...[...F32X4_ADD, LS, ACC0],
    ...[LG, ACC1, LG, Q, ...V128LOAD(16), LG, CJ, ...V128LOAD(16), ...F32X4_SUB, LT, TV, LG, TV, ...F32X4_MUL],
    ...[...F32X4_ADD, LS, ACC1],
    ...[LG, Q, I32C, 32, I32ADD, LS, Q, LG, CJ, I32C, 32, I32ADD, LS, CJ],
    ...[LG, Q, LG, QEND, I32LTU, BRIF, 0],
    END,
    ...[LG, ACC0, LG, ACC1, ...F32X4_ADD, LT, TV],
    ...[...F32LANE(0), LG, TV, ...F32LANE(1), F32ADD, LG, TV, ...F32LANE(2), LG, TV, ...F32LANE(3), F32ADD, F32ADD],
    ...[PROMOTE_F32, LS, A],
  ];
  // f32Dist's loop and sum, continuing from the accumulators as they are (the second tier of the low bound).
  const f32DistOn = f32Dist.slice(zeroAcc.length);
  // Exact canonical float64 distance of q[0..qend) to c64, into ACC (as d()).
  const exact = [
    ...[LG, C64, LS, CJ],
    ...zeroAcc,
    LOOP,
    VOID,
    ...[LG, Q, ...V128LOAD(0), LS, VV],
    ...[LG, ACC0, LG, VV, ...PROMOTE_LOW, LG, CJ, ...V128LOAD(0), ...F64X2_SUB, LT, TV, LG, TV, ...F64X2_MUL],
    ...[...F64X2_ADD, LS, ACC0],
    ...[LG, ACC1, LG, VV, LG, VV, ...SHUF_HIGH, ...PROMOTE_LOW, LG, CJ, ...V128LOAD(16), ...F64X2_SUB, LT, TV, LG, TV],
    ...[...F64X2_MUL, ...F64X2_ADD, LS, ACC1],
    ...[LG, Q, I32C, 16, I32ADD, LS, Q, LG, CJ, I32C, 32, I32ADD, LS, CJ],
    ...[LG, Q, LG, QEND, I32LTU, BRIF, 0],
    END,
    ...[LG, ACC0, ...LANE(0), LG, ACC0, ...LANE(1), F64ADD, LG, ACC1, ...LANE(0), LG, ACC1, ...LANE(1), F64ADD, F64ADD],
    ...[LS, ACC],
  ];
  const notInf = [LG, A, ...F64_INF, F64NE];
  const addr = (base: number, index: number, shift: number) => [LG, base, LG, index, I32C, shift, I32SHL, I32ADD];
  return [
    ...[3, 11, I32, 4, F64, 4, V128],
    BLOCK,
    VOID,
    ...[LG, NVIS, I32EQZ, BRIF, 0],
    LOOP,
    VOID,
    // p = vis[v].from, end = vis[v].end, w = p
    ...[...addr(VIS, V_, 3), I32LOAD, 2, 0, LTEE, P, LS, W],
    ...[...addr(VIS, V_, 3), I32LOAD, 2, 4, LS, END_],
    BLOCK,
    VOID,
    ...[LG, P, LG, END_, I32GEU, BRIF, 0],
    LOOP,
    VOID,
    ...[...addr(MIDX, P, 2), I32LOAD, 2, 0, LS, T],
    ...[...addr(MDP, P, 3), F64LOAD, 3, 0, LS, MD],
    BLOCK, // $next
    VOID,
    BLOCK, // $keep
    VOID,
    // precomputed by f() over the part's rows in order (+Infinity: certified not below the minimum)
    ...[LG, PRE, IF, VOID, ...addr(PRE, T, 3), F64LOAD, 3, 0, LS, ACC, END],
    ...[LG, PRE, I32EQZ, IF, VOID],
    // low-dimensional bound, in two tiers: the first min(L, 16) coordinates (one 64-byte line of the row), then the
    // rest summed on into the same accumulators. Float32 addition of non-negative terms is monotone, so the first
    // tier's value never exceeds the whole one's and certifies only rows the whole would: the decisions are the
    // one-tier test's, with the second line read only for the rows the first leaves.
    ...[LG, L, IF, VOID],
    ...rowSpan(Y, L),
    ...[LG, Q, LG, L, I32C, 16, LG, L, I32C, 16, I32LTU, SELECT, I32C, 2, I32SHL, I32ADD, LS, QEND],
    ...[LG, CY32, LS, CJ],
    ...f32Dist,
    ...[LG, A, LG, KAPPA, F64MUL, LG, EABS, F64SUB],
    ...[...addr(THR, T, 3), F64LOAD, 3, 0, LG, EC, F64ADD, LTEE, TQ, LG, TQ, F64MUL],
    ...[F64GE, ...notInf, I32AND, BRIF, 2],
    ...[LG, L, I32C, 16, I32GTU, IF, VOID],
    ...[LG, QEND, LG, L, I32C, 16, I32SUB, I32C, 2, I32SHL, I32ADD, LS, QEND],
    ...f32DistOn,
    ...[LG, A, LG, KAPPA, F64MUL, LG, EABS, F64SUB, LG, TQ, LG, TQ, F64MUL],
    ...[F64GE, ...notInf, I32AND, BRIF, 3],
    END,
    END,
    ...[LG, PAST, I32C, 1, I32ADD, LS, PAST],
    // float32 bound
    ...rowSpan(X, DIM),
    ...[LG, C32, LS, CJ],
    ...f32Dist,
    ...[LG, A, LG, MD, LG, REL, F64MUL, LG, ABS, F64ADD, F64GE, ...notInf, I32AND, BRIF, 1],
    // exact distance (q was advanced by the float32 pass: back to the row's start)
    ...rowSpan(X, DIM),
    ...exact,
    ...[LG, EXACT, I32C, 1, I32ADD, LS, EXACT],
    END,
    ...[LG, ACC, LG, MD, F64LT, I32EQZ, BRIF, 0],
    // a move
    ...[...addr(MOVR, NM, 2), LG, T, I32STORE, 2, 0],
    ...[...addr(MOVD, NM, 3), LG, ACC, F64STORE, 3, 0],
    ...[LG, NM, I32C, 1, I32ADD, LS, NM, BR, 1],
    END, // $keep: the entry stays, closing up at w
    ...[...addr(MIDX, W, 2), LG, T, I32STORE, 2, 0],
    ...[...addr(MDP, W, 3), LG, MD, F64STORE, 3, 0],
    ...[LG, W, I32C, 1, I32ADD, LS, W],
    END, // $next
    ...[LG, P, I32C, 1, I32ADD, LTEE, P, LG, END_, I32LTU, BRIF, 0],
    END,
    END,
    ...[...addr(VIS, V_, 3), LG, W, I32STORE, 2, 4],
    ...[LG, V_, I32C, 1, I32ADD, LTEE, V_, LG, NVIS, I32LTU, BRIF, 0],
    END,
    END,
    ...[LG, CNT, LG, CNT, I32LOAD, 2, 0, LG, PAST, I32ADD, I32STORE, 2, 0],
    ...[LG, CNT, LG, CNT, I32LOAD, 2, 4, LG, EXACT, I32ADD, I32STORE, 2, 4],
    LG,
    NM,
    END,
  ];
}

/**
 * Body of h(): the low-dimensional bound of f() over a whole part in memory order, four rows per step. The part's
 * coordinates are blocked: for block b in [0, nb) and j in [0, L), the f32x4 at y4 + 16(bL + j) holds coordinate j of
 * local rows 4b .. 4b + 3; cy4 holds the centre's coordinate j splatted, 16 bytes per j. Per lane, a = the float32
 * squared distance with four partial sums over j mod 4 in increasing j, combined as (s0 + s1) + (s2 + s3). A row is
 * certified when a·kappa - eabs >= (f64[thr + 8t] + ec)² and a is not +Infinity (NaN certifies nothing), exactly f()'s
 * test in float64. f64[out + 8t] becomes +Infinity for every row of the blocks (f() then overwrites the survivors'),
 * and the survivors' x rows (lo + t) are listed at i32[surv], in order. L is a positive multiple of 4. Returns the
 * number of survivors.
 */
function lowBlocksBody(): number[] {
  // params (i32): 0 y4, 1 thr, 2 nb, 3 L, 4 cy4, 5 out, 6 surv, 7 lo; (f64): 8 kappa, 9 eabs, 10 ec
  // locals (i32): 11 b, 12 p, 13 cj, 14 cend, 15 mask, 16 nS, 17 tb (byte offset 8·4b); (v128): 18-21 s0..s3, 22 tv,
  //   23 a, 24 kap, 25 eab, 26 ecv, 27 inf, 28 m
  const [Y4, THR, NB, L, CY4, OUT, SURV, LO, KAPPA, EABS, EC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [B, P, CJ, CEND, MASK, NS, TB] = [11, 12, 13, 14, 15, 16, 17];
  const [S0, S1, S2, S3, TV, A, KAP, EAB, ECV, INF, M] = [18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28];
  const acc = (sLocal: number, off: number) => [
    ...[LG, sLocal, LG, P, ...V128LOAD(off), LG, CJ, ...V128LOAD(off), ...F32X4_SUB, LT, TV, LG, TV, ...F32X4_MUL],
    ...[...F32X4_ADD, LS, sLocal],
  ];
  // mask bit pair for two lanes (a at local A, f64x2): (a·kappa - eabs >= (thr + ec)²) & (a != inf)
  const test = (thrOff: number) => [
    ...[LG, A, LG, KAP, ...F64X2_MUL, LG, EAB, ...F64X2_SUB],
    ...[LG, THR, LG, TB, I32ADD, ...V128LOAD(thrOff), LG, ECV, ...F64X2_ADD, LT, M, LG, M, ...F64X2_MUL],
    ...[...F64X2_GE, LG, A, LG, INF, ...F64X2_NE, ...V128AND, ...I64X2_BITMASK],
  ];
  // lane l survives: i32[surv + 4 nS] = lo + 4b + l; nS += 1 - bit l
  const lane = (l: number) => [
    ...[LG, SURV, LG, NS, I32C, 2, I32SHL, I32ADD, LG, LO, LG, TB, I32C, 3, I32SHRU, I32ADD, I32C, l, I32ADD],
    ...[I32STORE, 2, 0],
    ...[LG, NS, I32C, 1, LG, MASK, I32C, l, I32SHRU, I32C, 1, I32AND, I32SUB, I32ADD, LS, NS],
  ];
  return [
    ...[2, 7, I32, 11, V128],
    ...[LG, KAPPA, ...F64X2_SPLAT, LS, KAP, LG, EABS, ...F64X2_SPLAT, LS, EAB, LG, EC, ...F64X2_SPLAT, LS, ECV],
    ...[...F64_INF, ...F64X2_SPLAT, LS, INF],
    ...[LG, Y4, LS, P, LG, CY4, LG, L, I32C, 4, I32SHL, I32ADD, LS, CEND],
    BLOCK,
    VOID,
    ...[LG, NB, I32EQZ, BRIF, 0],
    LOOP,
    VOID,
    ...[...V128ZERO, LS, S0, ...V128ZERO, LS, S1, ...V128ZERO, LS, S2, ...V128ZERO, LS, S3, LG, CY4, LS, CJ],
    LOOP,
    VOID,
    ...acc(S0, 0),
    ...acc(S1, 16),
    ...acc(S2, 32),
    ...acc(S3, 48),
    ...[
      LG,
      P,
      I32C,
      ...sleb(64),
      I32ADD,
      LS,
      P,
      LG,
      CJ,
      I32C,
      ...sleb(64),
      I32ADD,
      LTEE,
      CJ,
      LG,
      CEND,
      I32LTU,
      BRIF,
      0,
    ],
    END,
    ...[LG, S0, LG, S1, ...F32X4_ADD, LG, S2, LG, S3, ...F32X4_ADD, ...F32X4_ADD, LT, TV],
    // every row of the block certified first; f() overwrites the survivors' entries
    ...[LG, OUT, LG, TB, I32ADD, LG, INF, ...V128STORE(0), LG, OUT, LG, TB, I32ADD, LG, INF, ...V128STORE(16)],
    ...[...PROMOTE_LOW, LS, A, ...test(0)],
    ...[LG, TV, LG, TV, ...SHUF_HIGH, ...PROMOTE_LOW, LS, A, ...test(16), I32C, 2, I32SHL, I32OR, LT, MASK],
    ...[I32C, 15, I32NE, IF, VOID, ...lane(0), ...lane(1), ...lane(2), ...lane(3), END],
    ...[LG, TB, I32C, 32, I32ADD, LS, TB],
    ...[LG, B, I32C, 1, I32ADD, LTEE, B, LG, NB, I32LTU, BRIF, 0],
    END,
    END,
    LG,
    NS,
    END,
  ];
}

/**
 * Body of k(): the clusters a new centre k may affect, by the cheap bounds of makePart's step (src/sampling/
 * coreset-parallel.ts), two clusters per step. For a < k: cluster a is listed (i32 at out, in increasing a) when
 * r2 = f64[cmax + 8a] is not 0 and, with bound = (4·r2)·slack, neither (cn_k - cn_a)² nor any (cp_qk - cp_qa)² is
 * > bound, where cn = f64[cnorm + 8·], cp_qa = f64[cpiv + 8(q·m + a)] for the 4 pivots q (pivot-major). Float64
 * lane arithmetic is IEEE, so the list is the one the JavaScript loop makes (an empty cluster has r2 = 0). Returns
 * the list's length.
 */
function clusterScanBody(): number[] {
  // params (i32): 0 cmax, 1 cnorm, 2 cpiv, 3 m, 4 k, 5 out; (f64): 6 slack
  // locals (i32): 7 a, 8 n, 9 mask, 10 q, 11 o (byte offset 8a); (v128): 12 r2, 13 bound, 14 far, 15 t, 16 cn,
  //   17-20 cp0..cp3, 21 four, 22 sl
  const [CMAX, CNORM, CPIV, M, K, OUT, SLK] = [0, 1, 2, 3, 4, 5, 6];
  const [A, N, MASK, , O] = [7, 8, 9, 10, 11];
  const [R2, BOUND, FAR, T, CN, CP0, FOUR, SL] = [12, 13, 14, 15, 16, 17, 21, 22];
  const F64CONST_4 = [F64CONST, 0, 0, 0, 0, 0, 0, 0x10, 0x40];
  const F64X2_GT = simd(74),
    V128OR = simd(80),
    V128ANDNOT = simd(79),
    F64LOADK = (base: number) => [LG, base, LG, K, I32C, 3, I32SHL, I32ADD, F64LOAD, 3, 0];
  // pivot q's column starts at cpiv + 8·q·m
  const pivotBase = (q: number) => [LG, CPIV, LG, M, I32C, ...sleb(8 * q), I32MUL, I32ADD];
  const square = [LT, T, LG, T, ...F64X2_MUL, LG, BOUND, ...F64X2_GT];
  const emit = (lane: number) => [
    ...[LG, MASK, I32C, lane, I32SHRU, I32C, 1, I32AND],
    ...(lane === 1 ? [LG, A, I32C, 1, I32ADD, LG, K, I32LTU, I32AND] : []),
    IF,
    VOID,
    ...[LG, OUT, LG, N, I32C, 2, I32SHL, I32ADD, LG, A, I32C, lane, I32ADD, I32STORE, 2, 0],
    ...[LG, N, I32C, 1, I32ADD, LS, N],
    END,
  ];
  const pivots: number[] = [];
  for (let q = 0; q < 4; q++) {
    pivots.push(...[LG, CP0 + q, ...pivotBase(q), LG, O, I32ADD, ...V128LOAD(0), ...F64X2_SUB, ...square]);
    pivots.push(...[LG, FAR, ...V128OR, LS, FAR]);
  }
  const splats: number[] = [];
  for (let q = 0; q < 4; q++)
    splats.push(...pivotBase(q), LG, K, I32C, 3, I32SHL, I32ADD, F64LOAD, 3, 0, ...F64X2_SPLAT, LS, CP0 + q);
  return [
    ...[2, 5, I32, 11, V128],
    ...[...F64CONST_4, ...F64X2_SPLAT, LS, FOUR, LG, SLK, ...F64X2_SPLAT, LS, SL],
    ...[...F64LOADK(CNORM), ...F64X2_SPLAT, LS, CN, ...splats],
    BLOCK,
    VOID,
    ...[LG, K, I32EQZ, BRIF, 0],
    LOOP,
    VOID,
    ...[LG, A, I32C, 3, I32SHL, LS, O],
    ...[LG, CMAX, LG, O, I32ADD, ...V128LOAD(0), LT, R2, LG, FOUR, ...F64X2_MUL, LG, SL, ...F64X2_MUL, LS, BOUND],
    ...[LG, CN, LG, CNORM, LG, O, I32ADD, ...V128LOAD(0), ...F64X2_SUB, ...square, LS, FAR],
    ...pivots,
    // keep = (r2 != 0) & !far
    ...[LG, R2, ...V128ZERO, ...F64X2_NE, LG, FAR, ...V128ANDNOT, ...I64X2_BITMASK, LTEE, MASK],
    IF,
    VOID,
    ...emit(0),
    ...emit(1),
    END,
    ...[LG, A, I32C, 2, I32ADD, LTEE, A, LG, K, I32LTU, BRIF, 0],
    END,
    END,
    LG,
    N,
    END,
  ];
}

/** The module's bytes; `pages` is the size of the imported shared memory (initial = maximum). */
export function sqdistModuleBytes(pages: number): Uint8Array {
  const d = exactBody(),
    a = approxBody(),
    f = filterBody(),
    g = movesBody(),
    h = lowBlocksBody(),
    k = clusterScanBody();
  const kType = [0x60, 7, ...new Array(6).fill(I32), F64, 1, I32];
  const hType = [0x60, 11, ...new Array(8).fill(I32), ...new Array(3).fill(F64), 1, I32];
  const fType = [0x60, 18, ...new Array(13).fill(I32), ...new Array(5).fill(F64), 1, I32];
  const gType = [0x60, 22, ...new Array(17).fill(I32), ...new Array(5).fill(F64), 1, I32];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [5, 0x60, 6, I32, I32, I32, I32, I32, I32, 0, ...fType, ...gType, ...hType, ...kType]),
    ...section(2, [1, ...str('e'), ...str('m'), 0x02, 0x03, ...uleb(pages), ...uleb(pages)]),
    ...section(3, [6, 0, 0, 1, 2, 3, 4]),
    ...section(7, [
      6,
      ...[...str('d'), 0x00, 0, ...str('a'), 0x00, 1, ...str('f'), 0x00, 2, ...str('g'), 0x00, 3],
      ...[...str('h'), 0x00, 4, ...str('k'), 0x00, 5],
    ]),
    ...section(10, [
      6,
      ...uleb(d.length),
      ...d,
      ...uleb(a.length),
      ...a,
      ...uleb(f.length),
      ...f,
      ...uleb(g.length),
      ...g,
      ...uleb(h.length),
      ...h,
      ...uleb(k.length),
      ...k,
    ]),
  ];
  return Uint8Array.from(bytes);
}

/**
 * Certified filter of a(): for finite float32 inputs, a() returns a value within a relative error of
 * (dim + 8) * 2^-23 of the exact distance (each term: one rounded subtraction and one rounded square; the sum: at most
 * dim / 8 + 4 rounded additions of non-negative terms, in any order), plus an absolute error below 2^-120 from
 * subnormal results. So a row whose approximation is >= approxThreshold(limit) has an exact distance >= limit. An
 * infinite or NaN approximation certifies nothing (the caller computes the exact distance).
 */
export function approxThreshold(limit: number, dim: number): number {
  return limit * (1 + (dim + 8) * 2 ** -22) + 2 ** -110;
}

/** Largest shared memory the kernel can use: 65,536 pages of 64 KiB (wasm32's 4 GiB). */
export const WASM_MAX_PAGES = 65536;

/** The few WebAssembly globals used (the project's TypeScript lib has no WebAssembly declarations). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => SharedWasmMemory;
}
/** A shared WebAssembly.Memory: its buffer is a SharedArrayBuffer that worker_threads can receive. */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** A shared memory of `pages` 64 KiB pages (initial = maximum), for sqdistModuleBytes(pages). */
export function newSharedMemory(pages: number): SharedWasmMemory {
  if (!WA) throw new Error('WebAssembly is not available in this runtime');
  return new WA.Memory({ initial: pages, maximum: pages, shared: true });
}

let supported: boolean | null = null;
/** Whether this runtime has WebAssembly with SIMD and shared memory (Node 20 has both). */
export function wasmSqdistSupported(): boolean {
  if (supported === null) {
    try {
      supported = !!WA && WA.validate(sqdistModuleBytes(1));
      if (supported) newSharedMemory(1);
    } catch {
      supported = false;
    }
  }
  return supported;
}
