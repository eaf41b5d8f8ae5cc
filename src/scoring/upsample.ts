/**
 * Bilinear resize of one single-channel map with PyTorch's `F.interpolate(mode='bilinear', align_corners=False)`
 * semantics, which is what the official scorer uses to bring the 28x28 patch scores to 224x224 (docs/method.md §3.4).
 */
import { InputError } from '../util/errors';

/** Source index pair and weight along one axis, for every output coordinate. */
interface AxisTaps {
  lo: Int32Array;
  hi: Int32Array;
  w: Float64Array;
}

/** align_corners=false: src = (dst + 0.5) * in/out - 0.5, clamped below at 0; the upper neighbour is clamped to in-1. */
export function bilinearAxisTaps(inSize: number, outSize: number): AxisTaps {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const w = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    lo[o] = i0;
    hi[o] = Math.min(i0 + 1, inSize - 1);
    w[o] = src - i0;
  }
  return { lo, hi, w };
}

/**
 * Resizes a row-major `inH x inW` map to `outH x outW` (float64 arithmetic, float32 result).
 * `out` may be given to write into (length outH*outW).
 */
export function bilinearResize(
  src: ArrayLike<number>,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  out?: Float32Array,
): Float32Array {
  if (!(inH >= 1 && inW >= 1 && outH >= 1 && outW >= 1) || ![inH, inW, outH, outW].every(Number.isInteger)) {
    throw new InputError(`bilinearResize: sizes must be positive integers, got ${inH}x${inW} -> ${outH}x${outW}`);
  }
  if (src.length !== inH * inW)
    throw new InputError(`bilinearResize: map has ${src.length} values, expected ${inH}x${inW}`);
  const res = out ?? new Float32Array(outH * outW);
  if (res.length !== outH * outW)
    throw new InputError(`bilinearResize: output buffer has ${res.length} values, expected ${outH * outW}`);
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
