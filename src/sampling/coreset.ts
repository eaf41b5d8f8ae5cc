/**
 * Greedy k-center coreset as in the official TailedCore/PatchCore brute-force sampler (docs/method.md §3.1, §3.2):
 * a fresh random projection to `projDim` dims for distances only, one random start that is part of the coreset,
 * then repeatedly the point farthest (Euclidean, projected) from the chosen set. Returns indices into `features`.
 *
 * `greedyCoreset` is the fast exact version (triangle-inequality pruning, ./coreset-kcenter.ts): for the same rng
 * state it returns exactly the picks of `greedyCoresetBruteForce`, the official loop kept as the reference.
 * `greedyCoresetAsync` also runs the projection on the GEMM engine; its picks can differ from the sync ones only
 * where float32 GEMM rounding of the projection changes a near-tie. `greedyCoresetParallel` is the kit's default
 * from the models: the projection on the GEMM engine (float32), then the exact pruned loop on all cores
 * (./coreset-parallel); its picks equal the brute force run on that same projection (`greedyCoresetReference`).
 */
import { Matrix, assertFinite } from '../linalg/matrix';
import { randomProjection } from '../linalg/projection';
import { randomProjectionAsync, matmulTransposed, EngineOptions } from '../linalg';
import { drawProjectionWeights, transposeWeights } from '../linalg/projection';
import { takeRows } from '../linalg/matrix';
import { InputError } from '../util/errors';
import { Rng } from '../util/rng';
import { resolveOptions, checkRange } from '../util/options';
import { progress as progressBar } from '../util/progress';
import { kCenterBruteForce, kCenterPruned, PickProgress } from './coreset-kcenter';
import { kCenterParallel } from './coreset-parallel';
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
  /** Progress label. @default 'greedy coreset' */
  label?: string;
  /**
   * greedyCoresetParallel only: parts the rows are cut into, one per core (the caller's thread runs one, worker
   * threads the others). null = kCenterParallel's default (one part below PARALLEL_MIN_ROWS rows, else one per
   * core). @default null
   */
  parts?: number | null;
  /**
   * greedyCoresetParallel only: run a one-part coreset on a worker thread, leaving the calling thread free (the
   * models' tail coreset beside the head's). Only where the part count is 1. @default false
   */
  detached?: boolean;
  /**
   * The caller has already checked that the features are finite (the models check theirs once, at fit), so the
   * coreset does not scan them again (24 M values at 1024-d for the e2e bench's head bank). @default false
   */
  checkedFinite?: boolean;
}

export const CORESET_DEFAULTS: CoresetOptions = {
  ratio: 0.1,
  projDim: 128,
  progress: false,
  onProgress: undefined,
  label: 'greedy coreset',
  parts: null,
  detached: false,
  checkedFinite: false,
};

function prepare(
  features: Matrix,
  options: Partial<CoresetOptions> | undefined,
  where: string,
): { o: CoresetOptions; m: number } {
  const o = resolveOptions(CORESET_DEFAULTS, options, where);
  checkRange('ratio', o.ratio, 0, 1, { minOpen: true });
  checkRange('projDim', o.projDim, 1, 1 << 20, { integer: true });
  if (!o.checkedFinite) assertFinite(features, 'coreset features');
  return { o, m: Math.max(1, Math.floor(features.rows * o.ratio)) };
}

function reporter(o: CoresetOptions, m: number): PickProgress | undefined {
  if (!o.progress && !o.onProgress) return undefined;
  const bar = o.progress ? progressBar(o.label ?? 'greedy coreset', m, { unit: 'pick' }) : null;
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
  features: Matrix,
  rng: Rng,
  options?: Partial<CoresetOptions>,
  engine: EngineOptions = {},
): Promise<Int32Array> {
  const { o, m } = prepare(features, options, 'greedyCoresetAsync');
  const p = await randomProjectionAsync(features, o.projDim, rng, engine);
  const start = rng.int(features.rows);
  return kCenterPruned(p, m, start, reporter(o, m));
}

/** Rows per GEMM call of the chunked projection (bounds the gathered input copy: 64 Ki rows x 1024 x 4 B = 256 MiB). */
const PROJECTION_CHUNK_ROWS = 65536;

/**
 * The rows `rows` (all rows when null) of `features` times W (drawn from rng exactly as randomProjection draws it),
 * computed chunk by chunk on the linalg engine straight into a SharedArrayBuffer (the parallel coreset reads it in
 * place). When D === dim there is no projection (and no draw), as in the official sampler.
 */
