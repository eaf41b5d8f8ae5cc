/**
 * A WebAssembly SIMD selection of each row's kk smallest scores, fused with the half-norm subtraction, in place of
 * onnxruntime's TopK in the grouped k-NN (./grouped-knn.ts): onnxruntime only multiplies, and this kernel reads the
 * products where onnxruntime wrote them (a preallocated output in the kernel's memory).
 *
 * t(dots, hn, rows, n, kk, outV, outI, scr), all byte offsets into the imported memory; for each row r < rows:
 *   s_j = hn f32[j] - dots f32[r * n + j]  (float32; = -(dots - hn), the graph's Sub negated, exactly)
 *   the kk first members j of the order "s ascending, NaN after every number, ties by lower j", written as
 *   outV f32[r * kk + t] = 2 s (the caller's ||q-b||² - ||q||²) and outI i32[r * kk + t] = j, t ascending.
 * 1 <= kk <= n. scr: 256 + 8 n + 32 + 32 m bytes (m = ceil(kk / 4)), starting with the 16 byte shuffles of compress()
 * (topkStage writes them): row b lists the byte indices of the lanes set in b, in order.
 *
 * How, per row, in three passes:
 * 1. Members j < n - n mod 4s go round s = m f32x4 streams (m = ceil(kk / 4)), vector by vector; each stream keeps
 *    the minimum of each of its lanes (pmin: a NaN never enters). These 4s values are 4s distinct members (or
 *    +Infinity fillers), so their kk-th smallest, tau, bounds the row's kk-th smallest from above. (One pmin per vector;
 *    a min/max chain keeping each lane's m smallest, a tighter bound, cost more than it saved.)
 * 2. Every member with s <= tau is collected in index order (a vector compare, then a table shuffle packs the kept lanes
 *    to the front, no branch: the branches on the compare mispredicted often enough to cost a third of the kernel);
 *    when tau is not below +Infinity (fillers, infinities, NaN rows) every member is collected.
 * 3. The collected members go through a sorted list, in index order, each inserted after its equals: the first kk of a
 *    stable sort of the collected members, which hold the row's first kk (all of those have s <= tau). Without NaN
 *    (tau finite) the list is 4m lanes of SIMD vectors, each member inserted by compare and bitselect; else a scalar
 *    kk-long list that a member enters when it comes before its last (s smaller, or the last is NaN and s is not).
 * WebAssembly float32 arithmetic is IEEE: each s is the one a JavaScript Math.fround model computes.
 */
import { uleb, section, str, simd, get, set, tee, i32c } from './wasm-asm';

// Opcodes (https://webassembly.github.io/spec/core/binary/instructions.html).
const I32 = 0x7f,
  F32 = 0x7d,
  V128 = 0x7b,
  VOID = 0x40;
const BLOCK = 0x02,
  LOOP = 0x03,
  IF = 0x04,
  ELSE = 0x05,
  END = 0x0b,
  BR = 0x0c,
  BRIF = 0x0d;
const I32LOAD = [0x28, 2, 0],
  F32LOAD = [0x2a, 2, 0],
  I32STORE = [0x36, 2, 0],
  F32STORE = [0x38, 2, 0];
const I32EQZ = 0x45,
  I32LTU = 0x49,
  I32GEU = 0x4f,
  I32ADD = 0x6a,
  I32SUB = 0x6b,
  I32MUL = 0x6c,
  I32AND = 0x71,
  I32OR = 0x72,
  I32SHL = 0x74,
  I32GTU = 0x4b,
  I32POPCNT = 0x69;
const F32EQ = 0x5b,
  F32NE = 0x5c,
  F32LT = 0x5d,
  F32LE = 0x5f,
  F32SUB = 0x93,
  F32ADD = 0x92,
  F32MIN = 0x96,
  SELECT = 0x1b;
