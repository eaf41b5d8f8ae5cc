/**
 * The int8 first pass of the certified 1-NN (./certified-nearest): queries and bank rows quantised here, scored by one
 * onnxruntime graph
 *
 *   approx = MatMulIntegerToFloat(qa, bᵀ, a_scale, -2·b_scale, a_zero, -, ||b~||²)   -> ||b~||² - 2 q~·b~   (nq x nb)
 *   topk   = TopK(approx, k, axis=1, largest=0)
 *
 * with q~ = a_scale (qa - a_zero) (one scale per query block) and b~ = b_scale · bi (one scale per bank row). A u8·s8
 * kernel built on VPMADDUBSW (pairs summed in int16, as MLAS does on x86 machines without VNNI) saturates past 32767,
 * so the full ranges (qa in [0, 255], bi in [-127, 127]) are used only when a probe at session start shows exact
 * integer products on the worst case; else 7 bits on each side (2·127·63 < 32767 cannot saturate). The integer dot
 * product is then exact and only the float32 scaling and bias add round; the residuals r = ||x - x~|| bound the rest.
 */
import { Matrix } from './matrix';
import { loadOrt, resolveSettings, OrtSettings, topkIndices } from './ort-engine';
import { buildOnnxModel, attr } from './onnx-builder';
import { OptionError } from '../util/errors';
import { quantizeRowsWasm, wasmQuantizeSupported } from './wasm-quantize';
import { nativeModule, nativeStatus } from './native';

import type * as OrtModule from 'onnxruntime-node';
type Session = OrtModule.InferenceSession;

/** Quantisation levels: queries in [0, qaMax], bank rows in [-qbMax, qbMax] (see the note above on saturation). */
export interface Levels {
  qaMax: number;
  qbMax: number;
}
export const SAFE_LEVELS: Levels = { qaMax: 127, qbMax: 63 };
const FULL_LEVELS: Levels = { qaMax: 255, qbMax: 127 };
/** Relative inflation of computed residual norms, covering their own float64 rounding. */
const GROW = 1 + 1e-9;
/** x + ROUND - ROUND rounds a float64 |x| < 2^51 to an integer (any rounding will do: residuals are measured after). */
const ROUND = 1.5 * 2 ** 52;

/** One block of query rows, quantised with a single (scale, zero point). */
export interface QuantQueries {
  rows: number;
  qa: Uint8Array;
  scale: number;
  zero: number;
  /** ||q - q~|| per row (inflated to cover its float64 rounding). */
  resid: Float64Array;
  /** ||q~||² and ||q~|| per row. */
  norm2: Float64Array;
  norm: Float64Array;
}

/**
 * One block of bank rows, quantised per row: stored transposed (d x nb) as MatMul's B for onnxruntime, or in the
 * native kernel's panels (then bt is empty).
 */
export interface QuantBank {
  rows: number;
  bt: Int8Array;
  /** The native kernel's layout and row sums (src/native/int8-topk.cc packBank), or null for onnxruntime. */
  packed: { packed: Int8Array; sums: Int32Array } | null;
  /** -2 x the row's scale (the -2 of the expansion folded in; exact in float32). */
  scaleNeg2: Float32Array;
  /** float32(||b~||²), the bias input. */
  bias: Float32Array;
  resid: Float64Array;
  norm: Float64Array;
  maxResid: number;
  maxNorm: number;
}

function f32(x: number): number {
  return Math.fround(x);
}

/**
 * Which quantiser runs: the WebAssembly SIMD kernel (./wasm-quantize) where the runtime has it, else the JavaScript
 * loops. Their levels can differ where v / scale rounds differently (float32 there, float64 here); either way the
 * residuals are measured on the levels written, so the bounds hold for both (tests check each).
 */
export type QuantizeImpl = 'wasm' | 'js';
const defaultImpl = (): QuantizeImpl => (wasmQuantizeSupported() ? 'wasm' : 'js');

/** Which kernel scores an int8 block (see BlockOptions.knnInt8Kernel). */
export type Int8Kernel = 'auto' | 'native' | 'ort';