async function projectSubset(
  features: Matrix,
  rows: Int32Array | null,
  dim: number,
  rng: Rng,
  engine: EngineOptions,
): Promise<Matrix> {
  const D = features.cols;
  const n = rows ? rows.length : features.rows;
  const out = new Float32Array(new SharedArrayBuffer(n * dim * 4));
  if (D === dim) {
    if (!rows) {
      out.set(features.data);
      return { data: out, rows: n, cols: dim };
    }
    for (let k = 0; k < n; k++) out.set(features.data.subarray(rows[k] * D, (rows[k] + 1) * D), k * D);
    return { data: out, rows: n, cols: dim };
  }
  const w: Matrix = { data: transposeWeights(drawProjectionWeights(D, dim, rng), D, dim), rows: dim, cols: D };
  if (rows && 2 * rows.length >= features.rows && ascending(rows)) {
    // Most rows kept (the head coreset keeps 85 % after LOF): project the bank's own rows in place, chunk by chunk,
    // and keep the candidates' projections; no full-dimension copy (86 MB at 1024-d on the e2e bench, a new buffer
    // every fit), for at most twice the multiply-adds. (A row's projection came out bit-identical either way there.)
    let k = 0;
    for (let r0 = 0; r0 < features.rows && k < n; r0 += PROJECTION_CHUNK_ROWS) {
      const r1 = Math.min(features.rows, r0 + PROJECTION_CHUNK_ROWS);
      const pr = await matmulTransposed(
        { data: features.data.subarray(r0 * D, r1 * D), rows: r1 - r0, cols: D },
        w,
        engine,
      );
      for (; k < n && rows[k] < r1; k++)
        out.set(pr.data.subarray((rows[k] - r0) * dim, (rows[k] - r0 + 1) * dim), k * dim);
    }
    return { data: out, rows: n, cols: dim };
  }
  for (let r0 = 0; r0 < n; r0 += PROJECTION_CHUNK_ROWS) {
    const r1 = Math.min(n, r0 + PROJECTION_CHUNK_ROWS);
    const chunk: Matrix = rows
      ? takeRows(features, rows.subarray(r0, r1))
      : { data: features.data.subarray(r0 * D, r1 * D), rows: r1 - r0, cols: D };
    const pr = await matmulTransposed(chunk, w, engine);
    out.set(pr.data, r0 * dim);
  }
  return { data: out, rows: n, cols: dim };
}

function ascending(rows: Int32Array): boolean {
  for (let k = 1; k < rows.length; k++) if (!(rows[k] > rows[k - 1])) return false;
  return true;
}

function checkRows(features: Matrix, rows: Int32Array | null): void {
  if (!rows) return;
  if (rows.length === 0) throw new InputError('coreset: the list of candidate rows is empty');
  for (let k = 0; k < rows.length; k++) {
    if (!(rows[k] >= 0 && rows[k] < features.rows))
      throw new InputError(`coreset: candidate row ${rows[k]} is outside [0, ${features.rows})`);
  }
}

/**
 * The arguments of coresetProjection, greedyCoresetParallel and greedyCoresetReference: the bank, the rng, options,
 * the GEMM engine (default {}) and the candidate rows (default null: all rows).
 */
type CoresetArgs = [
  features: Matrix,
  rng: Rng,
  options?: Partial<CoresetOptions>,
  engine?: EngineOptions,
  rows?: Int32Array | null,
];

/**
 * The projected bank and random start that greedyCoresetParallel and greedyCoresetReference share (same rng draws
 * as greedyCoreset: W, then the start). With `rows`, only those rows of `features` are candidates (no copy of the
 * full-dimension subset is made when they are at least half of the rows, ascending; else they are gathered 64 Ki rows
 * at a time), and indices refer to positions in `rows`.
 */
export async function coresetProjection(
  ...args: CoresetArgs
): Promise<{ projected: Matrix; start: number; m: number; options: CoresetOptions }> {
  const [features, rng, options, engine = {}, rows = null] = args;
  const o = resolveOptions(CORESET_DEFAULTS, options, 'coresetProjection');
  checkRange('ratio', o.ratio, 0, 1, { minOpen: true });
  checkRange('projDim', o.projDim, 1, 1 << 20, { integer: true });
  if (!o.checkedFinite) assertFinite(features, 'coreset features');
  checkRows(features, rows);
  const n = rows ? rows.length : features.rows;
  const m = Math.max(1, Math.floor(n * o.ratio));
  const projected = await projectSubset(features, rows, o.projDim, rng, engine);
  const start = rng.int(n);
  return { projected, start, m, options: o };
}

/**
 * The fast path the models use: projection on the GEMM engine in float32, then the exact pruned greedy loop on all
 * cores. Picks equal greedyCoresetReference's (the brute-force loop on the same projection and start) bit for bit.
 * With `rows`, the candidates are those rows of `features` and the returned picks index into `rows`.
 */
export async function greedyCoresetParallel(...args: CoresetArgs): Promise<Int32Array> {
  const { projected, start, m, options: o } = await coresetProjection(...args);
  if (o.parts !== null && o.parts !== undefined) checkRange('parts', o.parts, 1, 1024, { integer: true });
  // One part runs in the calling thread only (no workers), still with the SIMD kernel.
  return kCenterParallel(projected, m, start, {
    parts: o.parts ?? undefined,
    detached: o.detached,
    onPick: reporter(o, m),
  });
}

/** The brute-force loop on greedyCoresetParallel's projection and start: the reference it is tested against. */
export async function greedyCoresetReference(...args: CoresetArgs): Promise<Int32Array> {
  const { projected, start, m, options: o } = await coresetProjection(...args);
  return kCenterBruteForce(projected, m, start, reporter(o, m));
}