const V128LOAD = [...simd(0), 0, 0],
  v128load = (offset: number) => [...simd(0), 0, ...uleb(offset)],
  V128STORE = [...simd(11), 0, 0],
  F32X4_SPLAT = simd(19),
  F32X4_LE = simd(69),
  F32X4_SUB = simd(229),
  F32X4_PMIN = simd(234),
  F32X4_LT = simd(67),
  F32X4_ADD = simd(228),
  I32X4_SPLAT = simd(17),
  V128_BITSELECT = simd(82),
  V128ZERO = [...simd(12), ...new Array(16).fill(0)],
  IOTA = [...simd(12), 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0],
  I32X4_BITMASK = simd(164),
  I32X4_ADD = simd(174),
  I8X16_SWIZZLE = simd(14),
  // Lanes [a3, b0, b1, b2] of (a, b): b moved one lane up, a's last lane in front.
  SHIFT_LANE = [...simd(13), 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];
const F32_INF = [0x43, 0, 0, 0x80, 0x7f];

// Locals: parameters, then i32, f32 and v128 locals.
const DOTS = 0,
  HN = 1,
  ROWS = 2,
  N = 3,
  KK = 4,
  OUTV = 5,
  OUTI = 6,
  SCR = 7;
const R = 8,
  ROW = 9,
  J = 10,
  POS = 11,
  C = 12,
  OV = 13,
  OI = 14,
  JV = 15,
  P = 16,
  IX = 17,
  Q = 18,
  MV = 19,
  CI = 20,
  CV = 21;
const I32_LOCALS = 14;
const V = 22,
  TAU = 23,
  A = 24;
const F32_LOCALS = 3;
const TAUV = 25,
  X = 26,
  LO = 27,
  M0 = 28;

/** f32 s_j of the current row: hn[j] - row[j], with j in local `j`. */
const score = (j: number) => [
  ...[...get(HN), ...get(j), ...i32c(2), I32SHL, I32ADD, ...F32LOAD],
  ...[...get(ROW), ...get(j), ...i32c(2), I32SHL, I32ADD, ...F32LOAD],
  F32SUB,
];

/** i32: whether f32 local `x` comes before local `y` (x < y, or y is NaN and x is not). */
const before = (x: number, y: number, noNaN: boolean) =>
  noNaN
    ? [...get(x), ...get(y), F32LT]
    : [...get(x), ...get(y), F32LT, ...get(y), ...get(y), F32NE, ...get(x), ...get(x), F32EQ, I32AND, I32OR];

/**
 * Inserts (v, ix) into the row's output list at or before position `pos` (which it may overwrite): entries that v comes
 * before shift one place up.
 */
const insert = (noNaN: boolean): number[] => [
  BLOCK,
  VOID,
  LOOP,
  VOID,
  ...[...get(POS), I32EQZ, BRIF, 1],
  ...[...get(OV), ...get(POS), ...i32c(2), I32SHL, I32ADD, ...tee(P), ...i32c(4), I32SUB, ...F32LOAD, ...set(A)],
  ...[...before(V, A, noNaN), I32EQZ, BRIF, 1],
  ...[...get(P), ...get(A), ...F32STORE],
  ...[...get(OI), ...get(POS), ...i32c(2), I32SHL, I32ADD, ...tee(P)],
  ...[...get(P), ...i32c(4), I32SUB, ...I32LOAD, ...I32STORE],
  ...[...get(POS), ...i32c(1), I32SUB, ...set(POS), BR, 0],
  END,
  END,
  ...[...get(OV), ...get(POS), ...i32c(2), I32SHL, I32ADD, ...get(V), ...F32STORE],
  ...[...get(OI), ...get(POS), ...i32c(2), I32SHL, I32ADD, ...get(IX), ...I32STORE],
];

/**
 * Appends the lanes of x that the mask (local LO) keeps to the collected lists, in lane order, without a branch: the
 * 4-bit mask picks a byte shuffle from the table at scr (written by topkStage) that packs those lanes in front; the
 * whole vector is stored at the end of the list, which then grows by the mask's popcount.
 */
const compress = () => [
  ...[...get(SCR), ...get(LO), ...I32X4_BITMASK, ...tee(P), ...i32c(4), I32SHL, I32ADD, ...V128LOAD, ...set(LO)],
  ...[...get(CV), ...get(C), ...i32c(2), I32SHL, I32ADD, ...get(X), ...get(LO), ...I8X16_SWIZZLE, ...V128STORE],
  ...[...get(CI), ...get(C), ...i32c(2), I32SHL, I32ADD, ...get(J), ...I32X4_SPLAT, ...IOTA, ...I32X4_ADD],
  ...[...get(LO), ...I8X16_SWIZZLE, ...V128STORE],
  ...[...get(C), ...get(P), I32POPCNT, I32ADD, ...set(C)],
];

