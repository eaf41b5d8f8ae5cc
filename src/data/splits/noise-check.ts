/**
 * The noise ratio a split really has, against the one asked for. A ratio the anomalies cannot supply (0.9 with 2
 * anomalies per head class; Pareto 0.99 where the 20-image rule leaves no class to inject into) would otherwise be
 * reported as the ratio asked for in every result, summary and figure name.
 */
import type { ManifestClass } from '../types';
import { OptionError } from '../../util/errors';
import type { SplitOptions } from './options';
import { roundHalfEven } from './round';

/**
 * Anomalies missing for the ratio, as a share of the kept images, above which the ratio counts as not met. The
 * per-class rounding of the official generator (round(0.1 x 24) = 2 of 24 is 0.083) is never a shortfall: only images
 * the generator asked for and could not find count.
 */
export const NOISE_RATIO_TOLERANCE = 0.005;

/** Injected over kept, over the classes that can receive noise: the head classes (step) or all classes (Pareto). */
export function realisedNoiseRatio(tail: SplitOptions['tailType'], classes: ManifestClass[]): number {
  const pool = tail === 'step' ? classes.filter((c) => !c.isTail) : classes;
  const kept = pool.reduce((s, c) => s + c.trainGood.length, 0);
  const injected = pool.reduce((s, c) => s + c.injected.length, 0);
  return kept === 0 ? 0 : injected / kept;
}

/**
 * Throws when the split holds less noise than asked for (noiseShortfall 'error', the default); with 'allow' returns
 * the realised ratio rounded to 0.01, which the manifest records as `realisedNoiseRatio` next to the ratio asked for.
 * Returns null when the ratio was met. (The grid runner refuses 'allow': its rows, cell ids, summaries and figure names
 * carry the ratio asked for.)
 */
export function checkNoiseShortfall(o: SplitOptions, classes: ManifestClass[]): number | null {
  const pool = o.tailType === 'step' ? classes.filter((c) => !c.isTail) : classes;
  const kept = pool.reduce((s, c) => s + c.trainGood.length, 0);
  const injected = pool.reduce((s, c) => s + c.injected.length, 0);
  // What the builder asked for before any class ran out of anomalies (stepClasses / paretoClasses in ./build).
  const asked =
    o.tailType === 'step'
      ? pool.reduce((s, c) => s + roundHalfEven(o.noiseRatio * c.trainGood.length), 0)
      : roundHalfEven(o.noiseRatio * kept);
  if (kept === 0 || asked - injected <= NOISE_RATIO_TOLERANCE * kept) return null;
  const got = injected / kept;
  const rounded = Math.floor(got * 100) / 100;
  if (o.noiseShortfall === 'allow') return Math.round(got * 100) / 100;
  const where = o.tailType === 'step' ? 'the head classes' : `the classes keeping >= ${o.paretoNoiseMinClass} images`;
  throw new OptionError(
    (k) =>
      `option ${k}=${o.noiseRatio} cannot be met: ${where} have too few test anomalies (${injected} of the ${asked} asked for), so the split injects ${got.toFixed(3)} (injected / kept). ` +
      `Lower the noise ratio (to at most about ${rounded}), or for a single split set option noiseShortfall: "allow" (npm run split: --allow-noise-shortfall) to build it and record the realised ratio in the manifest`,
    'noiseRatio',
  );
}
