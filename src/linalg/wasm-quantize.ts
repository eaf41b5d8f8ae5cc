/**
 * A WebAssembly SIMD quantiser for the int8 first pass of the certified 1-NN (./quantized-nearest.ts): the JavaScript
 * loop it replaces ran 3-5 ns a value (throughput-bound); with the row ranges it was about 40 % of the 1-NN's
 * main-thread time in a 1024-d profile. This kernel runs about 0.8 ns a value.
 *
 * q(x, rows, d, scales, zero, lo, hi, outQ, outS), byte offsets into the imported memory; for each row r < rows and
 * column c < d, with v = f32 x[r·d + c], s = f32 scales[r], inv = f32(1 / s):
 *   w = min(max(nearest(v · inv) + zero, lo), hi) - zero        (float32; nearest = round half to even; a NaN stays)
 *   outQ byte[r·d + c] = w + zero                             (its lowest byte: as uint8 for 0..255, as int8 for -128..127)
 *   outS f64[2r] = Σ_c (v - s·w)²,  outS f64[2r + 1] = Σ_c (s·w)²   (float64; s·w is exact there)
 * zero, lo and hi are integers (lo <= zero <= hi) within the byte's range, so every w + zero is an integer the byte
 * holds. Any rounding of v · inv is allowed (the caller measures the residual after), so float32 is enough; the sums
 * run in float64 in lane order, within the caller's margin (d·2^-53 relative) of any other order. A NaN v gives a
 * byte of 0 and NaN sums (the caller then trusts no bound of that row).
 */
import { uleb, section, str, simd, get, set, tee, i32c } from './wasm-asm';

const I32 = 0x7f,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  VOID = 0x40;
const BLOCK = 0x02,
  LOOP = 0x03,
  END = 0x0b,
  BR = 0x0c,
  BRIF = 0x0d;
const F32LOAD = [0x2a, 2, 0],
  F64STORE = (offset: number) => [0x39, 3, ...uleb(offset)],
  I32STORE8 = [0x3a, 0, 0];
const I32EQZ = 0x45,
  I32LTU = 0x49,
  I32GEU = 0x4f,
  I32ADD = 0x6a,
  I32SUB = 0x6b,
  I32MUL = 0x6c,
  I32AND = 0x71,
  I32SHL = 0x74;
const F32ADD = 0x92,
  F32SUB = 0x93,
  F32MUL = 0x94,
  F32DIV = 0x95,
  F32MIN = 0x96,
  F32MAX = 0x97,
  F32NEAREST = 0x90,
  F64ADD = 0xa0,
  F64SUB = 0xa1,
  F64MUL = 0xa2,
  PROMOTE = 0xbb,
  I32_TRUNC_SAT_F32_S = [0xfc, 0x00];
