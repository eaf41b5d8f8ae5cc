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
 */

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

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(Buffer.from(s, 'utf8'))];

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
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
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

/** The module's bytes; `pages` is the size of the imported shared memory (initial = maximum). */
export function sqdistModuleBytes(pages: number): Uint8Array {
  const d = exactBody(),
    a = approxBody();
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...str('e'), ...str('m'), 0x02, 0x03, ...uleb(pages), ...uleb(pages)]),
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...str('d'), 0x00, 0, ...str('a'), 0x00, 1]),
    ...section(10, [2, ...uleb(d.length), ...d, ...uleb(a.length), ...a]),
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
