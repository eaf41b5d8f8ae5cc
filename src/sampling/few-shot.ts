/**
 * Few-shot selection (docs/method.md §2.4): from one predicted class size per sample to the set of "tail" samples.
 * Three steps, each with the official code's arithmetic: an estimated class histogram, the elbow of that
 * histogram, and a cap so that the tail holds at most `percentile` of all samples. Pure numbers, no I/O.
 */
import { InputError } from '../util/errors';
import { resolveOptions, checkRange } from '../util/options';
import { roundHalfEven } from '../util/round';

const f32 = Math.fround;

export interface FewShotOptions {
  /**
   * Share of all samples the tail may hold (the percentile cap). A value >= 1 switches the cap off,
   * as in the reference (which only applies it when percentile < 1). @default 0.15
   */
  percentile: number;
}

export const FEW_SHOT_DEFAULTS: FewShotOptions = { percentile: 0.15 };

export interface FewShotResult {
  /** Estimated class sizes, descending (the reference's num_samples_per_class). */
  classHistogram: number[];
  /** The elbow of classHistogram. */
  kElbow: number;
  /** The largest class that still fits in the percentile budget; null when the cap is off. */
  kPct: number | null;
  /** min(kElbow, kPct): a sample is tail when its class size is <= maxK. */
  maxK: number;
  /** Indices (ascending) of the samples whose predicted class size is <= maxK. */
  tailIndices: Int32Array;
}

/** Rounds half to even, like torch.round and numpy.round (2.5 -> 2, 3.5 -> 4). */
export { roundHalfEven };

function checkSizes(classSizes: ArrayLike<number>, where: string): void {
  if (classSizes.length === 0) throw new InputError(`${where}: no class sizes given (one per sample is needed)`);
  for (let i = 0; i < classSizes.length; i++) {
    const v = classSizes[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new InputError(`${where}: class size ${i} is ${String(v)}; sizes must be finite and non-negative`);
    }
  }
}

/**
 * Estimates the class histogram from per-sample class sizes (reference predict_num_samples_per_class): round half
 * to even, sort ascending, clamp to >= 1; then repeatedly take the smallest value k0, form one class of
 * round(mean of the first k0 values) samples (mean in float32, as the reference) and drop them; leftovers smaller
 * than the smallest remaining value join the last class. Returns the class sizes sorted descending.
 */
export function estimateClassHistogram(classSizes: ArrayLike<number>): number[] {
  checkSizes(classSizes, 'estimateClassHistogram');
  const n = classSizes.length;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = roundHalfEven(classSizes[i]);
  s.sort();
  for (let i = 0; i < n; i++) if (s[i] < 1) s[i] = 1;
  const classes: number[] = [];
  let p = 0;
  while (p < n) {
    const rem = n - p;
    const k0 = s[p];
    if (rem < k0) {
      if (classes.length === 0) {
        throw new InputError(
          `estimateClassHistogram: every predicted class size (smallest ${k0}) exceeds the ${n} samples; sizes must come from the same ${n} samples`,
        );
      }
      classes[classes.length - 1] += rem;
      break;
    }
    let sum = 0;
    for (let i = p; i < p + k0; i++) sum += s[i];
    const k = Math.min(roundHalfEven(f32(sum / k0)), rem);
    classes.push(k);
    p += k;
  }
  return classes.sort((a, b) => b - a);
}

/**
 * Elbow of a descending histogram (reference elbow / compute_orthogonal_distances): the point (k, d[k]) farthest
 * from the straight line through the first and last points, in raw units. The distance is computed through the
 * foot of the perpendicular and stored as float32 before the first argmax, exactly as the reference does, so that
 * its tie-breaking (mostly the two-class case, where both points lie on the line) is reproduced.
 */
export function elbowK(desc: readonly number[]): number {
  const C = desc.length;
  if (C === 0) throw new InputError('elbowK: empty histogram');
  if (C === 1) return desc[0];
  const c = desc[0];
  const m = (desc[C - 1] - desc[0]) / (C - 1);
  // m == 0 (all classes equal): the reference's distances are all NaN and torch's argmax returns index 0.
  if (m === 0) return desc[0];
  const mp = -1 / m;
  let best = -Infinity;
  let bi = 0;
  for (let k = 0; k < C; k++) {
    const y = desc[k];
    const cp = y - mp * k;
    const xi = (cp - c) / (m - mp);
    const yi = m * xi + c;
    const dist = f32(Math.sqrt((xi - k) ** 2 + (yi - y) ** 2));
    if (dist > best) {
      best = dist;
      bi = k;
    }
  }
  return desc[bi];
}

/**
 * Percentile cap (reference _predict_max_K_max_within_percnetile): n = int(sum * p) in float32 arithmetic (the
 * reference multiplies an integer tensor by a Python float); count the smallest classes whose cumulative size stays
 * <= n; return the largest of them, or the smallest class if none fits.
 */
export function percentileK(desc: readonly number[], percentile: number): number {
  const C = desc.length;
  if (C === 0) throw new InputError('percentileK: empty histogram');
  let total = 0;
  for (const v of desc) total += v;
  const n = Math.trunc(f32(f32(total) * f32(percentile)));
  let acc = 0;
  let kc = 0;
  for (let i = C - 1; i >= 0; i--) {
    acc += desc[i];
    if (acc > n) break;
    kc++;
  }
  return desc[Math.min(C - kc, C - 1)];
}

/**
 * From per-sample class sizes to tail samples (docs/method.md §2.4): histogram, elbow, percentile cap, then every sample
 * whose (unrounded) class size is <= maxK.
 */
export function predictFewShot(classSizes: ArrayLike<number>, options?: Partial<FewShotOptions>): FewShotResult {
  const o = resolveOptions(FEW_SHOT_DEFAULTS, options, 'predictFewShot');
  checkRange('percentile', o.percentile, 0, 1, { minOpen: true });
  const classHistogram = estimateClassHistogram(classSizes);
  const kElbow = elbowK(classHistogram);
  const kPct = o.percentile < 1 ? percentileK(classHistogram, o.percentile) : null;
  const maxK = kPct === null ? kElbow : Math.min(kElbow, kPct);
  let count = 0;
  for (let i = 0; i < classSizes.length; i++) if (classSizes[i] <= maxK) count++;
  const tailIndices = new Int32Array(count);
  for (let i = 0, t = 0; i < classSizes.length; i++) if (classSizes[i] <= maxK) tailIndices[t++] = i;
  return { classHistogram, kElbow, kPct, maxK, tailIndices };
}
