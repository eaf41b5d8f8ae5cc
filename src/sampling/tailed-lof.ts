/**
 * TailedLOF, a development variant of the official code (spec §4.1; [J] sampler.py:596-659, class_size.py:315-370):
 * the head branch's LOF score of each patch is multiplied by (1 − class_size / max class_size), where the class size
 * of a patch is predicted patch-wise: at each position, the cosine self-similarity of that position's patches across
 * the training images, one global 'symmin' threshold at a quarter angle (`within`: cos(arccos(min S) / 4)), and the
 * mean vote. Patches of large classes get a small weight and survive the quantile filter; off in every released config.
 * Open point: the max class size is taken over all patches (one normaliser), not per position.
 */
import { Matrix, assertFinite, zeros, normalizeRows } from '../linalg/matrix';
import { matmulTransposed } from '../linalg';
import { InputError } from '../util/errors';
import { rowCounts, voteClassSizes } from './class-size';

const f32 = Math.fround;

/** The within-class threshold: cos(arccos(m) / 4), float32 like the reference (angle divided by 2·_WITHIN_FACTOR). */
export function quarterAngleThreshold(minSimilarity: number): number {
  const c = minSimilarity > 1 ? 1 : minSimilarity < -1 ? -1 : minSimilarity;
  return f32(Math.cos(f32(f32(Math.acos(c)) / 4)));
}

/**
 * Patch-wise class sizes (imageCount * patchesPerImage, row = image * ppi + position): per position, symmin at a
 * quarter angle and the mean vote over that position's images.
 */
export async function patchClassSizes(
  patches: Matrix,
  imageCount: number,
  patchesPerImage: number,
): Promise<Float32Array> {
  assertFinite(patches, 'TailedLOF patches');
  if (patches.rows !== imageCount * patchesPerImage)
    throw new InputError(
      `TailedLOF: ${patches.rows} patch rows for ${imageCount} images x ${patchesPerImage} positions`,
    );
  if (imageCount < 2) throw new InputError(`TailedLOF needs at least 2 training images, got ${imageCount}`);
  const D = patches.cols;
  const out = new Float32Array(patches.rows);
  const xp = zeros(imageCount, D);
  for (let p = 0; p < patchesPerImage; p++) {
    for (let i = 0; i < imageCount; i++)
      xp.data.set(patches.data.subarray((i * patchesPerImage + p) * D, (i * patchesPerImage + p + 1) * D), i * D);
    for (let i = 0; i < imageCount; i++) {
      let any = false;
      for (let c = 0; c < D && !any; c++) any = xp.data[i * D + c] !== 0;
      // A zero patch has no direction; give it a tiny constant one so its similarity is defined (it joins no class).
      if (!any) xp.data[i * D] = 1e-12;
    }
    const s = await matmulTransposed(normalizeRows(xp), normalizeRows(xp));
    const S = { data: s.data, n: imageCount };
    let m = Infinity;
    for (let k = 0; k < s.data.length; k++) if (s.data[k] < m) m = s.data[k];
    const th = new Float32Array(imageCount).fill(quarterAngleThreshold(m));
    const sizes = voteClassSizes(S, th, rowCounts(S, th), 'mean');
    for (let i = 0; i < imageCount; i++) out[i * patchesPerImage + p] = sizes[i];
  }
  return out;
}

/** LOF × (1 − class_size / max class_size), patch by patch. */
export function tailedLofScores(lofScores: Float32Array, classSizes: Float32Array): Float32Array {
  if (lofScores.length !== classSizes.length)
    throw new InputError(`TailedLOF: ${lofScores.length} LOF scores but ${classSizes.length} class sizes`);
  let max = 0;
  for (const v of classSizes) if (v > max) max = v;
  if (!(max > 0)) throw new InputError('TailedLOF: every patch class size is 0');
  const out = new Float32Array(lofScores.length);
  for (let i = 0; i < out.length; i++) out[i] = f32(lofScores[i] * f32(1 - f32(classSizes[i] / max)));
  return out;
}
