/**
 * The linear-algebra front door for hot paths. Every function here is async so that a GEMM engine
 * (onnxruntime-node, tfjs) can sit behind it; the plain TypeScript kernels in ./reference stay as the
 * reference the tests compare against.
 */
export * from './matrix';
export { randomProjection } from './projection';
export * from './onnx-builder';
export type { NearestResult, KnnResult } from './reference';
import { Matrix } from './matrix';
import { nearestSquaredRef, knnSquaredRef, matmulTransposedRef, NearestResult, KnnResult } from './reference';

export interface EngineOptions {
  /** Which engine runs the kernel. @default 'auto' */
  engine?: 'auto' | 'js';
}

/** Squared L2 distance and index of the nearest bank row for every query row (running minimum, never Q x M). */
export async function nearestSquared(queries: Matrix, bank: Matrix, _opts: EngineOptions = {}): Promise<NearestResult> {
  return nearestSquaredRef(queries, bank);
}

/** k nearest neighbours among the rows of `points` (squared L2, ascending). */
export async function knnSquared(points: Matrix, k: number, excludeSelf = true, _opts: EngineOptions = {}): Promise<KnnResult> {
  return knnSquaredRef(points, k, excludeSelf);
}

/** A * Bᵀ. */
export async function matmulTransposed(a: Matrix, b: Matrix, _opts: EngineOptions = {}): Promise<Matrix> {
  return matmulTransposedRef(a, b);
}
