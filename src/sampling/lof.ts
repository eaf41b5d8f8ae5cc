/**
 * Local Outlier Factor with scikit-learn's semantics (LocalOutlierFactor(n_neighbors=k).fit(X),
 * score = -negative_outlier_factor_), and the per-patch-position LOF that SoftPatch and TailedCore's head branch
 * use to find noisy patches (docs/method.md §3.2 step 2).
 */
import { Matrix, assertFinite, assertShape } from '../linalg/matrix';
import {
  knnSquared,
  knnSquaredGroups,
  randomProjectionAsync,
  resolveEngine,
  EngineOptions,
  GroupedKnnOptions,
} from '../linalg';
import { progress } from '../util/progress';
import { Rng } from '../util/rng';
import { resolveOptions, checkRange } from '../util/options';
import { InputError, OptionError } from '../util/errors';

export interface LofOptions {
  /** Neighbours per point (sklearn n_neighbors). @default 6 */
  k: number;
}

export const LOF_DEFAULTS: LofOptions = { k: 6 };

/**
 * LOF score of every row of `features` (1 = inlier-like, larger = more outlying).
 * kNN excludes the point itself (duplicates still count as neighbours at distance 0, as in sklearn);
 * k-distance = Euclidean distance to the k-th neighbour; reach(a,b) = max(kdist(b), d(a,b));
 * lrd(a) = 1 / (mean_b reach(a,b) + 1e-10); LOF(a) = mean_b lrd(b) / lrd(a).
 * Deviation: sklearn silently shrinks k to n-1 when k >= n; we refuse with an OptionError.
 */
export async function lof(features: Matrix, options?: Partial<LofOptions>): Promise<Float32Array> {
  const o = resolveOptions(LOF_DEFAULTS, options, 'lof');
  checkRange('k', o.k, 1, Number.MAX_SAFE_INTEGER, { integer: true });
  assertFinite(features, 'LOF features');
  const n = features.rows;
  if (o.k >= n) {
    throw new OptionError(
      `lof: option k (${o.k}) must be smaller than the number of points (${n}); scikit-learn would silently use k=${n - 1}, the kit refuses. Use fewer neighbours or more images.`,
    );
  }
  const { dist, index } = await knnSquared(features, o.k, true);
  return lofFromNeighbours(dist, index, n, o.k);
}

/** The LOF arithmetic on precomputed neighbours (squared distances, ascending, k per row). Float64 throughout. */
export function lofFromNeighbours(sqDist: Float32Array, index: Int32Array, n: number, k: number): Float32Array {
  if (sqDist.length !== n * k || index.length !== n * k)
    throw new InputError(`lof: neighbour arrays must hold ${n}x${k} entries`);
  const d = new Float64Array(n * k);
  for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(Math.max(0, sqDist[i]));
  const kdist = new Float64Array(n);
  for (let i = 0; i < n; i++) kdist[i] = d[i * k + k - 1];
  const lrd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < k; t++) {
      const b = index[i * k + t];
      s += Math.max(kdist[b], d[i * k + t]);
    }
    lrd[i] = 1 / (s / k + 1e-10);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += lrd[index[i * k + t]];
    out[i] = s / k / lrd[i];
  }
  return out;
}

export interface LofPerPositionOptions {
  /** Neighbours per point. @default 6 */
  k: number;
  /** Dimension of the fresh random projection the LOF distances are computed in. @default 128 */
  projDim: number;
  /** Print count, rate and ETA (positions) on stderr when the stage takes longer than a second. @default true */
  progress: boolean;
  /**
   * Engine of the projection and the k-NN ('auto' | 'ort' | 'js'). The projection runs as one float32 GEMM (the
   * reference engine accumulates it in float64; the two agree to float32 rounding). `topk` picks the grouped k-NN's
   * candidate selection ('wasm' | 'ort', see GroupedKnnOptions; the scores are the same either way). @default {}
   */
  engine: EngineOptions & Pick<GroupedKnnOptions, 'topk'>;
}

export const LOF_PER_POSITION_DEFAULTS: LofPerPositionOptions = { k: 6, projDim: 128, progress: true, engine: {} };

/**
 * LOF per patch position across images (docs/method.md §3.2 2a-2b): project all patches with one fresh random map to
 * projDim, then for every position p run LOF on the imageCount vectors {image n, position p}.
 * Returns one score per patch row (row = image*patchesPerImage + p). `rng` draws the projection only.
 */
export async function lofPerPosition(
  patches: Matrix,
  imageCount: number,
  patchesPerImage: number,
  rng: Rng,
  options?: Partial<LofPerPositionOptions>,
): Promise<Float32Array> {
  const o = resolveOptions(LOF_PER_POSITION_DEFAULTS, options, 'lofPerPosition');
  checkRange('k', o.k, 1, Number.MAX_SAFE_INTEGER, { integer: true });
  checkRange('projDim', o.projDim, 1, 1 << 20, { integer: true });
  const what = 'patch features for LOF';
  // On the GEMM engine the values are checked after the k-NN, and only when it saw a non-finite squared norm: a NaN
  // or ±Infinity makes its row's norm non-finite (through the projection too), and a scan of every input costs about
  // as much as a tenth of this stage. The checks of the shape come first either way.
  const engine = resolveEngine(o.engine.engine);
  if (engine === 'js') assertFinite(patches, what);
  else assertShape(patches, what);
  if (
    !Number.isInteger(imageCount) ||
    !Number.isInteger(patchesPerImage) ||
    patches.rows !== imageCount * patchesPerImage
  ) {
    throw new InputError(
      `lofPerPosition: ${patches.rows} patch rows do not match ${imageCount} images x ${patchesPerImage} patches per image`,
    );
  }
  if (o.k >= imageCount) {
    throw new OptionError(
      `lofPerPosition: option k (${o.k}) must be smaller than the number of training images (${imageCount}); LOF runs across images at each patch position. Use fewer neighbours or more images.`,
    );
  }
  // Same W draws as linalg's randomProjection; on the GEMM engine for 'ort' (n x D x projDim multiply-adds dominate
  // this stage at 1024-d when done in JS).
  const proj = await randomProjectionAsync(patches, o.projDim, rng, o.engine);
  const out = new Float32Array(patches.rows);
  const bar = o.progress
    ? progress('LOF per position', patchesPerImage, { unit: 'position', finalLine: 'ifShown' })
    : null;
  // All positions through one grouped k-NN (member n of group p = row n * patchesPerImage + p, exactly the patch
  // layout): a few onnxruntime calls rank every position's points, and the candidates are re-ranked exactly.
  const stats = await knnSquaredGroups(
    proj,
    patchesPerImage,
    o.k,
    true,
    (p, { dist, index }) => {
      const s = lofFromNeighbours(dist, index, imageCount, o.k);
      for (let n = 0; n < imageCount; n++) out[n * patchesPerImage + p] = s[n];
      bar?.tick();
    },
    { ...o.engine, engine },
  );
  if (stats.nonFinite) assertFinite(patches, what);
  bar?.done();
  return out;
}