/**
 * Pass 3 without NaN: the list is m value vectors (locals M0..) and m index vectors (I0..), +Infinity at first; each
 * collected member goes in branch-free: lanes where it is below the list (a suffix, the list being sorted) take their
 * left neighbour, the first of them the member. Then 2x the first kk values, and their indices, go out.
 */
function pass3Vectors(m: number): number[] {
  const I0 = M0 + m,
    VS = M0 + 2 * m,
    XS = VS + 1,
    MCUR = VS + 2,
    MPREV = VS + 3;
  const out: number[] = [];
  for (let l = 0; l < m; l++) out.push(...F32_INF, ...F32X4_SPLAT, ...set(M0 + l), ...V128ZERO, ...set(I0 + l));
  out.push(...[...i32c(0), ...set(Q)], BLOCK, VOID, LOOP, VOID, ...[...get(Q), ...get(C), I32GEU, BRIF, 1]);
  out.push(...[...get(CV), ...get(Q), ...i32c(2), I32SHL, I32ADD, ...F32LOAD, ...F32X4_SPLAT, ...set(VS)]);
  out.push(...[...get(CI), ...get(Q), ...i32c(2), I32SHL, I32ADD, ...I32LOAD, ...I32X4_SPLAT, ...set(XS)]);
  out.push(...[...get(VS), ...get(M0 + m - 1), ...F32X4_LT, ...set(MCUR)]);
  for (let l = m - 1; l >= 0; l--) {
    if (l > 0) out.push(...get(VS), ...get(M0 + l - 1), ...F32X4_LT, ...set(MPREV));
    else out.push(...V128ZERO, ...set(MPREV));
    for (const [list, fresh] of [
      [M0, VS],
      [I0, XS],
    ]) {
      out.push(...get(list + Math.max(0, l - 1)), ...get(list + l), ...SHIFT_LANE, ...get(fresh));
      out.push(...get(MPREV), ...get(MCUR), ...SHIFT_LANE, ...V128_BITSELECT);
      out.push(...get(list + l), ...get(MCUR), ...V128_BITSELECT, ...set(list + l));
    }
    out.push(...get(MPREV), ...set(MCUR));
  }
  out.push(...[...get(Q), ...i32c(1), I32ADD, ...set(Q), BR, 0], END, END);
  for (let l = 0; l < m; l++) {
    out.push(...get(MV), ...i32c(16 * l), I32ADD, ...get(M0 + l), ...get(M0 + l), ...F32X4_ADD, ...V128STORE);
    out.push(...get(MV), ...i32c(16 * (m + l)), I32ADD, ...get(I0 + l), ...V128STORE);
  }
  out.push(...[...i32c(0), ...set(Q)], LOOP, VOID);
  out.push(...[...get(OV), ...get(Q), ...i32c(2), I32SHL, I32ADD, ...get(MV), ...get(Q), ...i32c(2), I32SHL, I32ADD]);
  out.push(...F32LOAD, ...F32STORE);
  out.push(...[...get(OI), ...get(Q), ...i32c(2), I32SHL, I32ADD, ...get(MV), ...get(Q), ...i32c(2), I32SHL, I32ADD]);
  out.push(...i32c(16 * m), I32ADD, ...I32LOAD, ...I32STORE);
  out.push(...[...get(Q), ...i32c(1), I32ADD, ...tee(Q), ...get(KK), I32LTU, BRIF, 0], END);
  return out;
}

