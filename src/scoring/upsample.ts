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
 * The taps of one resize shape, computed once and reused for every map of that shape, with a scratch buffer for the
 * horizontally interpolated source rows.
 */
export interface ResizePlan {
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  ty: AxisTaps;
  tx: AxisTaps;
  /** 1 - w per output column / row (the same float64 the per-pixel expression computes). */
  cx: Float64Array;
  cy: Float64Array;
  /** inH x outW: every source row interpolated along x. */
  rows: Float64Array;
}

function checkSizes(inH: number, inW: number, outH: number, outW: number): void {
  if (!(inH >= 1 && inW >= 1 && outH >= 1 && outW >= 1) || ![inH, inW, outH, outW].every(Number.isInteger)) {
    throw new InputError(`bilinearResize: sizes must be positive integers, got ${inH}x${inW} -> ${outH}x${outW}`);
  }
}

export function resizePlan(inH: number, inW: number, outH: number, outW: number): ResizePlan {
  checkSizes(inH, inW, outH, outW);
  const ty = bilinearAxisTaps(inH, outH);
  const tx = bilinearAxisTaps(inW, outW);
  return {
    inH,
    inW,
    outH,
    outW,
    ty,
    tx,
    cx: tx.w.map((w) => 1 - w),
    cy: ty.w.map((w) => 1 - w),
    rows: new Float64Array(inH * outW),
  };
}

/**
 * Resizes `src` (inH*inW values from `offset`) into `out` (outH*outW values, rounded to float32 unless `round` is
 * false, which the tests use to compare the float64 results with the reference's). The
 * per-pixel expression `(a(1-wx) + b wx)(1-wy) + (c(1-wx) + d wx) wy` is kept term for term; its two inner sums
 * depend only on (source row, x), so they are computed once per source row instead of once per output row.
 */
export function resizeInto(
  p: ResizePlan,
  src: ArrayLike<number>,
  offset: number,
  out: Float64Array,
  round = true,
): void {
  const { inH, inW, outH, outW, rows, cx, cy } = p;
  const { lo: lx, hi: hx, w: wx } = p.tx;
  for (let r = 0; r < inH; r++) {
    const s = offset + r * inW;
    const o = r * outW;
    for (let x = 0; x < outW; x++) rows[o + x] = src[s + lx[x]] * cx[x] + src[s + hx[x]] * wx[x];
  }
  const { lo: ly, hi: hy, w: wy } = p.ty;
  for (let y = 0; y < outH; y++) {
    const a = ly[y] * outW;
    const b = hy[y] * outW;
    const ca = cy[y];
    const cb = wy[y];
    const o = y * outW;
    if (round) for (let x = 0; x < outW; x++) out[o + x] = Math.fround(rows[a + x] * ca + rows[b + x] * cb);
    else for (let x = 0; x < outW; x++) out[o + x] = rows[a + x] * ca + rows[b + x] * cb;
  }
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
  checkSizes(inH, inW, outH, outW);
  if (src.length !== inH * inW)
    throw new InputError(`bilinearResize: map has ${src.length} values, expected ${inH}x${inW}`);
  const res = out ?? new Float32Array(outH * outW);
  if (res.length !== outH * outW)
    throw new InputError(`bilinearResize: output buffer has ${res.length} values, expected ${outH * outW}`);
  const buf = new Float64Array(outH * outW);
  resizeInto(resizePlan(inH, inW, outH, outW), src, 0, buf);
  res.set(buf);
  return res;
}
