/**
 * Class-size prediction from a cosine self-similarity matrix (docs/method.md §2.2-2.3): a similarity threshold per row (or
 * one global threshold), the count map, and the column-wise vote. Pure numbers on a float32 N x N matrix; the
 * N x N count map of the reference is never materialised (memory stays at the similarity matrix plus O(N)).
 *
 * Arithmetic follows the official code (jungyg/TailedCore src/adaptive_class_size.py, src/class_size.py): the
 * similarities, thresholds and quantised values are float32, so this module rounds with Math.fround wherever
 * numpy/torch compute in float32. Deviations are marked "Deviation" below.
 */
import { InputError } from '../util/errors';
import { roundHalfEven } from './few-shot';

const f32 = Math.fround;

export const ROW_THRESHOLD_TYPES = [
  'trim_min',
  'half_min',
  'truncate_min',
  'max_step',
  'double_max_step',
  'max_step_min_num_neighbors',
  'double_min_bin_count',
  'min_kde',
  'double_min_kde',
  'ruled_max_step',
] as const;
export const GLOBAL_THRESHOLD_TYPES = ['symmin', 'symavg', 'indep'] as const;
export const THRESHOLD_TYPES = [...ROW_THRESHOLD_TYPES, ...GLOBAL_THRESHOLD_TYPES] as const;
export const VOTE_TYPES = ['mode', 'mean', 'none', 'nearest'] as const;

export type RowThresholdType = (typeof ROW_THRESHOLD_TYPES)[number];
export type GlobalThresholdType = (typeof GLOBAL_THRESHOLD_TYPES)[number];
export type ThresholdType = RowThresholdType | GlobalThresholdType;
export type VoteType = (typeof VOTE_TYPES)[number];

/** A square similarity matrix: row-major float32, n x n. */
export interface SimilarityMatrix {
  data: Float32Array;
  n: number;
}

/** Half (or 1/div) of the angle whose cosine is m, back to a cosine; float32 like numpy on float32 scalars. */
function cosOfAngleFraction(m: number, div: number): number {
  // Deviation: clamp to [-1, 1]. Rounding can push a similarity just past 1, where the reference gets NaN.
  const c = m > 1 ? 1 : m < -1 ? -1 : m;
  return f32(Math.cos(f32(f32(Math.acos(c)) / div)));
}

/** The codes trunc(n * s) in float32 of one row, written into `codes`; returns their [min, max] as stored (int32). */
function quantiseCodes(row: Float32Array, n: number, codes: Int32Array): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (let j = 0; j < n; j++) {
    codes[j] = Math.trunc(f32(n * row[j]));
    const c = codes[j]; // as stored: int32 (no -0)
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  return [lo, hi];
}

/**
 * The reference's quantised sort of one row: trunc(n * s) in float32, sorted ascending, then / n in float32.
 * Writes the integer codes into `codes` (length n) and the float32 values into `q` (length n).
 */
export function quantisedSort(row: Float32Array, n: number, codes: Int32Array, q: Float32Array): void {
  const [lo, hi] = quantiseCodes(row, n, codes);
  // Cosines give codes in about [-n, n]: a counting sort (O(n) a row, the same ascending codes as a comparison sort;
  // it made trim_min 5-10x faster at n = 5000). Anything wider falls back to the comparison sort.
  if (n > 0 && hi - lo <= 4 * n + 8) countingSort(codes, n, lo, hi);
  else codes.sort();
  for (let j = 0; j < n; j++) q[j] = f32(codes[j] / n);
}

let countScratch = new Int32Array(0);

/** Sorts codes[0..n) ascending, all of them in [lo, hi]. */
function countingSort(codes: Int32Array, n: number, lo: number, hi: number): void {
  const bins = hi - lo + 1;
  if (countScratch.length < bins) countScratch = new Int32Array(bins);
  const count = countScratch;
  count.fill(0, 0, bins);
  for (let j = 0; j < n; j++) count[codes[j] - lo]++;
  let at = 0;
  for (let b = 0; b < bins; b++) {
    const c = count[b];
    if (c > 0) codes.fill(b + lo, at, at + c);
    at += c;
  }
}

/** First index of the largest value (numpy argmax: the first one wins). */
function argmaxFirst(v: ArrayLike<number>, len = v.length): number {
  let bi = 0;
  let best = v[0];
  for (let k = 1; k < len; k++)
    if (v[k] > best) {
      best = v[k];
      bi = k;
    }
  return bi;
}

/**
 * The reference's "double criterion": each value divided by max(largest later value, 1e-7), the last one by itself;
 * first argmax. `float32` selects numpy float32 arithmetic (for float32 criteria) or float64.
 */
