/**
 * Head (denoising) branch, docs/method.md §3.2 step 2, on ALL training patches: optional per-position LOF filter
 * (keep LOF strictly below the quantile), then a greedy coreset of the kept rows. Also the whole of PatchCore
 * (no filter) and SoftPatch (filter + LOF weights).
 */
import { Matrix, takeRows } from '../linalg/matrix';
import { lofPerPosition } from '../sampling/lof';
import { quantileLinear } from '../sampling/quantile';
import { patchClassSizes, tailedLofScores } from '../sampling/tailed-lof';
import { greedyCoresetParallel } from '../sampling/coreset';
import { Rng } from '../util/rng';
import { InputError } from '../util/errors';

export interface HeadBranchOptions {
  denoise: 'none' | 'lof' | 'tailed-lof';
  weighting: 'none' | 'lof';
  coresetRatio: number;
  projDim: number;
  lofK: number;
  lofQuantile: number;
}

export interface HeadBranchResult {
  /** Coreset rows (original dimension). */
  features: Matrix;
  /** LOF score of each coreset row when weighting is 'lof', else null. */
  weights: Float32Array | null;
  /** Patch rows left after the LOF filter (all rows when denoise is 'none'). */
  keptRows: number;
  /** The LOF quantile threshold, or null without LOF. */
  lofThreshold: number | null;
  lofMs: number;
  coresetMs: number;
}

export async function buildHeadBranch(
  patches: Matrix,
  imageCount: number,
  patchesPerImage: number,
  o: HeadBranchOptions,
  lofRng: Rng,
  coresetRng: Rng,
  /** Called once the LOF filter is done, before the coreset (TailedCore starts the tail coreset then). */
  afterLof?: () => void,
): Promise<HeadBranchResult> {
  const t0 = performance.now();
  let candidates: Int32Array | null = null;
  let lofScores: Float32Array | null = null;
  let lofThreshold: number | null = null;
  if (o.denoise !== 'none' || o.weighting === 'lof') {
    lofScores = await lofPerPosition(patches, imageCount, patchesPerImage, lofRng, { k: o.lofK, projDim: o.projDim });
    if (o.denoise !== 'none') {
      // TailedLOF filters on the class-size-weighted LOF; the weights of SoftPatch stay plain LOF.
      const filterScores =
        o.denoise === 'tailed-lof'
          ? tailedLofScores(lofScores, await patchClassSizes(patches, imageCount, patchesPerImage))
          : lofScores;
      lofThreshold = quantileLinear(filterScores, o.lofQuantile);
      candidates = keepBelow(filterScores, lofThreshold);
      if (candidates.length === 0) {
        throw new InputError(
          `LOF filter kept no patch (every LOF score equals the ${o.lofQuantile} quantile ${lofThreshold}); the training features are degenerate (all identical?)`,
        );
      }
    }
  }
  const t1 = performance.now();
  afterLof?.();
  // Projection on the GEMM engine (float32) + the exact pruned loop on all cores: the brute-force picks for that
  // projection. The kept rows are projected in place (no full-dimension copy of the pool).
  const picks = await greedyCoresetParallel(
    patches,
    coresetRng,
    // fit has checked the training patches (checkFeatureSet): finite and bounded
    { ratio: o.coresetRatio, projDim: o.projDim, progress: true, label: 'head coreset', checkedFinite: true },
    {},
    candidates,
  );
  const rows = candidates ? picks.map((p) => candidates![p]) : picks;
  const features = takeRows(patches, rows);
  let weights: Float32Array | null = null;
  if (o.weighting === 'lof' && lofScores) {
    weights = new Float32Array(picks.length);
    for (let i = 0; i < picks.length; i++) weights[i] = lofScores[rows[i]];
  }
  const t2 = performance.now();
  return {
    features,
    weights,
    keptRows: candidates ? candidates.length : patches.rows,
    lofThreshold,
    lofMs: t1 - t0,
    coresetMs: t2 - t1,
  };
}

/** Indices whose score is strictly below the threshold (official: `scores < thr`). */
export function keepBelow(scores: Float32Array, threshold: number): Int32Array {
  let n = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] < threshold) n++;
  const out = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] < threshold) out[j++] = i;
  return out;
}