/** The kernel an int8 pass uses: 'auto' is the native one where it loads and no CUDA provider is set. */
export function int8KernelFor(kernel: Int8Kernel, s: OrtSettings): 'native' | 'ort' {
  if (kernel === 'ort') return 'ort';
  const native = nativeModule() !== null;
  if (kernel === 'native') {
    if (!native)
      throw new OptionError(`knnInt8Kernel 'native' was asked for, but it does not run here: ${nativeStatus().reason}`);
    return 'native';
  }
  if (kernel !== 'auto') throw new OptionError(`knnInt8Kernel must be 'auto', 'native' or 'ort', got '${kernel}'`);
  return native && !resolveSettings(s).providers.includes('cuda') ? 'native' : 'ort';
}

/** Smallest and largest value of each row, 0 included (lo[r] <= 0 <= hi[r]): one pass that byRange and the blocks share. */
export interface RowRanges {
  lo: Float32Array;
  hi: Float32Array;
}

/**
 * Quantises the listed rows of m (in that order) with one asymmetric scale over [min(0, min), max(0, max)]. `ranges`
 * (per row of m, see RowRanges) saves a pass over the rows when the caller has them.
 */
export function quantizeQueries(
  m: Matrix,
  list: ArrayLike<number>,
  { qaMax: QA_MAX }: Levels,
  ranges: RowRanges | null = null,
  impl: QuantizeImpl = defaultImpl(),
): QuantQueries {
  const d = m.cols;
  const rows = list.length;
  const range = new Float64Array(2);
  if (ranges) {
    let lo = 0,
      hi = 0;
    for (let r = 0; r < rows; r++) {
      lo = Math.min(lo, ranges.lo[list[r]]);
      hi = Math.max(hi, ranges.hi[list[r]]);
    }
    range[0] = lo;
    range[1] = hi;
  } else rowsRange(m.data, list, d, range);
  const lo = range[0],
    hi = range[1];
  let scale = f32((hi - lo) / QA_MAX);
  if (!(scale > 0) || !Number.isFinite(scale)) scale = 1;
  const zero = Math.min(QA_MAX, Math.max(0, Math.round(-lo / scale)));
  if (impl === 'wasm') {
    const w = quantizeRowsWasm(m.data, list, rows, d, scale, zero, 0, QA_MAX);
    const resid = new Float64Array(rows),
      norm = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      resid[r] = Math.sqrt(w.resid2[r]) * GROW;
      norm[r] = Math.sqrt(w.norm2[r]);
    }
    return { rows, qa: w.q, scale, zero, resid, norm2: w.norm2, norm };
  }
  const q: QuantQueries = {
    rows,
    qa: new Uint8Array(rows * d),
    scale,
    zero,
    resid: new Float64Array(rows),
    norm2: new Float64Array(rows),
    norm: new Float64Array(rows),
  };
  quantizeRows(m.data, list, d, QA_MAX, q);
  return q;
}

