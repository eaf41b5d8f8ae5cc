/**
 * The symmetric assumption of TailSampler, measured (spec §2.1; [R] plot_assumption.py): for each image i and every
 * other image j, the normalised angle arccos(s_ij) / θ_max,i with θ_max,i = arccos(min_j s_ij). The assumption says the
 * same-class angles mirror the different-class ones about 0.5; W(same, 1 − diff), the 1-D Wasserstein distance, says how far
 * an embedding is from that.
 */
import { Matrix, normalizeRows } from '../linalg/matrix';
import { matmulTransposed } from '../linalg';
import { InputError } from '../util/errors';

/** Normalised angles of every ordered pair i ≠ j, split into same-class and different-class pairs. */
export async function normalisedAngles(
  embeddings: Matrix,
  classNames: readonly string[],
): Promise<{ same: Float64Array; diff: Float64Array }> {
  const n = embeddings.rows;
  if (classNames.length !== n) throw new InputError(`normalisedAngles: ${n} rows but ${classNames.length} class names`);
  if (n < 2) throw new InputError('normalisedAngles needs at least 2 images');
  const x = normalizeRows(embeddings);
  // One N x N similarity on the GEMM engine (float32, as TailSampler computes it).
  const S = (await matmulTransposed(x, x)).data;
  const same: number[] = [];
  const diff: number[] = [];
  for (let i = 0; i < n; i++) {
    let min = Infinity;
    for (let j = 0; j < n; j++) if (j !== i && S[i * n + j] < min) min = S[i * n + j];
    const tmax = Math.acos(Math.max(-1, Math.min(1, min)));
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      // All rows identical: no angle to normalise by; count the pair at 0.
      const a = tmax > 0 ? Math.acos(Math.max(-1, Math.min(1, S[i * n + j]))) / tmax : 0;
      (classNames[i] === classNames[j] ? same : diff).push(a);
    }
  }
  return { same: Float64Array.from(same), diff: Float64Array.from(diff) };
}

/** Shares of pairs on the wrong side of the half angle: same-class pairs beyond 0.5 and different-class pairs within it. */
export function halfAngleErrors(angles: { same: ArrayLike<number>; diff: ArrayLike<number> }): {
  sameBeyond: number;
  diffWithin: number;
} {
  let a = 0;
  for (let k = 0; k < angles.same.length; k++) if (angles.same[k] > 0.5) a++;
  let b = 0;
  for (let k = 0; k < angles.diff.length; k++) if (angles.diff[k] <= 0.5) b++;
  return { sameBeyond: a / Math.max(1, angles.same.length), diffWithin: b / Math.max(1, angles.diff.length) };
}

/** 1-D Wasserstein-1 distance between two empirical distributions (∫ |F_a − F_b|, as scipy.stats.wasserstein_distance). */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (!a.length || !b.length) throw new InputError('wasserstein1: both samples must be non-empty');
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let prev = Math.min(sa[0], sb[0]);
  let w = 0;
  while (i < sa.length || j < sb.length) {
    const next = j >= sb.length || (i < sa.length && sa[i] <= sb[j]) ? sa[i] : sb[j];
    w += Math.abs(i / sa.length - j / sb.length) * (next - prev);
    prev = next;
    if (i < sa.length && sa[i] === next) i++;
    else j++;
  }
  return w;
}

/** W(same, 1 − diff) of the symmetric assumption. */
export function symmetryDistance(angles: { same: ArrayLike<number>; diff: ArrayLike<number> }): number {
  return wasserstein1(
    angles.same,
    Float64Array.from(angles.diff, (v) => 1 - v),
  );
}

/** Shares of a sample in `bins` equal bins over [0, 1] (values outside are clamped into the end bins). */
export function histogramShares(values: ArrayLike<number>, bins: number): number[] {
  const h = new Array<number>(bins).fill(0);
  for (let k = 0; k < values.length; k++) h[Math.min(bins - 1, Math.max(0, Math.floor(values[k] * bins)))]++;
  return h.map((c) => c / Math.max(1, values.length));
}
