/**
 * F1-max (anomalib F1Max): the largest 2PR/(P+R+1e-10) over all thresholds of the precision-recall curve, where a
 * threshold t predicts "anomalous" for score >= t; returns that F1 and its threshold (the lowest threshold among
 * equal maxima, as the first argmax over torchmetrics' ascending thresholds). Raw scores, float64.
 */
import { InputError } from '../util/errors';
import { Scores, Labels, countPositives, checkSameLength, checkFinite } from './validate';

export interface F1MaxResult {
  f1: number;
  threshold: number;
}

export function f1Max(scores: Scores, labels: Labels): F1MaxResult {
  checkSameLength(scores, labels, 'scores', 'labels');
  const nPos = countPositives(labels, 'labels');
  if (nPos === 0) throw new InputError('f1Max: labels hold no positive (1); recall and F1 are undefined');
  checkFinite(scores, 'scores');
  const n = scores.length;
  const Ctor = scores instanceof Float32Array ? Float32Array : Float64Array;
  const pos = new Ctor(nPos);
  const neg = new Ctor(n - nPos);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (labels[i] === 1) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  pos.sort();
  neg.sort();
  // Walk distinct thresholds from the top: TP = positives >= t, FP = negatives >= t.
  let pi = pos.length - 1;
  let ni = neg.length - 1;
  let best = -1;
  let bestT = NaN;
  while (pi >= 0 || ni >= 0) {
    const t = pi < 0 ? neg[ni] : ni < 0 ? pos[pi] : Math.max(pos[pi], neg[ni]);
    while (pi >= 0 && pos[pi] === t) pi--;
    while (ni >= 0 && neg[ni] === t) ni--;
    const tp = pos.length - 1 - pi;
    const fp = neg.length - 1 - ni;
    const precision = tp / (tp + fp);
    const recall = tp / nPos;
    const f1 = (2 * precision * recall) / (precision + recall + 1e-10);
    if (f1 >= best) {
      best = f1;
      bestT = t;
    }
  }
  return { f1: best, threshold: bestT };
}