const V128STORE = [...simd(11), 0, 0],
  F32X4_SPLAT = simd(19),
  F64X2_SPLAT = simd(20),
  F32X4_NEAREST = simd(106),
  F32X4_ADD = simd(228),
  F32X4_SUB = simd(229),
  F32X4_MUL = simd(230),
  F32X4_PMIN = simd(234),
  F32X4_PMAX = simd(235),
  F64X2_ADD = simd(240),
  F64X2_SUB = simd(241),
  F64X2_MUL = simd(242),
  PROMOTE_LOW = simd(95),
  F64_LANE = (l: number) => [...simd(33), l],
  SHUF_HIGH = [...simd(13), 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
  V128ZERO = [...simd(12), ...new Array<number>(16).fill(0)];

// Parameters.
const X = 0,
  ROWS = 1,
  D = 2,
  SC = 3,
  ZERO = 4,
  LO = 5,
  HI = 6,
  OUTQ = 7,
  OUTS = 8;
// Locals: i32 R, J, P, QP, END16; f32 S, INV, SV, W; f64 ES, NS, T, DF; v128 VINV, VZ, VLO, VHI, VS64, VMAGIC, V, C,
// VW, T2, DV, U0-U3, E0-E3, N0-N3.
const R = 9,
  J = 10,
  P = 11,
  QP = 12,
  END16 = 13;
const S = 14,
  INV = 15,
  SV = 16,
  W = 17;
const ES = 18,
  NS = 19,
  T = 20,
  DF = 21;
const VINV = 22,
  VZ = 23,
  VLO = 24,
  VHI = 25,
  VS64 = 26,
  VMAGIC = 27,
  V = 28,
  C = 29,
  VW = 30,
  T2 = 31,
  DV = 32,
  U0 = 33,
  E0 = 37,
  N0 = 41;
const V128_LOCALS = 23;

/**
 * 1.5·2^23: for an integer |x| < 2^22, the float32 x + MAGIC holds 2^22 + x in its mantissa, so its lowest byte is x's
 * two's-complement byte (signed) or x itself (0..255); a NaN gives byte 0. One add and a byte shuffle per four values,
 * where a saturating conversion and two narrowings cost about a nanosecond a value in V8.
 */
const MAGIC = [0x43, 0, 0, 0x40, 0x4b];

/** Two float64 lanes (the low or the high two) into accumulators e and n: t = s·w, e += (v - t)², n += t². */
function stats(high: boolean, e: number, n: number): number[] {
  const lanes = (x: number) => (high ? [...get(x), ...get(x), ...SHUF_HIGH] : get(x));
  return [
    ...[...lanes(VW), ...PROMOTE_LOW, ...get(VS64), ...F64X2_MUL, ...set(T2)],
    ...[...lanes(V), ...PROMOTE_LOW, ...get(T2), ...F64X2_SUB, ...set(DV)],
    ...[...get(e), ...get(DV), ...get(DV), ...F64X2_MUL, ...F64X2_ADD, ...set(e)],
    ...[...get(n), ...get(T2), ...get(T2), ...F64X2_MUL, ...F64X2_ADD, ...set(n)],
  ];
}

/** Vector k (0..3) of the sixteen values at P: levels, the byte-carrying U_k, and its sums. */
function vector(k: number): number[] {
  const pair = 2 * (k & 1);
  return [
    ...[...get(P), ...simd(0), 0, ...uleb(16 * k), ...tee(V), ...get(VINV), ...F32X4_MUL, ...F32X4_NEAREST],
    ...[...get(VZ), ...F32X4_ADD, ...get(VLO), ...F32X4_PMAX, ...get(VHI), ...F32X4_PMIN, ...tee(C)],
    ...[...get(VZ), ...F32X4_SUB, ...set(VW), ...get(C), ...get(VMAGIC), ...F32X4_ADD, ...set(U0 + k)],
    ...stats(false, E0 + pair, N0 + pair),
    ...stats(true, E0 + pair + 1, N0 + pair + 1),
  ];
}

/** Lowest byte of each lane of a (lanes 0-3) and b (lanes 4-7), the rest zero: the shuffle's indices. */
const LOW_BYTES = [0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0];

/** Sum of the lanes of accumulators first .. first + 3 (float64 pairs). */
function laneSum(first: number): number[] {
  return [
    ...[...get(first), ...get(first + 1), ...F64X2_ADD, ...get(first + 2), ...F64X2_ADD, ...get(first + 3)],
    ...[...F64X2_ADD, ...tee(T2), ...F64_LANE(0), ...get(T2), ...F64_LANE(1), F64ADD],
  ];
}

function body(): number[] {
  const zeroAcc: number[] = [];
  for (let a = 0; a < 4; a++) zeroAcc.push(...V128ZERO, ...set(E0 + a), ...V128ZERO, ...set(N0 + a));
  return [
    // locals: 5 i32, 4 f32, 4 f64, V128_LOCALS v128
    4,
    5,
    I32,
    4,
    F32,
    4,
    F64,
    V128_LOCALS,
    V128,
    ...[...get(ZERO), ...F32X4_SPLAT, ...set(VZ), ...get(LO), ...F32X4_SPLAT, ...set(VLO)],
    ...[...get(HI), ...F32X4_SPLAT, ...set(VHI), ...MAGIC, ...F32X4_SPLAT, ...set(VMAGIC)],
    ...[...get(D), ...get(D), ...i32c(15), I32AND, I32SUB, ...set(END16)], // d - d mod 16: whole groups of sixteen
    BLOCK,
    VOID,
    ...[...get(ROWS), I32EQZ, BRIF, 0],
    LOOP,
    VOID,
    // Per row: scale, inverse, accumulators, pointers.
    ...[...get(SC), ...get(R), ...i32c(2), I32SHL, I32ADD, ...F32LOAD, ...set(S)],
    ...[0x43, 0, 0, 0x80, 0x3f /* f32 1 */, ...get(S), F32DIV, ...tee(INV), ...F32X4_SPLAT, ...set(VINV)],
    ...[...get(S), PROMOTE, ...F64X2_SPLAT, ...set(VS64), ...zeroAcc],
    ...[...get(R), ...get(D), I32MUL, ...tee(QP), ...i32c(2), I32SHL, ...get(X), I32ADD, ...set(P)],
    ...[...get(QP), ...get(OUTQ), I32ADD, ...set(QP), ...i32c(0), ...set(J)],
    // Groups of sixteen values: four vectors, then their sixteen bytes in one store.
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...[...get(J), ...get(END16), I32GEU, BRIF, 1],
    ...vector(0),
    ...vector(1),
    ...vector(2),
    ...vector(3),
    ...get(QP),
    ...[
      ...get(U0),
      ...get(U0 + 1),
      ...simd(13),
      ...LOW_BYTES,
      ...get(U0 + 2),
      ...get(U0 + 3),
      ...simd(13),
      ...LOW_BYTES,
    ],
    ...[...simd(13), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, ...V128STORE],
    ...[...get(P), ...i32c(64), I32ADD, ...set(P), ...get(QP), ...i32c(16), I32ADD, ...set(QP)],
    ...[...get(J), ...i32c(16), I32ADD, ...set(J), BR, 0],
    END,
    END,
    // The last d mod 16 columns, one by one.
    ...[...laneSum(E0), ...set(ES), ...laneSum(N0), ...set(NS)],
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...[...get(J), ...get(D), I32GEU, BRIF, 1],
    ...[...get(P), ...F32LOAD, ...tee(SV), ...get(INV), F32MUL, F32NEAREST, ...get(ZERO), F32ADD],
    ...[...get(LO), F32MAX, ...get(HI), F32MIN, ...get(ZERO), F32SUB, ...set(W)],
    ...[...get(QP), ...get(W), ...get(ZERO), F32ADD, ...I32_TRUNC_SAT_F32_S, ...I32STORE8],
    ...[...get(W), PROMOTE, ...get(S), PROMOTE, F64MUL, ...tee(T), ...get(T), F64MUL, ...get(NS), F64ADD, ...set(NS)],
    ...[...get(SV), PROMOTE, ...get(T), F64SUB, ...tee(DF), ...get(DF), F64MUL, ...get(ES), F64ADD, ...set(ES)],
    ...[...get(P), ...i32c(4), I32ADD, ...set(P), ...get(QP), ...i32c(1), I32ADD, ...set(QP)],
    ...[...get(J), ...i32c(1), I32ADD, ...set(J), BR, 0],
    END,
    END,
    ...[...get(OUTS), ...get(R), ...i32c(4), I32SHL, I32ADD, ...tee(J), ...get(ES), ...F64STORE(0)],
    ...[...get(J), ...get(NS), ...F64STORE(8)],
    ...[...get(R), ...i32c(1), I32ADD, ...tee(R), ...get(ROWS), I32LTU, BRIF, 0],
    END,
    END,
    END,
  ];
}

/** The module's bytes: one function q (see the file comment) over an imported plain memory e.m. */
export function quantizeModuleBytes(): Uint8Array {
  const b = body();
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 9, I32, I32, I32, I32, F32, F32, F32, I32, I32, 0]),
    ...section(2, [1, ...str('e'), ...str('m'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('q'), 0x00, 0]),
    ...section(10, [1, ...uleb(b.length), ...b]),
  ]);
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** The WebAssembly globals used (the project's TypeScript lib has no WebAssembly declarations). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { q: (...a: number[]) => void } };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let supported: boolean | null = null;
/** Whether this runtime has WebAssembly with SIMD (Node 20 has). */
export function wasmQuantizeSupported(): boolean {
  if (supported === null) {
    try {
      supported = !!WA && WA.validate(quantizeModuleBytes());
    } catch {
      supported = false;
    }
  }
  return supported;
}

/** The kernel and its memory, kept for the process (a block's rows are copied in, so the memory stays small). */
let kernel: { mem: WasmMemory; q: (...a: number[]) => void } | null = null;

/** Bytes of float32 input per kernel call: a 1,024-row block at 1,024-d, or as many rows of a wider one. */
const CHUNK_BYTES = 4 << 20;

/** Quantised rows and, per row, the float64 sums Σ(v - s·w)² (resid2) and Σ(s·w)² (norm2); see the file comment. */
export interface WasmQuantized {
  q: Uint8Array;
  resid2: Float64Array;
  norm2: Float64Array;
}

/**
 * Quantises rows list[0], list[1], ... of x (width d; list null = rows 0 .. rows - 1) as the kernel does (see the file
 * comment), scale[r] for output row r (a number: the same scale for every row), into q (row-major, rows x d bytes,
 * read them as Int8Array where lo < 0). The rows go through the kernel's memory in chunks of CHUNK_BYTES.
 */
export function quantizeRowsWasm(
  x: Float32Array,
  list: ArrayLike<number> | null,
  rows: number,
  d: number,
  scale: Float32Array | number,
  zero: number,
  lo: number,
  hi: number,
): WasmQuantized {
  if (!WA || !wasmQuantizeSupported()) throw new Error('WebAssembly SIMD is not available in this runtime');
  const out: WasmQuantized = {
    q: new Uint8Array(rows * d),
    resid2: new Float64Array(rows),
    norm2: new Float64Array(rows),
  };
  if (rows === 0 || d === 0) return out;
  const chunk = Math.max(1, Math.min(rows, Math.floor(CHUNK_BYTES / (4 * d))));
  // Layout: x (chunk x d float32), scales (chunk float32), sums (chunk x 2 float64, 8-aligned), bytes (chunk x d).
  const xb = 0,
    sb = chunk * d * 4,
    ob = (sb + chunk * 4 + 7) & ~7,
    qb = ob + chunk * 16,
    need = qb + chunk * d;
  if (!kernel) {
    const mem = new WA.Memory({ initial: Math.ceil(need / 65536) });
    kernel = { mem, q: new WA.Instance(new WA.Module(quantizeModuleBytes()), { e: { m: mem } }).exports.q };
  } else if (kernel.mem.buffer.byteLength < need)
    kernel.mem.grow(Math.ceil((need - kernel.mem.buffer.byteLength) / 65536));
  const buf = kernel.mem.buffer;
  const xs = new Float32Array(buf, xb, chunk * d),
    sc = new Float32Array(buf, sb, chunk),
    sums = new Float64Array(buf, ob, chunk * 2),
    qs = new Uint8Array(buf, qb, chunk * d);
  if (typeof scale === 'number') sc.fill(scale);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const n = Math.min(chunk, rows - r0);
    if (list) for (let r = 0; r < n; r++) xs.set(x.subarray(list[r0 + r] * d, (list[r0 + r] + 1) * d), r * d);
    else xs.set(x.subarray(r0 * d, (r0 + n) * d));
    if (typeof scale !== 'number') sc.set(scale.subarray(r0, r0 + n));
    kernel.q(xb, n, d, sb, zero, lo, hi, qb, ob);
    out.q.set(qs.subarray(0, n * d), r0 * d);
    for (let r = 0; r < n; r++) {
      out.resid2[r0 + r] = sums[2 * r];
      out.norm2[r0 + r] = sums[2 * r + 1];
    }
  }
  return out;
}
