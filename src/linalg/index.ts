/**
 * The linear-algebra front door for hot paths. Every function here is async so that a GEMM engine
 * (onnxruntime-node here; CUDA where its provider is installed) can sit behind it; the plain TypeScript kernels in
 * ./reference stay as the reference the tests compare against (`engine: 'js'`).
 * tfjs ops on tfjs-node-gpu are not wired: onnxruntime covers the CPU and, with its CUDA provider, the GPU.
 */
export * from './matrix';
export { randomProjection, drawProjectionWeights } from './projection';
// `attr` is re-exported as onnxAttr so that the top-level barrel (src/index.ts: export * from './linalg') stays unambiguous.
export { buildOnnxModel, ONNX_ELEM_TYPES, attr as onnxAttr } from './onnx-builder';
export type {
  OnnxElemType,
  OnnxValueInfo,
  OnnxAttribute,
  OnnxNode,
  OnnxInitializer,
  OnnxGraphSpec,
} from './onnx-builder';
export type { NearestResult, KnnResult } from './reference';
export { nearestSquaredRef, knnSquaredRef, matmulTransposedRef } from './reference';
export { loadOrt, ortCudaInstalled, setDefaultDevice, resolveDevice } from './ort-engine';
import { Matrix } from './matrix';
import { nearestSquaredRef, knnSquaredRef, matmulTransposedRef, NearestResult, KnnResult } from './reference';
import { loadOrt } from './ort-engine';
import { bruteNearest } from './certified-nearest';
import { BlockOptions, nearestSquaredBlocked, knnSquaredBlocked, matmulTransposedBlocked } from './blocked';
import { InputError, OptionError } from '../util/errors';
import { drawProjectionWeights, transposeWeights } from './projection';
import { Rng } from '../util/rng';

export interface EngineOptions extends BlockOptions {
  /**
   * Which engine runs the kernel: 'ort' = onnxruntime-node GEMM (throws if it does not load), 'js' = the plain
   * TypeScript reference, 'auto' = 'ort' when it loads, else 'js'. @default 'auto'
   */
  engine?: 'auto' | 'ort' | 'js';
}

let defaultEngine: NonNullable<EngineOptions['engine']> | undefined;

/**
 * Sets the engine used when a call passes none (e.g. 'js' to time or debug the whole kit on the reference kernels).
 * `undefined` restores the default: env TAILEDCORE_ENGINE if set, else 'auto'.
 */
export function setDefaultEngine(engine: EngineOptions['engine'] | undefined): void {
  if (engine !== undefined) resolveEngine(engine); // validates
  defaultEngine = engine;
}

/** The engine that `engine` resolves to on this machine. */
export function resolveEngine(engine?: EngineOptions['engine']): 'ort' | 'js' {
  engine = engine ?? defaultEngine ?? (process.env.TAILEDCORE_ENGINE as EngineOptions['engine']) ?? 'auto';
  if (engine === 'js') return 'js';
  if (engine === 'ort') return 'ort';
  if (engine === 'auto') return loadOrt() ? 'ort' : 'js';
  throw new OptionError(`engine must be 'auto', 'ort' or 'js', got '${engine}'`);
}

/**
 * Squared L2 distance and index of the nearest bank row for every query row (running minimum over bank blocks, never
 * Q x M). A bank past the 4 GiB buffer limit can be given as a list of shards; indices then run across the shards in order.
 */
export async function nearestSquared(
  queries: Matrix,
  bank: Matrix | Matrix[],
  opts: EngineOptions = {},
): Promise<NearestResult> {
  const shards = Array.isArray(bank) ? bank : [bank];
  if (resolveEngine(opts.engine) === 'js' || queries.cols === 0) {
    if (shards.length === 1) return nearestSquaredRef(queries, shards[0]);
    return nearestShardsRef(queries, shards);
  }
  return nearestSquaredBlocked(queries, shards, opts);
}

/** The reference over shards: float64 comparisons across shard boundaries too (= nearestSquaredRef on the concatenation). */
function nearestShardsRef(queries: Matrix, shards: Matrix[]): NearestResult {
  if (shards.every((s) => s.rows === 0)) throw new InputError('nearest neighbour search: the memory bank is empty');
  for (const s of shards)
    if (s.cols !== queries.cols)
      throw new InputError(`nearest neighbour search: dimension mismatch (${queries.cols} vs ${s.cols} columns)`);
  const dist = new Float32Array(queries.rows);
  const index = new Int32Array(queries.rows);
  for (let i = 0; i < queries.rows; i++) {
    const r = bruteNearest(queries, i, shards);
    dist[i] = r.dist;
    index[i] = r.index;
  }
  return { dist, index };
}

/** k nearest neighbours among the rows of `points` (squared L2, ascending, ties by lower index). */
export async function knnSquared(
  points: Matrix,
  k: number,
  excludeSelf = true,
  opts: EngineOptions = {},
): Promise<KnnResult> {
  if (resolveEngine(opts.engine) === 'js' || points.cols === 0) return knnSquaredRef(points, k, excludeSelf);
  return knnSquaredBlocked(points, k, excludeSelf, opts);
}

/** A * Bᵀ. */
export async function matmulTransposed(a: Matrix, b: Matrix, opts: EngineOptions = {}): Promise<Matrix> {
  if (resolveEngine(opts.engine) === 'js' || a.cols === 0) return matmulTransposedRef(a, b);
  return matmulTransposedBlocked(a, b, opts);
}

/**
 * randomProjection on the GEMM engine: the same W (same rng draws, same order), F·W computed as F·(Wᵀ)ᵀ in float32.
 * Values agree with randomProjection to float32 rounding (it accumulates in float64). If D === dim, F is returned.
 */
export async function randomProjectionAsync(
  f: Matrix,
  dim: number,
  rng: Rng,
  opts: EngineOptions = {},
): Promise<Matrix> {
  if (!Number.isInteger(dim) || dim < 1)
    throw new InputError(`projection dimension must be a positive integer, got ${dim}`);
  const D = f.cols;
  if (D === dim) return f;
  const wt = transposeWeights(drawProjectionWeights(D, dim, rng), D, dim);
  return matmulTransposed(f, { data: wt, rows: dim, cols: D }, opts);
}
export type { OrtSettings } from './ort-engine';
export type { BlockOptions } from './blocked';
export type { KnnPrecision, KnnStats } from './certified-nearest';
export { knnSquaredGroups } from './grouped-knn';
export type { GroupedKnnOptions, GroupedKnnStats } from './grouped-knn';
export { transposeWeights } from './projection';
