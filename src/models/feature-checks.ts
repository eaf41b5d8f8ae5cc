/**
 * What every model of the kit checks of the features it is given, and how it turns patch scores into a prediction:
 * one place for the memory-bank models and PaDiM alike.
 */
import { Matrix, assertFinite } from '../linalg/matrix';
import { checkMatrixArg } from '../linalg/matrix-arg';
import { nativeModule } from '../linalg/native';
import { FeatureSet } from '../features/types';
import { InputError } from '../util/errors';
import { anomalyMaps, imageMaxScores } from '../scoring/maps';
import { Prediction } from './types';

/** Checks shape and values of a feature set; returns patches per image. */
export function checkFeatureSet(f: FeatureSet, what: string): number {
  if (!f || !f.patches) throw new InputError(`${what}: no patch features given`);
  checkMatrixArg(f.patches, 'patches', what);
  const ppi = f.gridH * f.gridW;
  if (!Number.isInteger(f.imageCount) || f.imageCount < 1)
    throw new InputError(`${what}: imageCount must be a positive integer, got ${f.imageCount}`);
  if (!Number.isInteger(ppi) || ppi < 1)
    throw new InputError(`${what}: grid ${f.gridH}x${f.gridW} is not a positive integer size`);
  if (f.patches.rows !== f.imageCount * ppi) {
    throw new InputError(
      `${what}: ${f.patches.rows} patch rows but ${f.imageCount} images x ${f.gridH}x${f.gridW} patches need ${f.imageCount * ppi}`,
    );
  }
  checkMagnitude(f.patches, `${what} (patches)`);
  return ppi;
}

/** float32's largest finite value. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The largest |value| a feature matrix of `cols` columns may hold: squared L2 distances between two rows, which can
 * reach cols * (2 * max)^2, then stay below float32's maximum with a margin of 2^8 for the GEMM's intermediate sums.
 * Larger but finite features (say 1e20) would give Infinity distances, every score would tie and AUROC would read
 * 0.5 without any error. Real backbone features are many orders of magnitude below this bound (~5e16 at 128 columns).
 */
function featureMagnitudeLimit(cols: number): number {
  return Math.sqrt(FLOAT32_MAX / (4 * Math.max(1, cols) * 256));
}

/** Throws an InputError naming the stage, row and column of the first non-finite or too large value. */
export function checkMagnitude(m: Matrix, what: string): void {
  const limit = featureMagnitudeLimit(m.cols);
  const d = m.data;
  // One pass: the largest |value| in four independent lanes (Math.max keeps a NaN, so NaN fails the test below, as do
  // ±Infinity and too large values); twice as fast as a test per value (24 M values: 13 ms against 24). The slow
  // path names the cell.
  let ok = d.length === m.rows * m.cols && m.rows > 0 && m.cols > 0;
  const native = ok ? nativeModule() : null;
  if (native)
    ok = native.maxAbs(d) <= limit; // the same test (NaN fails it) at the memory's pace: src/native/scan.cc
  else if (ok) {
    let m0 = 0,
      m1 = 0,
      m2 = 0,
      m3 = 0,
      j = 0;
    for (; j + 3 < d.length; j += 4) {
      m0 = Math.max(m0, Math.abs(d[j]));
      m1 = Math.max(m1, Math.abs(d[j + 1]));
      m2 = Math.max(m2, Math.abs(d[j + 2]));
      m3 = Math.max(m3, Math.abs(d[j + 3]));
    }
    for (; j < d.length; j++) m0 = Math.max(m0, Math.abs(d[j]));
    ok = Math.max(m0, m1, m2, m3) <= limit;
  }
  if (ok) return;
  assertFinite(m, what);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v > limit || v < -limit) {
      const r = Math.floor(i / m.cols);
      throw new InputError(
        `${what}: value ${v.toExponential(3)} at row ${r}, column ${i - r * m.cols} is too large (|x| > ${limit.toExponential(2)} for ${m.cols} columns): ` +
          'squared distances would overflow float32 to Infinity, every score would tie and AUROC would read 0.5. ' +
          "Rescale the features (e.g. divide by a constant or L2-normalise) or check the backbone's output",
      );
    }
  }
}

/** A prediction from one score per patch: image score = max patch score, map = upsampled and blurred patch scores. */
export function predictionOf(scores: Float32Array, test: FeatureSet, ppi: number, blurSigma: number): Prediction {
  return {
    imageScores: imageMaxScores(scores, test.imageCount, ppi),
    maps: anomalyMaps(scores, test.imageCount, test.gridH, test.gridW, test.inputSize, blurSigma),
    mapSize: test.inputSize,
    patchScores: scores,
  };
}
