/**
 * Greedy k-center coreset as in the official TailedCore/PatchCore brute-force sampler (docs/method.md §3.1, §3.2):
 * a fresh random projection to `projDim` dims for distances only, one random start that is part of the coreset,
 * then repeatedly the point farthest (Euclidean, projected) from the chosen set. Returns indices into `features`.
 *
 * `greedyCoreset` is the fast exact version (triangle-inequality pruning, ./coreset-kcenter.ts): for the same rng
 * state it returns exactly the picks of `greedyCoresetBruteForce`, the official loop kept as the reference.
 * `greedyCoresetAsync` also runs the projection on the GEMM engine; its picks can differ from the sync ones only
 * where float32 GEMM rounding of the projection changes a near-tie.
 */
import { Matrix, assertFinite } from '../linalg/matrix';
import { randomProjection } from '../linalg/projection';
import { randomProjectionAsync, EngineOptions } from '../linalg';
import { Rng } from '../util/rng';
import { resolveOptions, checkRange } from '../util/options';
import { progress as progressBar } from '../util/progress';
import { kCenterBruteForce, kCenterPruned, PickProgress } from './coreset-kcenter';
export type { PickProgress } from './coreset-kcenter';

export interface CoresetOptions {
  /** Fraction of rows kept: floor(rows * ratio), at least the 1 random start. @default 0.1 */
  ratio: number;
  /** Projection dimension for the distance computation. @default 128 */
  projDim: number;
  /** Print count, rate and ETA to stderr while picking (util/progress). @default false */
  progress?: boolean;
  /** Called after every pick with (picked, total). @default undefined */
  onProgress?: PickProgress;
}

export const CORESET_DEFAULTS: CoresetOptions = { ratio: 0.1, projDim: 128, progress: false, onProgress: undefined };

function prepare(features: Matrix, options: Partial<CoresetOptions> | undefined, where: string): { o: CoresetOptions; m: number } {
  const o = resolveOptions(CORESET_DEFAULTS, options, where);
  checkRange('ratio', o.ratio, 0, 1, { minOpen: true });
  checkRange('projDim', o.projDim, 1, 1 << 20, { integer: true });
  assertFinite(features, 'coreset features');
  return { o, m: Math.max(1, Math.floor(features.rows * o.ratio)) };
}

function reporter(o: CoresetOptions, m: number): PickProgress | undefined {
  if (!o.progress && !o.onProgress) return undefined;
  const bar = o.progress ? progressBar('greedy coreset', m) : null;
  return (picked, total) => {
    bar?.tick();
    if (picked === total) bar?.done();
    o.onProgress?.(picked, total);
  };
}

/** The fast exact greedy coreset: same picks as greedyCoresetBruteForce for the same rng state. */
export function greedyCoreset(features: Matrix, rng: Rng, options?: Partial<CoresetOptions>): Int32Array {
  const { o, m } = prepare(features, options, 'greedyCoreset');
  const p = randomProjection(features, o.projDim, rng);
  const start = rng.int(features.rows);
  return kCenterPruned(p, m, start, reporter(o, m));
}

/** The official brute-force loop (one full pass over the bank per pick): the reference the fast version is tested against. */
export function greedyCoresetBruteForce(features: Matrix, rng: Rng, options?: Partial<CoresetOptions>): Int32Array {
  const { o, m } = prepare(features, options, 'greedyCoresetBruteForce');
  const p = randomProjection(features, o.projDim, rng);
  const start = rng.int(features.rows);
  return kCenterBruteForce(p, m, start, reporter(o, m));
}

/**
 * greedyCoreset with the projection on the GEMM engine (the projection dominates for 1024-d features: n·1024·128
 * multiply-adds). Same rng draws as the sync version; picks differ only where projection rounding flips a near-tie.
 */
export async function greedyCoresetAsync(
  features: Matrix, rng: Rng, options?: Partial<CoresetOptions>, engine: EngineOptions = {},
): Promise<Int32Array> {
  const { o, m } = prepare(features, options, 'greedyCoresetAsync');
  const p = await randomProjectionAsync(features, o.projDim, rng, engine);
  const start = rng.int(features.rows);
  return kCenterPruned(p, m, start, reporter(o, m));
}
