/**
 * Pure resampling kernels on raw HWC buffers: PIL-style bilinear resize (what torchvision's Resize does on PIL
 * images), centre crop with torchvision's rounding, and bilinear interpolation with align_corners=false (PyTorch's
 * F.interpolate, used to align the coarser feature layer).
 */
import { roundHalfEven } from '../util/round';

/** Python's round(): half to even (torchvision's center_crop uses it for the offsets). */
export { roundHalfEven };

/** torchvision Resize(size) with an int: the shorter side becomes `size`, the longer one int(size * long / short). */
export function shorterSideSize(width: number, height: number, size: number): { width: number; height: number } {
  if (width <= height) return { width: size, height: Math.floor((size * height) / width) };
  return { width: Math.floor((size * width) / height), height: size };
}

/** torchvision center_crop offsets: top = round((H - crop) / 2), left = round((W - crop) / 2), half to even. */
export function centerCropOffsets(
  height: number,
  width: number,
  cropH: number,
  cropW = cropH,
): { top: number; left: number } {
  return { top: roundHalfEven((height - cropH) / 2), left: roundHalfEven((width - cropW) / 2) };
}

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  maxCount: number;
}

/**
 * PIL's resampling coefficients for the bilinear (triangle) filter: when shrinking, the filter support grows with
 * the scale, so downsampling is antialiased (unlike a plain 4-tap bilinear).
 */
function bilinearTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle support 1.0, scaled
  const maxCount = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxCount);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    let total = 0;
    const n = xmax - xmin;
    for (let k = 0; k < n; k++) {
      const t = Math.abs((k + xmin - center + 0.5) / filterScale);
      const w = t < 1 ? 1 - t : 0;
      weights[i * maxCount + k] = w;
      total += w;
    }
    if (total > 0) for (let k = 0; k < n; k++) weights[i * maxCount + k] /= total;
    start[i] = xmin;
    count[i] = n;
  }
  return { start, count, weights, maxCount };
}

// PIL's 8-bit path: coefficients in fixed point with 22 fractional bits (32 - 8 - 2), rounding offset 2^21.
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

function fixedPoint(w: Float64Array): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = Math.trunc(w[i] * ONE + (w[i] < 0 ? -0.5 : 0.5));
  return out;
}

