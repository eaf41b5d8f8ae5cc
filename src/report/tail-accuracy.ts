/**
 * How well a tail selection matches the truth, with the definitions of the authors' analysis ([R] analyze_extracted.py;
 * docs/method.md, "TailSampler accuracy"):
 * ground-truth tail = an image whose class has at most `tailMaxCount` training images (noise included).
 */
import { TAIL_MAX_COUNT } from '../data/splits/options';

export interface TailAccuracy {
  /** Ground-truth tail images. */
  trueTail: number;
  /** Images selected as tail. */
  selected: number;
  /** % of true tail images not selected. */
  missingTailPct: number;
  /** % of injected noise images that were selected. */
  inclAnomalyPct: number;
  /** % of the selected images that are not true tail (1 - precision). */
  inclHeadPct: number;
  /** Mean |predicted - true| / true class size over all images (NaN without predicted sizes). */
  sizeError: number;
  /** % of images classified correctly (tail vs not). */
  accuracyPct: number;
  /** Matthews correlation of the tail/not-tail decision. */
  mcc: number;
}

/**
 * @param trueSizes true class size of each training image's class (good + injected)
 * @param selected 1 where the image was selected as tail
 * @param isNoise 1 where the image is an injected anomaly
 * @param predictedSizes TailSampler's predicted class size per image (optional)
 */
export function tailAccuracy(
  trueSizes: ArrayLike<number>,
  selected: ArrayLike<number | boolean>,
  isNoise: ArrayLike<number | boolean>,
  predictedSizes?: ArrayLike<number>,
  tailMaxCount = TAIL_MAX_COUNT,
): TailAccuracy {
  const n = trueSizes.length;
  if (selected.length !== n || isNoise.length !== n || (predictedSizes && predictedSizes.length !== n)) {
    throw new RangeError(
      `tailAccuracy: arrays of different lengths (${n} sizes, ${selected.length} selections, ${isNoise.length} noise flags)`,
    );
  }
  let tp = 0,
    fp = 0,
    fn = 0,
    tn = 0,
    noise = 0,
    noiseSel = 0,
    err = 0;
  for (let i = 0; i < n; i++) {
    const t = trueSizes[i] <= tailMaxCount;
    const s = Boolean(selected[i]);
    if (t && s) tp++;
    else if (!t && s) fp++;
    else if (t && !s) fn++;
    else tn++;
    if (isNoise[i]) {
      noise++;
      if (s) noiseSel++;
    }
    if (predictedSizes) err += Math.abs(predictedSizes[i] - trueSizes[i]) / trueSizes[i];
  }
  const denom = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return {
    trueTail: tp + fn,
    selected: tp + fp,
    missingTailPct: tp + fn > 0 ? (100 * fn) / (tp + fn) : 0,
    inclAnomalyPct: noise > 0 ? (100 * noiseSel) / noise : 0,
    inclHeadPct: tp + fp > 0 ? (100 * fp) / (tp + fp) : 0,
    sizeError: predictedSizes && n > 0 ? err / n : NaN,
    accuracyPct: n > 0 ? (100 * (tp + tn)) / n : NaN,
    mcc: denom > 0 ? (tp * tn - fp * fn) / denom : 0,
  };
}

/** The truth tailAccuracy needs, from a split's training items: each image's class size (good + injected) and noise flag. */
export function splitTruth(items: readonly { className: string; isNoise: boolean }[]): {
  trueSizes: number[];
  isNoise: boolean[];
} {
  const size = new Map<string, number>();
  for (const t of items) size.set(t.className, (size.get(t.className) ?? 0) + 1);
  return { trueSizes: items.map((t) => size.get(t.className)!), isNoise: items.map((t) => t.isNoise) };
}