/** Per-row ranges of m (see RowRanges). */
export function rowRanges(m: Matrix): RowRanges {
  const d = m.cols,
    x = m.data;
  const out: RowRanges = { lo: new Float32Array(m.rows), hi: new Float32Array(m.rows) };
  const native = nativeModule();
  if (native && x.length === m.rows * d) {
    native.rowRanges(x, m.rows, d, out.lo, out.hi); // the same values (src/native/scan.cc), at the memory's pace
    return out;
  }
  for (let r = 0; r < m.rows; r++) {
    let lo = 0,
      hi = 0;
    for (let c = r * d, e = c + d; c < e; c++) {
      const v = x[c];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    // A NaN never enters lo or hi (its comparisons are false): the row's level checks (norms) catch it instead.
    out.lo[r] = lo;
    out.hi[r] = hi;
  }
  return out;
}

// Each hot loop has a function of its own: with both loops in quantizeQueries, the optimised code entered in the first
// loop had no type feedback for the second and was thrown away on every call (--trace-deopt); split, 11,760 x 256
// rows took 32-37 ms of CPU instead of 47-56.

/** The smallest and largest value of the listed rows, 0 included (out[0] <= 0 <= out[1]). */
function rowsRange(x: Float32Array, list: ArrayLike<number>, d: number, out: Float64Array): void {
  let lo = 0,
    hi = 0;
  for (let r = 0; r < list.length; r++) {
    const o = list[r] * d;
    for (let c = 0; c < d; c++) {
      const v = x[o + c];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  }
  out[0] = lo;
  out[1] = hi;
}

/** The listed rows' levels (round to nearest, clamped), their norms and residuals, into q. */
function quantizeRows(x: Float32Array, list: ArrayLike<number>, d: number, QA_MAX: number, q: QuantQueries): void {
  const qa = q.qa,
    scale = q.scale,
    zero = q.zero,
    resid = q.resid,
    norm2 = q.norm2,
    norm = q.norm;
  const inv = 1 / scale;
  for (let r = 0; r < list.length; r++) {
    let e = 0,
      n = 0;
    const o = list[r] * d,
      w = r * d;
    for (let c = 0; c < d; c++) {
      const v = x[o + c];
      let u = v * inv + ROUND - ROUND + zero;
      if (u > QA_MAX) u = QA_MAX;
      else if (u < 0) u = 0;
      qa[w + c] = u;
      const t = scale * (u - zero);
      n += t * t;
      e += (v - t) * (v - t);
    }
    resid[r] = Math.sqrt(e) * GROW;
    norm2[r] = n;
    norm[r] = Math.sqrt(n);
  }
}

/** Quantises rows [from, to) of m symmetrically, one scale per row, and transposes them (in tiles, cache-friendly). */
export function quantizeBank(
  m: Matrix,
  from: number,
  to: number,
  { qbMax: QB_MAX }: Levels,
  impl: QuantizeImpl = defaultImpl(),
  kernel: 'native' | 'ort' = 'ort',
): QuantBank {
  const d = m.cols;
  const rows = to - from;
  const x = m.data;
  const scaleNeg2 = new Float32Array(rows);
  const bias = new Float32Array(rows);
  const resid = new Float64Array(rows);
  const norm = new Float64Array(rows);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = (from + r) * d;
    let amax = 0;
    for (let c = 0; c < d; c++) {
      const a = Math.abs(x[o + c]);
      if (a > amax) amax = a;
    }
    let s = f32(amax / QB_MAX);
    if (!(s > 0) || !Number.isFinite(s)) s = 1;
    scales[r] = s;
  }
  let rowMajor: Int8Array;
  if (impl === 'wasm') {
    const w = quantizeRowsWasm(x.subarray(from * d, to * d), null, rows, d, scales, 0, -QB_MAX, QB_MAX);
    rowMajor = new Int8Array(w.q.buffer, w.q.byteOffset, w.q.length);
    for (let r = 0; r < rows; r++) {
      bias[r] = w.norm2[r];
      resid[r] = Math.sqrt(w.resid2[r]) * GROW;
      norm[r] = Math.sqrt(w.norm2[r]);
    }
  } else {
    rowMajor = new Int8Array(rows * d);
    for (let r = 0; r < rows; r++) {
      const o = (from + r) * d;
      const s = scales[r],
        inv = 1 / s;
      let e = 0,
        n = 0;
      const w = r * d;
      for (let c = 0; c < d; c++) {
        const v = x[o + c];
        let q = v * inv + ROUND - ROUND;
        if (q > QB_MAX) q = QB_MAX;
        else if (q < -QB_MAX) q = -QB_MAX;
        rowMajor[w + c] = q;
        const t = s * q;
        n += t * t;
        e += (v - t) * (v - t);
      }
      bias[r] = n;
      resid[r] = Math.sqrt(e) * GROW;
      norm[r] = Math.sqrt(n);
    }
  }
  let maxResid = 0,
    maxNorm = 0;
  for (let r = 0; r < rows; r++) {
    scaleNeg2[r] = -2 * scales[r];
    // A non-finite row (NaN, inf) voids the block's bounds: maxNorm = Infinity fails the caller's norm check.
    if (!(resid[r] <= maxResid)) maxResid = Number.isFinite(resid[r]) ? resid[r] : Infinity;
    if (!(norm[r] <= maxNorm)) maxNorm = Number.isFinite(norm[r]) ? norm[r] : Infinity;
    if (!Number.isFinite(resid[r])) maxNorm = Infinity;
  }
  if (kernel === 'native' && rows > 0) {
    const packed = nativeModule()!.packBank(rowMajor, rows, d);
    return { rows, bt: new Int8Array(0), packed, scaleNeg2, bias, resid, norm, maxResid, maxNorm };
  }
  const bt = new Int8Array(d * rows);
  const T = 64;
  for (let r0 = 0; r0 < rows; r0 += T)
    for (let c0 = 0; c0 < d; c0 += T) {
      const r1 = Math.min(rows, r0 + T),
        c1 = Math.min(d, c0 + T);
      for (let c = c0; c < c1; c++) for (let r = r0; r < r1; r++) bt[c * rows + r] = rowMajor[r * d + c];
    }
  return { rows, bt, packed: null, scaleNeg2, bias, resid, norm, maxResid, maxNorm };
}

/**
 * Bound on |computed approx - (||b~||² - 2 q~·b~)|: the bias rounding plus a few float32 roundings (int32 to float,
 * the scale products, the add) of terms no larger than ||b~||² + 2||q~|| ||b~||; 16 unit roundoffs leave a wide margin.
 */
export function int8Slack(qNorm: number, bNorm: number): number {
  return 16 * 2 ** -24 * (bNorm * bNorm + 2 * qNorm * bNorm);
}

/**
 * Lower bound on the squared distance ||q - b||² of a bank row whose approximate score is >= `approx`, from
 * d~² = ||q~||² + (||b~||² - 2 q~·b~) and the triangle inequality ||q - b|| >= ||q~ - b~|| - r_q - r_b.
 */
export function int8LowerBound(qn2: number, qn: number, rq: number, approx: number, bn: number, rb: number): number {
  const lam = qn2 + approx - int8Slack(qn, bn);
  if (!(lam > 0)) return 0;
  const l = Math.sqrt(lam) * (1 - 1e-12) - rq - rb;
  return l > 0 ? l * l * (1 - 1e-12) : 0;
}

const sessions = new Map<string, Promise<Session>>();

function int8Graph(): Uint8Array {
  return buildOnnxModel({
    name: 'int8_topk_smallest',
    extraOpsets: { 'com.microsoft': 1 },
    inputs: [
      { name: 'qa', elemType: 'uint8', dims: ['nq', 'd'] },
      { name: 'bt', elemType: 'int8', dims: ['d', 'nb'] },
      { name: 'a_scale', elemType: 'float', dims: [] },
      { name: 'b_scale', elemType: 'float', dims: ['nb'] },
      { name: 'a_zero', elemType: 'uint8', dims: [] },
      { name: 'bias', elemType: 'float', dims: ['nb'] },
      { name: 'k', elemType: 'int64', dims: [1] },
    ],
    outputs: [
      { name: 'values', elemType: 'float', dims: ['nq', 'k'] },
      { name: 'indices', elemType: 'int64', dims: ['nq', 'k'] },
    ],
    nodes: [
      {
        opType: 'MatMulIntegerToFloat',
        domain: 'com.microsoft',
        inputs: ['qa', 'bt', 'a_scale', 'b_scale', 'a_zero', '', 'bias'],
        outputs: ['approx'],
      },
      {
        opType: 'TopK',
        inputs: ['approx', 'k'],
        outputs: ['values', 'indices'],
        attributes: { axis: attr.int(1), largest: attr.int(0), sorted: attr.int(1) },
      },
    ],
  });
}

/**
 * Whether this session's u8·s8 product is exact on the worst case for the full ranges: 255 x (+-127) summed over
 * 64 columns, one and 16 query rows (MLAS picks its kernel per CPU, the shapes cover its GEMV and GEMM entries).
 */
async function fullRangeExact(sess: Session, ort: NonNullable<ReturnType<typeof loadOrt>>): Promise<boolean> {
  const d = 64;
  for (const rows of [1, 16]) {
    const bt = new Int8Array(d * 2);
    for (let c = 0; c < d; c++) {
      bt[c * 2] = 127;
      bt[c * 2 + 1] = -127;
    }
    const out = await sess.run({
      qa: new ort.Tensor('uint8', new Uint8Array(rows * d).fill(255), [rows, d]),
      bt: new ort.Tensor('int8', bt, [d, 2]),
      a_scale: new ort.Tensor('float32', Float32Array.of(1), []),
      b_scale: new ort.Tensor('float32', Float32Array.of(1, 1), [2]),
      a_zero: new ort.Tensor('uint8', Uint8Array.of(0), []),
      bias: new ort.Tensor('float32', Float32Array.of(0, 0), [2]),
      k: new ort.Tensor('int64', BigInt64Array.of(2n), [1]),
    });
    const v = out.values.data as Float32Array;
    for (let r = 0; r < rows; r++) if (v[r * 2] !== -255 * 127 * d || v[r * 2 + 1] !== 255 * 127 * d) return false;
  }
  return true;
}

/** The quantisation levels this machine's int8 kernel handles exactly (probed once per session). */
export async function int8Levels(s: OrtSettings): Promise<Levels> {
  const ort = loadOrt();
  if (!ort) throw new OptionError("knn precision 'int8' needs onnxruntime-node, which does not load here");
  const sess = await int8Session(s);
  let p = probes.get(sess);
  if (!p) {
    p = fullRangeExact(sess, ort).then((ok) => (ok ? FULL_LEVELS : SAFE_LEVELS));
    probes.set(sess, p);
  }
  return p;
}

const probes = new WeakMap<Session, Promise<Levels>>();

async function int8Session(s: OrtSettings): Promise<Session> {
  const ort = loadOrt();
  if (!ort) throw new OptionError("knn precision 'int8' needs onnxruntime-node, which does not load here");
  const { threads, providers } = resolveSettings(s);
  const key = `${threads}|${providers.join(',')}`;
  let p = sessions.get(key);
  if (!p) {
    p = ort.InferenceSession.create(int8Graph(), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionProviders: providers,
      graphOptimizationLevel: 'all',
    });
    p.catch(() => sessions.delete(key));
    sessions.set(key, p);
  }
  return p;
}

