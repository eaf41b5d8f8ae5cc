import { Matrix, zeros } from './matrix';
import { Rng } from '../util/rng';
import { InputError } from '../util/errors';

/**
 * Random linear projection F·W with W[D][dim] ~ U(-1/sqrt(D), 1/sqrt(D)): PyTorch's default init of a bias-free
 * Linear(D, dim), which is what the official samplers use. A fresh W is drawn from `rng` on every call.
 * If D === dim the input is returned unchanged (the official sampler skips the projection then).
 */
export function randomProjection(f: Matrix, dim: number, rng: Rng): Matrix {
  if (!Number.isInteger(dim) || dim < 1)
    throw new InputError(`projection dimension must be a positive integer, got ${dim}`);
  const D = f.cols;
  if (D === dim) return f;
  const w = drawProjectionWeights(D, dim, rng);
  return projectRows(f, w, dim);
}

/**
 * F·W with float64 accumulation, four rows at a time so each loaded weight serves four rows (about 2x the speed of
 * one row at a time). Every output is the same float64 sum, in the same order, as the one-row loop: bit-identical.
 */
export function projectRows(f: Matrix, w: Float32Array, dim: number): Matrix {
  const D = f.cols;
  const n = f.rows;
  const x = f.data;
  const out = zeros(n, dim);
  const a0 = new Float64Array(dim),
    a1 = new Float64Array(dim),
    a2 = new Float64Array(dim),
    a3 = new Float64Array(dim);
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    a0.fill(0);
    a1.fill(0);
    a2.fill(0);
    a3.fill(0);
    const o0 = r * D,
      o1 = o0 + D,
      o2 = o1 + D,
      o3 = o2 + D;
    for (let c = 0; c < D; c++) {
      const v0 = x[o0 + c],
        v1 = x[o1 + c],
        v2 = x[o2 + c],
        v3 = x[o3 + c];
      const wo = c * dim;
      for (let j = 0; j < dim; j++) {
        const wj = w[wo + j];
        a0[j] += v0 * wj;
        a1[j] += v1 * wj;
        a2[j] += v2 * wj;
        a3[j] += v3 * wj;
      }
    }
    const oo = r * dim;
    for (let j = 0; j < dim; j++) {
      out.data[oo + j] = a0[j];
      out.data[oo + dim + j] = a1[j];
      out.data[oo + 2 * dim + j] = a2[j];
      out.data[oo + 3 * dim + j] = a3[j];
    }
  }
  for (; r < n; r++) {
    a0.fill(0);
    const o0 = r * D;
    for (let c = 0; c < D; c++) {
      const v0 = x[o0 + c];
      const wo = c * dim;
      for (let j = 0; j < dim; j++) a0[j] += v0 * w[wo + j];
    }
    for (let j = 0; j < dim; j++) out.data[r * dim + j] = a0[j];
  }
  return out;
}

/**
 * The projection matrix W (D x dim, row-major) with the draws randomProjection makes, in the same order, so the
 * GEMM-engine version (randomProjectionAsync in ./index) consumes the rng identically.
 */
export function drawProjectionWeights(D: number, dim: number, rng: Rng): Float32Array {
  const bound = 1 / Math.sqrt(D);
  const w = new Float32Array(D * dim);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
  return w;
}

/** Wᵀ (dim x D) of a D x dim row-major W, the layout A·Bᵀ kernels want. */
export function transposeWeights(w: Float32Array, D: number, dim: number): Float32Array {
  const t = new Float32Array(D * dim);
  for (let c = 0; c < D; c++) for (let j = 0; j < dim; j++) t[j * D + c] = w[c * dim + j];
  return t;
}
