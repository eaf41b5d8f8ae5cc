/**
 * Patch scores -> pixel anomaly maps, as the official RescaleSegmentor does (docs/method.md §3.4): reshape each image's
 * scores to gridH x gridW, bilinear upsample (align_corners=false) to inputSize x inputSize, Gaussian blur σ=4
 * (scipy defaults). Scores are never clamped or normalised.
 */
import { InputError } from '../util/errors';
import { bilinearResize, resizePlan, resizeInto } from './upsample';
import { gaussianBlur, blurPlan, blurInto } from './gaussian';

export interface MapOptions {
  /** Gaussian σ in output pixels; 0 switches the blur off. @default 4 */
  sigma: number;
}

export const MAP_DEFAULTS: MapOptions = { sigma: 4 };

/** One map for one image: `scores` holds gridH*gridW patch scores, row-major. */
export function anomalyMap(
  scores: ArrayLike<number>,
  gridH: number,
  gridW: number,
  inputSize: number,
  sigma = MAP_DEFAULTS.sigma,
): Float32Array {
  const up = bilinearResize(scores, gridH, gridW, inputSize, inputSize);
  return sigma > 0 ? gaussianBlur(up, inputSize, inputSize, sigma) : up;
}

/** Maps for all images: patchScores has imageCount*gridH*gridW values; returns imageCount*inputSize² values. */
export function anomalyMaps(
  patchScores: Float32Array,
  imageCount: number,
  gridH: number,
  gridW: number,
  inputSize: number,
  sigma = MAP_DEFAULTS.sigma,
): Float32Array {
  const ppi = gridH * gridW;
  if (patchScores.length !== imageCount * ppi) {
    throw new InputError(
      `anomalyMaps: ${patchScores.length} patch scores but ${imageCount} images x ${gridH}x${gridW} patches need ${imageCount * ppi}`,
    );
  }
  if (!Number.isInteger(inputSize) || inputSize < 1)
    throw new InputError(`anomalyMaps: inputSize must be a positive integer, got ${inputSize}`);
  const px = inputSize * inputSize;
  const out = new Float32Array(imageCount * px);
  // One plan and one scratch map for all images (same shapes); each image's map equals anomalyMap's bit for bit.
  const rp = resizePlan(gridH, gridW, inputSize, inputSize);
  const bp = sigma > 0 ? blurPlan(inputSize, inputSize, sigma) : null;
  const up = new Float64Array(px);
  for (let i = 0; i < imageCount; i++) {
    resizeInto(rp, patchScores, i * ppi, up);
    if (bp) blurInto(bp, up, out, i * px);
    else out.set(up, i * px);
  }
  return out;
}

/** Image score = max over that image's patch scores (taken before upsampling and blur, docs/method.md §3.4 step 3). */
export function imageMaxScores(patchScores: Float32Array, imageCount: number, patchesPerImage: number): Float32Array {
  if (patchScores.length !== imageCount * patchesPerImage) {
    throw new InputError(
      `imageMaxScores: ${patchScores.length} patch scores for ${imageCount} images x ${patchesPerImage} patches`,
    );
  }
  const out = new Float32Array(imageCount);
  for (let i = 0; i < imageCount; i++) {
    let m = -Infinity;
    for (let p = i * patchesPerImage; p < (i + 1) * patchesPerImage; p++) if (patchScores[p] > m) m = patchScores[p];
    out[i] = m;
  }
  return out;
}
