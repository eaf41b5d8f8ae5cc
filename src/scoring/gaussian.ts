/**
 * Gaussian blur with scipy.ndimage.gaussian_filter's defaults (docs/method.md §3.4): kernel radius = int(truncate*sigma + 0.5)
 * (truncate 4, sigma 4 -> radius 16), weights exp(-x²/2σ²) normalised to sum 1, mode 'reflect'
 * (half-sample symmetric: d c b a | a b c d | d c b a), applied separably along rows then columns with float64 sums.
 */
import { InputError, OptionError } from '../util/errors';

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

/** Blurs one row-major `h x w` map; returns a new Float32Array (the input is not modified). */
export function gaussianBlur(src: ArrayLike<number>, h: number, w: number, sigma = 4, truncate = 4): Float32Array {
  if (!(h >= 1 && w >= 1) || !Number.isInteger(h) || !Number.isInteger(w)) {
    throw new InputError(`gaussianBlur: size must be positive integers, got ${h}x${w}`);
  }
  if (src.length !== h * w) throw new InputError(`gaussianBlur: map has ${src.length} values, expected ${h}x${w}`);
  const k = gaussianKernel1d(sigma, truncate);
  const r = (k.length - 1) / 2;
  // Precomputed reflected source offsets for each output position along each axis.
  const colIdx = new Int32Array(w * k.length);
  for (let x = 0; x < w; x++) for (let t = 0; t < k.length; t++) colIdx[x * k.length + t] = reflectIndex(x + t - r, w);
  const rowIdx = new Int32Array(h * k.length);
  for (let y = 0; y < h; y++) for (let t = 0; t < k.length; t++) rowIdx[y * k.length + t] = reflectIndex(y + t - r, h);

  // scipy filters axis 0 first, then axis 1, rounding to the input dtype in between; we keep float64 in between
  // (a deliberate, tiny deviation: differences are at float32 rounding level).
  const tmp = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      const base = y * k.length;
      for (let t = 0; t < k.length; t++) s += k[t] * src[rowIdx[base + t] * w + x];
      tmp[y * w + x] = s;
    }
  }
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const ro = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      const base = x * k.length;
      for (let t = 0; t < k.length; t++) s += k[t] * tmp[ro + colIdx[base + t]];
      out[ro + x] = s;
    }
  }
  return out;
}
