/**
 * Gaussian blur with scipy.ndimage.gaussian_filter's defaults (docs/method.md §3.4): kernel radius = int(truncate*sigma + 0.5)
 * (truncate 4, sigma 4 -> radius 16), weights exp(-x²/2σ²) normalised to sum 1, mode 'reflect'
 * (half-sample symmetric: d c b a | a b c d | d c b a), applied separably along rows then columns with float64 sums.
 */
import { InputError, OptionError } from '../util/errors';
import { WasmBlur } from './blur-wasm';

/** The normalised 1-D kernel, length 2*radius+1, centre at index radius. */
export function gaussianKernel1d(sigma: number, truncate = 4): Float64Array {
  if (!(sigma > 0) || !Number.isFinite(sigma))
    throw new OptionError(`gaussian blur: sigma must be a positive number, got ${sigma}`);
  if (!(truncate > 0) || !Number.isFinite(truncate))
    throw new OptionError(`gaussian blur: truncate must be a positive number, got ${truncate}`);
  const radius = Math.floor(truncate * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 * (i * i)) / (sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * scipy 'reflect' index for a line of length n: the line is mirrored about its edges including the edge sample,
 * so the pattern repeats with period 2n (this also covers kernels wider than the line).
 */
export function reflectIndex(i: number, n: number): number {
  const p = 2 * n;
  let m = i % p;
  if (m < 0) m += p;
  return m < n ? m : p - 1 - m;
}

/**
 * What one blur shape needs, computed once and reused for every map of that shape: the kernel, the reflected source
 * row offsets of the axis-0 pass, the reflected column of every padded position of the axis-1 pass, and scratch rows.
 */
export interface BlurPlan {
  h: number;
  w: number;
  k: Float64Array;
  /** h x K: source row y + t - r (reflected) times w. */
  rowOff: Int32Array;
  /** w + 2r: column j - r (reflected). */
  padIdx: Int32Array;
  tmp: Float64Array;
  pad: Float64Array;
  /** One output row's float64 sums. */
  line: Float64Array;
  /**
   * Run the WebAssembly SIMD kernel (./blur-wasm, same sums bit for bit): where it loads and w is a multiple of 8;
   * the tests switch it off to check the JavaScript loops on the same shapes.
   */
  wasm: boolean;
}

function checkSize(h: number, w: number): void {
  if (!(h >= 1 && w >= 1) || !Number.isInteger(h) || !Number.isInteger(w)) {
    throw new InputError(`gaussianBlur: size must be positive integers, got ${h}x${w}`);
  }
}

/** Largest map for the WebAssembly kernel (its three float64 buffers then stay under 1 GiB of wasm32 memory). */
const WASM_MAX_PIXELS = 2 ** 25;

export function blurPlan(h: number, w: number, sigma = 4, truncate = 4): BlurPlan {
  checkSize(h, w);
  const k = gaussianKernel1d(sigma, truncate);
  const K = k.length;
  const r = (K - 1) / 2;
  const rowOff = new Int32Array(h * K);
  for (let y = 0; y < h; y++) for (let t = 0; t < K; t++) rowOff[y * K + t] = reflectIndex(y + t - r, h) * w;
  const padIdx = new Int32Array(w + 2 * r);
  for (let j = 0; j < padIdx.length; j++) padIdx[j] = reflectIndex(j - r, w);
  return {
    h,
    w,
    k,
    rowOff,
    padIdx,
    tmp: new Float64Array(h * w),
    pad: new Float64Array(padIdx.length),
    line: new Float64Array(w),
    wasm: w % 8 === 0 && h * w <= WASM_MAX_PIXELS && WasmBlur.get() !== null,
  };
}

/**
 * Blurs `src` (h*w values) into `out` from `offset` (a Float64Array receives the float64 sums before the float32
 * rounding: the tests compare those with the reference's). Every output is the same float64 sum, term for term and in the
 * same tap order, as the plain per-pixel loops (./maps-reference), so the result is bit-identical; only the loop
 * order changes: four outputs share each kernel tap (sums kept in registers), and the axis-1 pass reads one padded
 * copy of the row instead of a reflected index per tap.
 */
export function blurInto(p: BlurPlan, src: Float64Array, out: Float32Array | Float64Array, offset: number): void {
  const { h, w, k, rowOff, padIdx, tmp, pad, line } = p;
  const K = k.length;
  const wb = p.wasm ? WasmBlur.get() : null;
  if (wb) {
    wb.load(p, h, w, k, rowOff, padIdx);
    wb.run(h, w, K, padIdx.length, src, out, offset);
    return;
  }
  // axis 0
  for (let y = 0; y < h; y++) {
    const rb = y * K;
    const o = y * w;
    let x = 0;
    for (; x + 7 < w; x += 8) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        s4 = 0,
        s5 = 0,
        s6 = 0,
        s7 = 0;
      for (let t = 0; t < K; t++) {
        const kt = k[t];
        const i = rowOff[rb + t] + x;
        s0 += kt * src[i];
        s1 += kt * src[i + 1];
        s2 += kt * src[i + 2];
        s3 += kt * src[i + 3];
        s4 += kt * src[i + 4];
        s5 += kt * src[i + 5];
        s6 += kt * src[i + 6];
        s7 += kt * src[i + 7];
      }
      tmp[o + x] = s0;
      tmp[o + x + 1] = s1;
      tmp[o + x + 2] = s2;
      tmp[o + x + 3] = s3;
      tmp[o + x + 4] = s4;
      tmp[o + x + 5] = s5;
      tmp[o + x + 6] = s6;
      tmp[o + x + 7] = s7;
    }
    for (; x < w; x++) {
      let s = 0;
      for (let t = 0; t < K; t++) s += k[t] * src[rowOff[rb + t] + x];
      tmp[o + x] = s;
    }
  }
  // axis 1
  const P = padIdx.length;
  for (let y = 0; y < h; y++) {
    const ro = y * w;
    for (let j = 0; j < P; j++) pad[j] = tmp[ro + padIdx[j]];
    let x = 0;
    for (; x + 7 < w; x += 8) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        s4 = 0,
        s5 = 0,
        s6 = 0,
        s7 = 0;
      for (let t = 0; t < K; t++) {
        const kt = k[t];
        const i = x + t;
        s0 += kt * pad[i];
        s1 += kt * pad[i + 1];
        s2 += kt * pad[i + 2];
        s3 += kt * pad[i + 3];
        s4 += kt * pad[i + 4];
        s5 += kt * pad[i + 5];
        s6 += kt * pad[i + 6];
        s7 += kt * pad[i + 7];
      }
      line[x] = s0;
      line[x + 1] = s1;
      line[x + 2] = s2;
      line[x + 3] = s3;
      line[x + 4] = s4;
      line[x + 5] = s5;
      line[x + 6] = s6;
      line[x + 7] = s7;
    }
    for (; x < w; x++) {
      let s = 0;
      for (let t = 0; t < K; t++) s += k[t] * pad[x + t];
      line[x] = s;
    }
    const o = offset + ro;
    for (let x = 0; x < w; x++) out[o + x] = line[x];
  }
}

/** Blurs one row-major `h x w` map; returns a new Float32Array (the input is not modified). */
export function gaussianBlur(src: ArrayLike<number>, h: number, w: number, sigma = 4, truncate = 4): Float32Array {
  checkSize(h, w);
  if (src.length !== h * w) throw new InputError(`gaussianBlur: map has ${src.length} values, expected ${h}x${w}`);
  const plan = blurPlan(h, w, sigma, truncate);
  // scipy filters axis 0 first, then axis 1, rounding to the input dtype in between; we keep float64 in between
  // (a deliberate, tiny deviation: differences are at float32 rounding level).
  const out = new Float32Array(h * w);
  blurInto(plan, Float64Array.from(src), out, 0);
  return out;
}
