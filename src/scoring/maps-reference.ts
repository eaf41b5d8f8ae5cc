/**
 * The maps' reference loops, frozen as they were before the fast paths of ./upsample, ./gaussian and ./maps (issue #18):
 * the tests compare the fast paths with these byte for byte, on the float32 results and on the float64 sums before the
 * final rounding (which would hide most float64 differences). Same semantics and arithmetic order; no validation.
 */
import { gaussianKernel1d, reflectIndex } from './gaussian';
import { bilinearAxisTaps } from './upsample';

/** Reference bilinear resize (align_corners=false), float64 arithmetic, float32 result. */
export function bilinearResizeRef(
  src: ArrayLike<number>,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
): Float32Array {
  return Float32Array.from(bilinearResizeRef64(src, inH, inW, outH, outW));
}

/** The same, before the float32 rounding of each value. */
export function bilinearResizeRef64(
  src: ArrayLike<number>,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
): Float64Array {
  const res = new Float64Array(outH * outW);
  const ty = bilinearAxisTaps(inH, outH);
  const tx = bilinearAxisTaps(inW, outW);
  for (let y = 0; y < outH; y++) {
    const r0 = ty.lo[y] * inW;
    const r1 = ty.hi[y] * inW;
    const wy = ty.w[y];
    for (let x = 0; x < outW; x++) {
      const c0 = tx.lo[x];
      const c1 = tx.hi[x];
      const wx = tx.w[x];
      const top = src[r0 + c0] * (1 - wx) + src[r0 + c1] * wx;
      const bot = src[r1 + c0] * (1 - wx) + src[r1 + c1] * wx;
      res[y * outW + x] = top * (1 - wy) + bot * wy;
    }
  }
  return res;
}

/** Reference separable blur: axis 0 then axis 1, each output a float64 sum over the kernel taps in order. */
export function gaussianBlurRef(src: ArrayLike<number>, h: number, w: number, sigma = 4, truncate = 4): Float32Array {
  return Float32Array.from(gaussianBlurRef64(src, h, w, sigma, truncate));
}

/** The same, before the float32 rounding of each value. */
export function gaussianBlurRef64(src: ArrayLike<number>, h: number, w: number, sigma = 4, truncate = 4): Float64Array {
  const k = gaussianKernel1d(sigma, truncate);
  const r = (k.length - 1) / 2;
  const colIdx = new Int32Array(w * k.length);
  for (let x = 0; x < w; x++) for (let t = 0; t < k.length; t++) colIdx[x * k.length + t] = reflectIndex(x + t - r, w);
  const rowIdx = new Int32Array(h * k.length);
  for (let y = 0; y < h; y++) for (let t = 0; t < k.length; t++) rowIdx[y * k.length + t] = reflectIndex(y + t - r, h);
  const tmp = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      const base = y * k.length;
      for (let t = 0; t < k.length; t++) s += k[t] * src[rowIdx[base + t] * w + x];
      tmp[y * w + x] = s;
    }
  }
  const out = new Float64Array(h * w);
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

/** Reference maps: per image, upsample to inputSize² then blur (sigma 0: upsample only). */
export function anomalyMapsRef(
  patchScores: Float32Array,
  imageCount: number,
  gridH: number,
  gridW: number,
  inputSize: number,
  sigma = 4,
): Float32Array {
  const ppi = gridH * gridW;
  const px = inputSize * inputSize;
  const out = new Float32Array(imageCount * px);
  for (let i = 0; i < imageCount; i++) {
    const up = bilinearResizeRef(patchScores.subarray(i * ppi, (i + 1) * ppi), gridH, gridW, inputSize, inputSize);
    out.set(sigma > 0 ? gaussianBlurRef(up, inputSize, inputSize, sigma) : up, i * px);
  }
  return out;
}
