/**
 * Greedy k-center coreset as in the official TailedCore/PatchCore brute-force sampler (spec §3.1, §8.3):
 * a fresh random projection to `projDim` dims for distances only, one random start that is part of the coreset,
 * then repeatedly the point farthest (Euclidean, projected) from the chosen set. Returns indices into `features`.
 */
import { Matrix, assertFinite } from '../linalg/matrix';
import { randomProjection } from '../linalg/projection';
import { Rng } from '../util/rng';
import { resolveOptions, checkRange } from '../util/options';

export interface CoresetOptions {
  /** Fraction of rows kept: floor(rows * ratio), at least the 1 random start. @default 0.1 */
  ratio: number;
  /** Projection dimension for the distance computation. @default 128 */
  projDim: number;
}

export const CORESET_DEFAULTS: CoresetOptions = { ratio: 0.1, projDim: 128 };

export function greedyCoreset(features: Matrix, rng: Rng, options?: Partial<CoresetOptions>): Int32Array {
  const o = resolveOptions(CORESET_DEFAULTS, options, 'greedyCoreset');
  checkRange('ratio', o.ratio, 0, 1, { minOpen: true });
  checkRange('projDim', o.projDim, 1, 1 << 20, { integer: true });
  assertFinite(features, 'coreset features');
  const n = features.rows;
  const m = Math.max(1, Math.floor(n * o.ratio));
  const p = randomProjection(features, o.projDim, rng);
  const d = p.cols;
  const picks = new Int32Array(m);
  const minD = new Float64Array(n).fill(Infinity);
  let last = rng.int(n);
  picks[0] = last;
  for (let s = 1; s < m; s++) {
    const lo = last * d;
    let best = -1;
    let bi = 0;
    for (let i = 0; i < n; i++) {
      const io = i * d;
      let acc = 0;
      for (let c = 0; c < d; c++) { const t = p.data[io + c] - p.data[lo + c]; acc += t * t; }
      if (acc < minD[i]) minD[i] = acc;
      if (minD[i] > best) { best = minD[i]; bi = i; }
    }
    last = bi;
    picks[s] = bi;
  }
  return picks;
}