/** Pass 3 (see the file comment); noNaN: tau was below +Infinity, so no collected score is NaN. */
const pass3 = (noNaN: boolean): number[] => [
  ...[...i32c(0), ...set(Q)],
  BLOCK,
  VOID,
  LOOP,
  VOID,
  ...[...get(Q), ...get(C), I32GEU, BRIF, 1],
  ...[...get(CV), ...get(Q), ...i32c(2), I32SHL, I32ADD, ...F32LOAD, ...set(V)],
  ...[...get(CI), ...get(Q), ...i32c(2), I32SHL, I32ADD, ...I32LOAD, ...set(IX)],
  ...[...get(Q), ...get(KK), I32LTU, IF, VOID],
  ...[...get(Q), ...set(POS), ...insert(noNaN)],
  ELSE,
  ...[...get(OV), ...get(KK), ...i32c(2), I32SHL, I32ADD, ...i32c(4), I32SUB, ...F32LOAD, ...set(A)],
  ...[...before(V, A, noNaN), IF, VOID, ...get(KK), ...i32c(1), I32SUB, ...set(POS), ...insert(noNaN), END],
  END,
  ...[...get(Q), ...i32c(1), I32ADD, ...set(Q), BR, 0],
  END,
  END,
];

function body(m: number): number[] {
  // Pass 1 runs s = m streams (4m lane minima >= kk): one pmin per vector, m vectors per step. (m + 1 or 2m streams give
  // a tighter bound, but counting for tau grows with s² and cost more than the fewer collected members saved.)
  const streams = m;
  const mins: number[] = [];
  for (let l = 0; l < streams; l++)
    mins.push(
      ...[...get(M0 + l), ...get(HN), ...get(P), I32ADD, ...v128load(16 * l)],
      ...[...get(ROW), ...get(P), I32ADD, ...v128load(16 * l), ...F32X4_SUB, ...F32X4_PMIN, ...set(M0 + l)],
    );
  const fill: number[] = [];
  for (let l = 0; l < streams; l++) fill.push(...F32_INF, ...F32X4_SPLAT, ...set(M0 + l));
  // i32 on the stack + how many of the lane minima are <= every lane of x
  const count: number[] = [];
  for (let l = 0; l < streams; l++)
    count.push(...get(M0 + l), ...get(X), ...F32X4_LE, ...I32X4_BITMASK, I32POPCNT, I32ADD);
  const store: number[] = [];
  for (let l = 0; l < streams; l++) store.push(...get(MV), ...i32c(16 * l), I32ADD, ...get(M0 + l), ...V128STORE);
  return [
    ...[3, I32_LOCALS, I32, F32_LOCALS, F32, 3 + 2 * m + 4, V128],
    // jv = n & ~3 (-4: signed LEB128 0x7c); ci = scr + 4n; mv = scr + 8n
    ...[...get(N), 0x41, 0x7c, I32AND, ...set(JV)],
    ...[...get(SCR), ...i32c(256), I32ADD, ...tee(CV), ...get(N), ...i32c(2), I32SHL, I32ADD, ...i32c(16), I32ADD],
    ...[...tee(CI), ...get(N), ...i32c(2), I32SHL, I32ADD, ...i32c(16), I32ADD, ...set(MV)],
    BLOCK,
    VOID,
    ...[...get(ROWS), I32EQZ, BRIF, 0],
    LOOP,
    VOID,
    ...[...get(DOTS), ...get(R), ...get(N), I32MUL, ...i32c(2), I32SHL, I32ADD, ...set(ROW)],
    ...[...get(R), ...get(KK), I32MUL, ...i32c(2), I32SHL, ...tee(P), ...get(OUTV), I32ADD, ...set(OV)],
    ...[...get(P), ...get(OUTI), I32ADD, ...set(OI)],
    // Pass 1: the lane minima of the streams (member j in stream (j / 4) mod s), over the first multiple of 4s members.
    ...fill,
    ...[...i32c(0), ...set(J)],
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...[...get(J), ...i32c(4 * streams), I32ADD, ...get(N), I32GTU, BRIF, 1],
    ...[...get(J), ...i32c(2), I32SHL, ...set(P)],
    ...mins,
    ...[...get(J), ...i32c(4 * streams), I32ADD, ...set(J), BR, 0],
    END,
    END,
    // tau = the kk-th smallest of the 4s lane minima (none is NaN): the smallest of them that at least kk of them are
    // <= to, counted by vector compares (a branchy sort of 16 values took half of the kernel).
    ...store,
    ...[...F32_INF, ...set(TAU), ...i32c(0), ...set(Q)],
    LOOP,
    VOID,
    ...[...get(MV), ...get(Q), ...i32c(2), I32SHL, I32ADD, ...F32LOAD, ...tee(V), ...F32X4_SPLAT, ...set(X)],
    ...[...i32c(0), ...count, ...set(P)],
    ...[...get(TAU), ...get(V), F32MIN, ...get(TAU), ...get(P), ...get(KK), I32GEU, SELECT, ...set(TAU)],
    ...[...get(Q), ...i32c(1), I32ADD, ...tee(Q), ...i32c(4 * streams), I32LTU, BRIF, 0],
    END,
    // Pass 2: collect.
    ...[...i32c(0), ...set(C), ...i32c(0), ...set(J)],
    ...[...get(TAU), ...F32_INF, F32LT, IF, VOID],
    ...[...get(TAU), ...F32X4_SPLAT, ...set(TAUV)],
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...[...get(J), ...get(JV), I32GEU, BRIF, 1],
    ...[...get(J), ...i32c(2), I32SHL, ...set(P)],
    ...[...get(HN), ...get(P), I32ADD, ...V128LOAD, ...get(ROW), ...get(P), I32ADD, ...V128LOAD, ...F32X4_SUB],
    ...[...tee(X), ...get(TAUV), ...F32X4_LE, ...set(LO), ...compress()],
    ...[...get(J), ...i32c(4), I32ADD, ...set(J), BR, 0],
    END,
    END,
    ELSE,
    // Not below +Infinity: every member (NaN included) goes to pass 3.
    ...[...F32_INF, ...set(TAU)],
    END,
    // The rest one by one (the leftover n mod 4, or every member); the test accepts all when tau is +Infinity (the
    // fallback), NaN by the `ne` below.
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...[...get(J), ...get(N), I32GEU, BRIF, 1],
    ...[...score(J), ...set(V)],
    ...[...get(V), ...get(TAU), F32LE, ...get(V), ...get(V), F32NE, ...get(TAU), ...F32_INF, 0x5b, I32AND, I32OR],
    IF,
    VOID,
    ...[...get(CV), ...get(C), ...i32c(2), I32SHL, I32ADD, ...get(V), ...F32STORE],
    ...[...get(CI), ...get(C), ...i32c(2), I32SHL, I32ADD, ...get(J), ...I32STORE],
    ...[...get(C), ...i32c(1), I32ADD, ...set(C)],
    END,
    ...[...get(J), ...i32c(1), I32ADD, ...set(J), BR, 0],
    END,
    END,
    // Pass 3: the first kk of the collected, sorted (no NaN among them unless every member was collected).
    ...[...get(TAU), ...F32_INF, F32LT, IF, VOID, ...pass3Vectors(m), ELSE, ...pass3(false)],
    // Scores times 2 (exact: the caller's ||q-b||² - ||q||²).
    ...[...i32c(0), ...set(Q)],
    LOOP,
    VOID,
    ...[
      ...get(OV),
      ...get(Q),
      ...i32c(2),
      I32SHL,
      I32ADD,
      ...tee(P),
      ...get(P),
      ...F32LOAD,
      ...tee(V),
      ...get(V),
      F32ADD,
    ],
    ...F32STORE,
    ...[...get(Q), ...i32c(1), I32ADD, ...tee(Q), ...get(KK), I32LTU, BRIF, 0],
    END,
    END,
    ...[...get(R), ...i32c(1), I32ADD, ...tee(R), ...get(ROWS), I32LTU, BRIF, 0],
    END,
    END,
    END,
  ];
}

