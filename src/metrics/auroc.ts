/**
 * AUROC by ranks (Mann-Whitney U, ties counted half) on raw scores: equal to sklearn's roc_auc_score and to the
 * exact trapezoid ROC area. Scores are never squashed or clamped. Works by sorting the positive and the negative
 * scores separately (float32 scores: radix sort of order-preserving keys; others: native typed-array sort) and one
 * merge, so ~5M pixels need no object arrays.
 * U is a sum of integers and halves, exact in float64 up to 2^52.
 */
import { Scores, Labels, countPositives, checkSameLength, checkFinite, checkBothClasses } from './validate';
import { sortedKeys } from './argsort';

type Sortable = Float32Array | Float64Array | Uint32Array;

/** Splits scores into positives and negatives (float64 copies). */
function split(scores: Scores, labels: Labels, nPos: number): { pos: Float64Array; neg: Float64Array } {
  const n = scores.length;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(n - nPos);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (labels[i] === 1) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  return { pos, neg };
}

/** U statistic of ascending positives vs ascending negatives: sum over positives of #(neg < s) + 0.5 #(neg == s). */
function mannWhitneyU(pos: Sortable, neg: Sortable): number {
  let u = 0;
  let lt = 0; // negatives strictly below the current positive value
  let i = 0;
  while (i < pos.length) {
    const v = pos[i];
    let j = i;
    while (j < pos.length && pos[j] === v) j++;
    while (lt < neg.length && neg[lt] < v) lt++;
    let eq = lt;
    while (eq < neg.length && neg[eq] === v) eq++;
    u += (j - i) * (lt + 0.5 * (eq - lt));
    i = j;
  }
  return u;
}

function aurocChecked(scores: Scores, labels: Labels, scoreName: string, labelName: string): number {
  checkSameLength(scores, labels, scoreName, labelName);
  const nPos = countPositives(labels, labelName);
  checkBothClasses(nPos, labels.length, labelName);
  checkFinite(scores, scoreName);
  const nNeg = labels.length - nPos;
  if (scores instanceof Float32Array) {
    const pos = sortedKeys(scores, (i) => labels[i] === 1, nPos);
    const neg = sortedKeys(scores, (i) => labels[i] !== 1, nNeg);
    return mannWhitneyU(pos, neg) / (nPos * nNeg);
  }
  const { pos, neg } = split(scores, labels, nPos);
  pos.sort();
  neg.sort();
  return mannWhitneyU(pos, neg) / (nPos * nNeg);
}

/** Image-level AUROC: scores (any real numbers) against 0/1 labels (1 = anomalous). */
export function auroc(scores: Scores, labels: Labels): number {
  return aurocChecked(scores, labels, 'scores', 'labels');
}

/**
 * Pixel-level AUROC over every pixel of every test image (normal images included): anomaly maps against binary
 * ground-truth masks, flattened in the same order (image-major, then rows).
 */
export function pixelAuroc(maps: Float32Array, masks: Uint8Array | ArrayLike<number>): number {
  return aurocChecked(maps, masks, 'anomaly maps', 'masks');
}
