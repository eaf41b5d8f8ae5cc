import { Matrix, zeros } from './matrix';
import { Rng } from '../util/rng';
import { InputError } from '../util/errors';

/**
 * Random linear projection F·W with W[D][dim] ~ U(-1/sqrt(D), 1/sqrt(D)): PyTorch's default init of a bias-free
 * Linear(D, dim), which is what the official samplers use. A fresh W is drawn from `rng` on every call.
 * If D === dim the input is returned unchanged (the official sampler skips the projection then).
 */
export function randomProjection(f: Matrix, dim: number, rng: Rng): Matrix {
  if (!Number.isInteger(dim) || dim < 1) throw new InputError(`projection dimension must be a positive integer, got ${dim}`);
  const D = f.cols;
  if (D === dim) return f;
  const w = drawProjectionWeights(D, dim, rng);
  const out = zeros(f.rows, dim);
  const acc = new Float64Array(dim);
  for (let r = 0; r < f.rows; r++) {
    acc.fill(0);
    const fo = r * D;
    for (let c = 0; c < D; c++) {
      const v = f.data[fo + c];
      if (v === 0) continue;
      const wo = c * dim;
      for (let j = 0; j < dim; j++) acc[j] += v * w[wo + j];
    }
    const oo = r * dim;
    for (let j = 0; j < dim; j++) out.data[oo + j] = acc[j];
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