/** Lanes' list length for kk: the module is assembled per m. */
export const topkLevels = (kk: number): number => Math.ceil(kk / 4);

/** The module's bytes for lists of up to 4m entries (m = topkLevels(kk)); it imports a plain memory as e.m. */
export function topkModuleBytes(m: number): Uint8Array {
  const t = body(m);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 8, ...new Array(8).fill(I32), 0]),
    ...section(2, [1, ...str('e'), ...str('m'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('t'), 0x00, 0]),
    ...section(10, [1, ...uleb(t.length), ...t]),
  ]);
}

/** The WebAssembly globals used (the project's TypeScript lib has no WebAssembly declarations). */
interface WasmTopkApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => WasmTopkMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { t: (...a: number[]) => void } };
}
interface WasmTopkMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * One thread's kernel memory (plain, growable: onnxruntime writes its products there, and refuses shared memory), its
 * instances per m, and the current block's byte offsets (products at 0, then hn, values, indices, scratch).
 */
export interface WasmTopkState {
  mem: WasmTopkMemory | null;
  fns: ((...a: number[]) => void)[];
  at: { hn: number; v: number; i: number; s: number };
}

export const newWasmTopkState = (): WasmTopkState => ({ mem: null, fns: [], at: { hn: 0, v: 0, i: 0, s: 0 } });