/** The k smallest approximate scores (ascending) per query row of the block, with their row indices in the bank block. */
export async function int8TopkBlock(
  q: QuantQueries,
  b: QuantBank,
  d: number,
  k: number,
  s: OrtSettings,
): Promise<{ values: Float32Array; indices: Int32Array }> {
  if (b.packed) {
    const { threads } = resolveSettings(s);
    return nativeModule()!.int8Topk(
      q.qa,
      q.rows,
      d,
      q.zero,
      q.scale,
      b.packed.packed,
      b.packed.sums,
      b.rows,
      b.scaleNeg2,
      b.bias,
      k,
      threads,
    );
  }
  const ort = loadOrt()!;
  const sess = await int8Session(s);
  const out = await sess.run({
    qa: new ort.Tensor('uint8', q.qa, [q.rows, d]),
    bt: new ort.Tensor('int8', b.bt, [d, b.rows]),
    a_scale: new ort.Tensor('float32', Float32Array.of(q.scale), []),
    b_scale: new ort.Tensor('float32', b.scaleNeg2, [b.rows]),
    a_zero: new ort.Tensor('uint8', Uint8Array.of(q.zero), []),
    bias: new ort.Tensor('float32', b.bias, [b.rows]),
    k: new ort.Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
  });
  return { values: out.values.data as Float32Array, indices: topkIndices(out.indices.data as BigInt64Array) };
}
