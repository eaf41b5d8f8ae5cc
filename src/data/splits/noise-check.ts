/**
 * The noise ratio a split really has, against the one asked for. A ratio the anomalies cannot supply (0.9 with 2
 * anomalies per head class; Pareto 0.99 where the 20-image rule leaves no class to inject into) would otherwise be
 * reported as the ratio asked for in every result, summary and figure name.
 */
import type { ManifestClass } from '../types';
import { OptionError } from '../../util/errors';
import type { SplitOptions } from './options';

/**
 * A shortfall below this is the rounding of round(noiseRatio * kept) per class, not a missing anomaly: the official
 * manifests' ratios are read to 0.01 the same way (`inferNoiseRatio`).
 */
export const NOISE_RATIO_TOLERANCE = 0.005;

/** Injected over kept, over the classes that can receive noise: the head classes (step) or all classes (Pareto). */
export function realisedNoiseRatio(tail: SplitOptions['tail'], classes: ManifestClass[]): number {
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
  const got = realisedNoiseRatio(o.tail, classes);
  if (got >= o.noiseRatio - NOISE_RATIO_TOLERANCE) return null;
  const rounded = Math.round(got * 100) / 100;
  if (o.noiseShortfall === 'allow') return rounded;
  const pool = o.tail === 'step' ? 'the head classes' : `the classes keeping >= ${o.paretoNoiseMinClass} images`;
  throw new OptionError(
    `option noiseRatio=${o.noiseRatio} cannot be met: ${pool} have too few test anomalies, so the split injects ${got.toFixed(3)} (injected / kept). ` +
      `Lower the noise ratio (to at most ${rounded}), or for a single split set option noiseShortfall: "allow" to build it and record the realised ratio in the manifest`,
    'noiseRatio',
  );
}