/**
 * Lays out a block of g groups (nq query rows and nb bank rows each, kk kept) in st's memory, growing it when needed,
 * copies the bank rows' half norms hn (g x nb) in, and returns the float32 view where the products go (g x nq x nb).
 * A plain function (no closures, no helpers): its source text also runs in the worker (./grouped-topk-worker.ts).
 */
export function topkStage(
  st: WasmTopkState,
  bytes: Uint8Array,
  m: number,
  g: number,
  nq: number,
  nb: number,
  kk: number,
  hn: Float32Array,
): Float32Array {
  const WA = (globalThis as unknown as { WebAssembly: WasmTopkApi }).WebAssembly;
  if (!(kk >= 1 && kk <= nb)) throw new RangeError(`top-k: keep ${kk} of ${nb} members`);
  const dots = g * nq * nb * 4;
  st.at = { hn: dots, v: dots + g * nb * 4, i: dots + g * nb * 4 + g * nq * kk * 4, s: 0 };
  st.at.s = st.at.i + g * nq * kk * 4;
  // The kernel's scratch (see the file comment).
  const need = st.at.s + 256 + 8 * nb + 32 + 32 * m;
  if (!st.mem) st.mem = new WA.Memory({ initial: Math.ceil(need / 65536) });
  else if (st.mem.buffer.byteLength < need) st.mem.grow(Math.ceil((need - st.mem.buffer.byteLength) / 65536));
  if (!st.fns[m]) st.fns[m] = new WA.Instance(new WA.Module(bytes), { e: { m: st.mem } }).exports.t;
  new Float32Array(st.mem.buffer, st.at.hn, g * nb).set(hn);
  const table = new Uint8Array(st.mem.buffer, st.at.s, 256);
  for (let b = 0; b < 16; b++) {
    let t = 0;
    for (let l = 0; l < 4; l++)
      if (b & (1 << l)) {
        for (let u = 0; u < 4; u++) table[b * 16 + 4 * t + u] = 4 * l + u;
        t++;
      }
  }
  return new Float32Array(st.mem.buffer, 0, g * nq * nb);
}

/** Runs the kernel on the block topkStage laid out, once its products are in place; copies the results out. */
export function topkRun(
  st: WasmTopkState,
  m: number,
  g: number,
  nq: number,
  nb: number,
  kk: number,
): { values: Float32Array; indices: Int32Array } {
  const { hn, v, i, s } = st.at;
  for (let gi = 0; gi < g; gi++)
    st.fns[m](gi * nq * nb * 4, hn + gi * nb * 4, nq, nb, kk, v + gi * nq * kk * 4, i + gi * nq * kk * 4, s);
  const buf = (st.mem as WasmTopkMemory).buffer;
  return {
    values: new Float32Array(buf, v, g * nq * kk).slice(),
    indices: new Int32Array(buf, i, g * nq * kk).slice(),
  };
}

let supported: boolean | null = null;
/** Whether this runtime has WebAssembly with SIMD (Node 20 has). */
export function wasmTopkSupported(): boolean {
  if (supported === null) {
    const WA = (globalThis as unknown as { WebAssembly?: WasmTopkApi }).WebAssembly;
    try {
      supported = !!WA && WA.validate(topkModuleBytes(3));
    } catch {
      supported = false;
    }
  }
  return supported;
}
