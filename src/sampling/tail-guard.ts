/**
 * Guards on TailSampler's cut (issue 17): the paper's max K = min(elbow, percentile cap) can land on a blurred head
 * class. When two look-alike head classes blur each other's neighbourhoods, part of one is counted as a class of
 * 40-55, the elbow lands there and every image of that pseudo-class is "tail" (83 selected for 7 true tail images on
 * a real-image set). A guard lowers max K, never raises it. Pure numbers on the estimated class histogram.
 *
 * - 'paper': no guard, the paper's max K.
 * - 'bound': max K <= tailBound (the evaluation's own tail definition, 20 images).
 * - 'gap': walk the estimated class sizes <= max K upward; at the first jump to a size at least `gapRatio` times the
 *   previous one and at least `gapMin` images larger, cut below the jump. A tail of small classes followed by one
 *   large estimated class is a head class that slipped under the elbow, not more tail.
 * - 'gap-bound': both ('gap', then 'bound').
 */
import { OptionError } from '../util/errors';

export const TAIL_GUARDS = ['paper', 'bound', 'gap', 'gap-bound'] as const;
export type TailGuard = (typeof TAIL_GUARDS)[number];

export interface TailGuardOptions {
  guard: TailGuard;
  /** 'bound': the largest max K allowed. */
  tailBound: number;
  /** 'gap': a jump of at least this ratio ... */
  gapRatio: number;
  /** ... and at least this many images is a gap. */
  gapMin: number;
}

/** max K after the guard; `paperMaxK` is min(elbow, percentile cap) of the same histogram. */
export function guardMaxK(classHistogram: readonly number[], paperMaxK: number, o: TailGuardOptions): number {
  switch (o.guard) {
    case 'paper':
      return paperMaxK;
    case 'bound':
      return Math.min(paperMaxK, o.tailBound);
    case 'gap':
      return gapCut(classHistogram, paperMaxK, o);
    case 'gap-bound':
      return Math.min(gapCut(classHistogram, paperMaxK, o), o.tailBound);
    default:
      throw new OptionError(`option guard must be one of ${TAIL_GUARDS.join(', ')}, got "${String(o.guard)}"`);
  }
}

/** The largest estimated class size below the first gap among the sizes <= maxK (maxK itself when there is none). */
export function gapCut(
  classHistogram: readonly number[],
  maxK: number,
  o: Pick<TailGuardOptions, 'gapRatio' | 'gapMin'>,
): number {
  const tail = classHistogram.filter((k) => k <= maxK).sort((a, b) => a - b);
  for (let j = 0; j + 1 < tail.length; j++) {
    const a = tail[j];
    const b = tail[j + 1];
    if (b >= o.gapRatio * a && b - a >= o.gapMin) return a;
  }
  return maxK;
}