function clip8(acc: number): number {
  const r = Math.floor(acc / ONE);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/**
 * One pass of PIL's 8-bit bilinear resampling along the middle axis of a [rows, len, channels] buffer (len -> outLen),
 * with its fixed-point coefficients and rounding. Every product and sum is an integer below 2^53, so the doubles are
 * exact and the loop order (chosen for speed below) cannot change a byte.
 */
function resamplePass(src: Uint8Array, rows: number, len: number, channels: number, outLen: number): Uint8Array {
  const taps = bilinearTaps(len, outLen);
  const kw = fixedPoint(taps.weights);
  const out = new Uint8Array(rows * outLen * channels);
  if (channels >= 16) {
    // Wide "pixels" (the vertical pass, one pixel = one whole row): accumulate tap rows into a contiguous vector.
    const acc = new Float64Array(channels);
    for (let y = 0; y < rows; y++) {
      const rowIn = y * len * channels;
      const rowOut = y * outLen * channels;
      for (let x = 0; x < outLen; x++) {
        const s = taps.start[x],
          n = taps.count[x],
          wo = x * taps.maxCount;
        acc.fill(HALF);
        for (let k = 0; k < n; k++) {
          const w = kw[wo + k],
            from = rowIn + (s + k) * channels;
          for (let c = 0; c < channels; c++) acc[c] += w * src[from + c];
        }
        const o = rowOut + x * channels;
        for (let c = 0; c < channels; c++) out[o + c] = clip8(acc[c]);
      }
    }
    return out;
  }
  if (channels === 3) {
    for (let y = 0; y < rows; y++) {
      const rowIn = y * len * 3;
      const rowOut = y * outLen * 3;
      for (let x = 0; x < outLen; x++) {
        const n = taps.count[x],
          wo = x * taps.maxCount;
        let a0 = HALF,
          a1 = HALF,
          a2 = HALF,
          i = rowIn + taps.start[x] * 3;
        for (let k = 0; k < n; k++, i += 3) {
          const w = kw[wo + k];
          a0 += w * src[i];
          a1 += w * src[i + 1];
          a2 += w * src[i + 2];
        }
        const o = rowOut + x * 3;
        out[o] = clip8(a0);
        out[o + 1] = clip8(a1);
        out[o + 2] = clip8(a2);
      }
    }
    return out;
  }
  for (let y = 0; y < rows; y++) {
    const rowIn = y * len * channels;
    const rowOut = y * outLen * channels;
    for (let x = 0; x < outLen; x++) {
      const s = taps.start[x],
        n = taps.count[x],
        wo = x * taps.maxCount;
      for (let c = 0; c < channels; c++) {
        let acc = HALF;
        for (let k = 0; k < n; k++) acc += kw[wo + k] * src[rowIn + (s + k) * channels + c];
        out[rowOut + x * channels + c] = clip8(acc);
      }
    }
  }
  return out;
}

/**
 * Resizes an 8-bit HWC image exactly like PIL's Image.resize(BILINEAR) (what torchvision's Resize does on PIL
 * images): horizontal pass then vertical pass, each with PIL's fixed-point coefficients and rounding, so the
 * result is byte-identical to Pillow's (checked against Pillow 9.4 on random images).
 */
export function resizeBilinearU8(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outW: number,
  outH: number,
): Uint8Array {
  if (outW === width && outH === height) return src.slice();
  // The vertical pass is the horizontal one on a single "row" of height pixels, each a whole row of outW x channels.
  const tmp = resamplePass(src, height, width, channels, outW);
  return resamplePass(tmp, 1, height, outW * channels, outH);
}

/** Copies the window [top, top+cropH) x [left, left+cropW) of an HWC buffer (typed array of any kind). */
export function cropHwc<T extends Uint8Array | Float32Array>(
  src: T,
  width: number,
  height: number,
  channels: number,
  top: number,
  left: number,
  cropW: number,
  cropH: number,
): T {
  if (top < 0 || left < 0 || top + cropH > height || left + cropW > width) {
    throw new RangeError(`crop ${cropW}x${cropH} at (${left}, ${top}) does not fit in ${width}x${height}`);
  }
  const out = new (src.constructor as { new (n: number): T })(cropW * cropH * channels);
  for (let y = 0; y < cropH; y++) {
    const from = ((top + y) * width + left) * channels;
    out.set(src.subarray(from, from + cropW * channels) as never, y * cropW * channels);
  }
  return out;
}

/** Source indices and weights of PyTorch bilinear interpolation with align_corners=false along one axis. */
export function alignCornersFalseTaps(
  inSize: number,
  outSize: number,
): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const i0 = new Int32Array(outSize),
    i1 = new Int32Array(outSize),
    w1 = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    // PyTorch: src = (o + 0.5) * scale - 0.5, clamped below at 0; upper neighbour clamped to the last index.
    let s = (o + 0.5) * scale - 0.5;
    if (s < 0) s = 0;
    const f = Math.floor(s);
    i0[o] = Math.min(f, inSize - 1);
    i1[o] = Math.min(f + 1, inSize - 1);
    w1[o] = s - f;
  }
  return { i0, i1, w1 };
}

/** Bilinear resize (align_corners=false) of an HWC float map: every channel is interpolated independently. */
export function resizeBilinearHwc(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  outW: number,
  outH: number,
): Float32Array {
  if (outW === width && outH === height) return src.slice();
  const tx = alignCornersFalseTaps(width, outW),
    ty = alignCornersFalseTaps(height, outH);
  const out = new Float32Array(outW * outH * channels);
  for (let y = 0; y < outH; y++) {
    const r0 = ty.i0[y] * width,
      r1 = ty.i1[y] * width,
      wy = ty.w1[y];
    for (let x = 0; x < outW; x++) {
      const c0 = tx.i0[x],
        c1 = tx.i1[x],
        wx = tx.w1[x];
      const a = (r0 + c0) * channels,
        b = (r0 + c1) * channels,
        c = (r1 + c0) * channels,
        d = (r1 + c1) * channels;
      const w00 = (1 - wy) * (1 - wx),
        w01 = (1 - wy) * wx,
        w10 = wy * (1 - wx),
        w11 = wy * wx;
      const o = (y * outW + x) * channels;
      for (let k = 0; k < channels; k++)
        out[o + k] = w00 * src[a + k] + w01 * src[b + k] + w10 * src[c + k] + w11 * src[d + k];
    }
  }
  return out;
}