export function doubleCriterion(crits: ArrayLike<number>, float32: boolean): number {
  const len = crits.length;
  const r = float32 ? f32 : (x: number) => x;
  const eps = r(1e-7);
  let best = -Infinity;
  let bi = 0;
  // Walk backwards keeping the running max of the later values; then the first argmax, walking forwards.
  const ratio = new Float64Array(len);
  let laterMax = -Infinity;
  for (let k = len - 1; k >= 0; k--) {
    const next = k === len - 1 ? crits[k] : laterMax;
    ratio[k] = r(crits[k] / Math.max(next, eps));
    if (crits[k] > laterMax) laterMax = crits[k];
  }
  for (let k = 0; k < len; k++)
    if (ratio[k] > best) {
      best = ratio[k];
      bi = k;
    }
  return bi;
}

function midpoint(q: Float32Array, k: number): number {
  return f32(f32(q[k] + q[k + 1]) / 2);
}

function trimThreshold(q: Float32Array, n: number, p: number): number {
  const h = cosOfAngleFraction(q[0], 2);
  let i0 = 0;
  while (i0 < n && !(q[i0] > h)) i0++;
  const L = n - i0;
  // Deviation: with no candidate above the half angle (identical rows) the reference raises IndexError;
  // take the row's largest value, so the row accepts its exact duplicates.
  if (L === 0) return q[n - 1];
  const t = Math.trunc(L * p);
  return t === 0 ? q[i0] : q[n - t];
}

/**
 * trimThreshold(quantisedSort(row)) read straight off the histogram of the codes, without writing the sorted row:
 * q is non-decreasing in the code, so "values not above h" is a prefix of bins and q[i] is the code at rank i.
 */
function trimFromCodes(row: Float32Array, n: number, p: number, codes: Int32Array, q: Float32Array): number {
  const [lo, hi] = quantiseCodes(row, n, codes);
  if (!(n > 0 && hi - lo <= 4 * n + 8)) {
    quantisedSort(row, n, codes, q);
    return trimThreshold(q, n, p);
  }
  const bins = hi - lo + 1;
  if (countScratch.length < bins) countScratch = new Int32Array(bins);
  const count = countScratch;
  count.fill(0, 0, bins);
  for (let j = 0; j < n; j++) count[codes[j] - lo]++;
  const h = cosOfAngleFraction(f32(lo / n), 2);
  let i0 = 0;
  for (let b = 0; b < bins && !(f32((b + lo) / n) > h); b++) i0 += count[b];
  const L = n - i0;
  if (L === 0) return f32(hi / n);
  const t = Math.trunc(L * p);
  const rank = t === 0 ? i0 : n - t;
  let seen = 0;
  for (let b = 0; b < bins; b++) {
    seen += count[b];
    if (seen > rank) return f32((b + lo) / n);
  }
  return f32(hi / n);
}

function doubleMaxStep(q: Float32Array, n: number): number {
  const diffs = new Float32Array(n - 1);
  for (let k = 0; k < n - 1; k++) diffs[k] = f32(q[k + 1] - q[k]);
  return midpoint(q, doubleCriterion(diffs, true));
}

/**
 * Freedman-Diaconis bin counts per (sorted) value, as the reference's scores_to_bin_counts (numpy percentile and
 * histogram edges are reproduced in float64-then-float32, so a value lying exactly on an edge may bin differently).
 */
function binCounts(q: Float32Array, n: number, row: number): Float32Array {
  const pct = (p: number) => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return f32(q[lo] + (q[hi] - q[lo]) * (pos - lo));
  };
  const iqr = f32(pct(0.75) - pct(0.25));
  const width = f32(f32(2 * iqr) / Math.cbrt(n));
  const range = f32(q[n - 1] - q[0]);
  const bins = width > 0 ? roundHalfEven(range / width) : NaN;
  if (!(bins >= 1) || !Number.isFinite(bins)) {
    throw new InputError(
      `thresholdType double_min_bin_count: row ${row} has no usable Freedman-Diaconis histogram (IQR ${iqr}, range ${range}); the reference fails here too. Use another thresholdType`,
    );
  }
  const edges = new Float64Array(bins + 1);
  const step = (q[n - 1] - q[0]) / bins;
  for (let b = 0; b <= bins; b++) edges[b] = f32(q[0] + b * step);
  edges[bins] = q[n - 1];
  const bin = new Int32Array(n);
  const hist = new Int32Array(bins);
  let b = 0;
  for (let j = 0; j < n; j++) {
    while (b < bins - 1 && q[j] >= edges[b + 1]) b++;
    bin[j] = b;
    hist[b]++;
  }
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) out[j] = hist[bin[j]];
  return out;
}

