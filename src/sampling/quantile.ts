/**
 * torch.quantile with its default 'linear' interpolation: sort, pos = q*(n-1), interpolate between the two
 * neighbouring order statistics. Accumulated in float64 (torch works in the input dtype; the difference is
 * float32 rounding only).
 */
import { InputError, OptionError } from '../util/errors';

export function quantileLinear(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new OptionError(`quantile q must be in [0, 1], got ${q}`);
  const n = values.length;
  if (n === 0) throw new InputError('quantile of an empty list of values');
  const s = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(s[i])) throw new InputError(`quantile: value ${i} is not finite (${s[i]})`);
  s.sort();
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