/**
 * Top-hat KDE log density at each sorted value (sklearn KernelDensity(kernel='tophat', bandwidth='silverman')):
 * sklearn's 'silverman' bandwidth is (n * 3/4)^(-1/5) for 1-D data and is not scaled by the data's spread; a
 * neighbour counts when |x - x_j| < h.
 */
function tophatLogDensity(q: Float32Array, n: number): Float64Array {
  const h = Math.pow((n * 3) / 4, -1 / 5);
  const logNorm = Math.log(2 * h) + Math.log(n);
  const out = new Float64Array(n);
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < n; k++) {
    const x = q[k];
    while (x - q[lo] >= h) lo++;
    if (hi < k) hi = k;
    while (hi < n && q[hi] - x < h) hi++;
    out[k] = Math.log(hi - lo) - logNorm;
  }
  return out;
}

/**
 * The threshold of one row for a per-row ("adaptive") threshold type, as a float32 value.
 * `codes`/`q` are scratch arrays of length n.
 */
export function rowThreshold(
  type: RowThresholdType,
  row: Float32Array,
  n: number,
  codes: Int32Array,
  q: Float32Array,
  trimP: number,
  rowIndex: number,
): number {
  if (type === 'half_min') {
    let m = Infinity;
    for (let j = 0; j < n; j++) if (row[j] < m) m = row[j];
    return cosOfAngleFraction(m, 2);
  }
  if (type === 'trim_min' || type === 'truncate_min')
    return trimFromCodes(row, n, type === 'trim_min' ? trimP : 0.5, codes, q);
  quantisedSort(row, n, codes, q);
  switch (type) {
    case 'max_step': {
      let best = -Infinity;
      let bk = 0;
      for (let k = 0; k < n - 1; k++) {
        const d = f32(q[k + 1] - q[k]);
        if (d > best) {
          best = d;
          bk = k;
        }
      }
      return midpoint(q, bk);
    }
    case 'double_max_step':
      return doubleMaxStep(q, n);
    case 'max_step_min_num_neighbors': {
      // On the descending order: gap d_k = desc[k] - desc[k+1] weighted by ln(n-1) - ln(k+1).
      const lnLen = Math.log(n - 1);
      let best = -Infinity;
      let bk = 0;
      for (let k = 0; k < n - 1; k++) {
        const a = q[n - 1 - k];
        const b = q[n - 2 - k];
        const crit = f32(a - b) * (lnLen - Math.log(k + 1));
        if (crit > best) {
          best = crit;
          bk = k;
        }
      }
      return f32(f32(q[n - 1 - bk] + q[n - 2 - bk]) / 2);
    }
    case 'double_min_bin_count': {
      const counts = binCounts(q, n, rowIndex);
      const len = n - 1;
      let max = -Infinity;
      for (let k = 0; k < len; k++) if (counts[k] > max) max = counts[k];
      const crits = new Float32Array(len);
      for (let k = 0; k < len; k++) crits[k] = f32(max - counts[k]);
      return midpoint(q, doubleCriterion(crits, true));
    }
    case 'min_kde': {
      const ld = tophatLogDensity(q, n);
      let best = Infinity;
      let bk = 0;
      for (let k = 0; k < n - 1; k++)
        if (ld[k] < best) {
          best = ld[k];
          bk = k;
        }
      return midpoint(q, bk);
    }
    case 'double_min_kde': {
      const ld = tophatLogDensity(q, n).subarray(0, n - 1);
      const max = ld[argmaxFirst(ld)];
      const crits = new Float64Array(n - 1);
      for (let k = 0; k < n - 1; k++) crits[k] = max - ld[k];
      return midpoint(q, doubleCriterion(crits, false));
    }
    case 'ruled_max_step': {
      // The rule uses the raw (unquantised) row minimum, as the reference does.
      let m = Infinity;
      for (let j = 0; j < n; j++) if (row[j] < m) m = row[j];
      const dms = doubleMaxStep(q, n);
      return dms >= cosOfAngleFraction(m, 8) ? cosOfAngleFraction(m, 2) : dms;
    }
    default: {
      const never: never = type;
      throw new InputError(`unknown row threshold type ${String(never)}`);
    }
  }
}

/** Per-row thresholds for every row of S. */
export function rowThresholds(S: SimilarityMatrix, type: RowThresholdType, trimP: number): Float32Array {
  const n = S.n;
  const th = new Float32Array(n);
  const codes = new Int32Array(n);
  const q = new Float32Array(n);
  for (let i = 0; i < n; i++) th[i] = rowThreshold(type, S.data.subarray(i * n, (i + 1) * n), n, codes, q, trimP, i);
  return th;
}

/** One global threshold (reference class_size.compute_th with within=False), as float32. */
export function globalThreshold(S: SimilarityMatrix, type: GlobalThresholdType): number {
  const n = S.n;
  if (type === 'indep') return f32(Math.cos(Math.PI / 4));
  let globalMin = Infinity;
  let sumOfMins = 0;
  for (let i = 0; i < n; i++) {
    let m = Infinity;
    const o = i * n;
    for (let j = 0; j < n; j++) if (S.data[o + j] < m) m = S.data[o + j];
    if (m < globalMin) globalMin = m;
    sumOfMins += m;
  }
  const m = type === 'symmin' ? globalMin : f32(sumOfMins / n);
  return cosOfAngleFraction(m, 2);
}

/** c_i = #{ j : S_ij >= th_i }: the neighbourhood size that row i writes into every column it accepts. */
export function rowCounts(S: SimilarityMatrix, th: Float32Array): Int32Array {
  const n = S.n;
  const c = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = th[i];
    const o = i * n;
    let k = 0;
    for (let j = 0; j < n; j++) if (S.data[o + j] >= t) k++;
    c[i] = k;
  }
  return c;
}

/**
 * Column-wise vote over the implicit count map count_map_ij = c_i * [S_ij >= th_i] (docs/method.md §2.2):
 * - mode: most frequent non-zero entry of column j, ties to the smallest value (scipy.stats.mode);
 * - mean: mean of the non-zero entries of column j (float32);
 * - none: mean of ROW j including zeros, = c_j^2 / n (the reference's behaviour, kept as is);
 * - nearest: the non-zero entry of column j closest to that column's mean, first row on ties.
 *   Deviation: the reference indexes count_map[j, idx_j] (a row entry); the kit takes the column entry
 *   count_map[idx_j, j] that the description (and docs/method.md §2.2) means. The reference offers 'nearest' only with the
 *   global thresholds (its adaptive path has no such vote); the kit allows it with any threshold type.
 * Deviation (all column votes): a column with no vote (possible only when a near-duplicate is more similar to a row
 * than the row is to itself) gets max(1, c_j) instead of the reference's NaN.
 */
export function voteClassSizes(
  S: SimilarityMatrix,
  th: Float32Array,
  counts: Int32Array,
  vote: VoteType,
): Float32Array {
  const n = S.n;
  const out = new Float32Array(n);
  if (vote === 'none') {
    for (let j = 0; j < n; j++) out[j] = f32(f32(counts[j] * counts[j]) / n);
    return out;
  }
  const sum = new Float64Array(n);
  const nz = new Int32Array(n);
  if (vote === 'mode') {
    // Group rows by their count value (ascending), tally that value's votes per column, keep the strict best:
    // ascending order + strict '>' gives ties to the smallest value. O(n^2) time, O(n) memory.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => counts[a] - counts[b] || a - b);
    const bestCount = new Int32Array(n);
    const tally = new Int32Array(n);
    let g = 0;
    while (g < n) {
      const v = counts[order[g]];
      let e = g;
      while (e < n && counts[order[e]] === v) e++;
      if (v > 0) {
        tally.fill(0);
        for (let r = g; r < e; r++) {
          const i = order[r];
          const t = th[i];
          const o = i * n;
          for (let j = 0; j < n; j++) if (S.data[o + j] >= t) tally[j]++;
        }
        for (let j = 0; j < n; j++)
          if (tally[j] > bestCount[j]) {
            bestCount[j] = tally[j];
            out[j] = v;
          }
      }
      g = e;
    }
    for (let j = 0; j < n; j++) if (bestCount[j] === 0) out[j] = Math.max(1, counts[j]);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const t = th[i];
    const c = counts[i];
    const o = i * n;
    for (let j = 0; j < n; j++)
      if (S.data[o + j] >= t) {
        sum[j] += c;
        nz[j]++;
      }
  }
  if (vote === 'mean') {
    for (let j = 0; j < n; j++) out[j] = nz[j] > 0 ? f32(sum[j] / nz[j]) : Math.max(1, counts[j]);
    return out;
  }
  // nearest
  const mean = new Float32Array(n);
  for (let j = 0; j < n; j++) mean[j] = nz[j] > 0 ? f32(sum[j] / nz[j]) : NaN;
  const bestD = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const t = th[i];
    const c = counts[i];
    const o = i * n;
    for (let j = 0; j < n; j++) {
      if (S.data[o + j] >= t) {
        const d = Math.abs(f32(c - mean[j]));
        if (d < bestD[j]) {
          bestD[j] = d;
          out[j] = c;
        }
      }
    }
  }
  for (let j = 0; j < n; j++) if (nz[j] === 0) out[j] = Math.max(1, counts[j]);
  return out;
}
