/**
 * The settings the notebooks run at. 'full' is what their committed outputs show (the synthetic set, the grid's
 * 64 -> 56 px features); 'fast' is what the tests execute them at (a five-class synthetic set of 24 training images
 * per class at 128 px, same features), so that all five run headless in about a minute. The scale comes from the
 * environment variable TAILEDCORE_NOTEBOOKS ('full' or 'fast'), which `npm run notebooks` and the notebook test set.
 * Paths are relative to notebooks/, the kernel's working folder.
 */
import { OptionError } from '../util/errors';
import { FAST_FEATURES } from './presets';
import type { FeatureOptions } from '../features/feature-options';

export type NotebookScale = 'full' | 'fast';

/** The generator options the fast scale sets (a type alias, so it passes where Record<string, unknown> is expected). */
export type SyntheticSubset = {
  classes?: string[];
  trainCount?: number;
  testGood?: number;
  defectsPerType?: number;
  size?: number;
};

export interface NotebookSettings {
  scale: NotebookScale;
  /** Dataset root (MVTec layout), generated on first use. */
  root: string;
  /** Synthetic generator options for that root (as openSession's `synthetic` and a grid dataset's `syntheticOptions`). */
  synthetic: SyntheticSubset;
  /** FeatureExtractor options. */
  features: FeatureOptions;
  /** Results folder of the notebooks' grid runs (the fast scale's is emptied before each `npm run notebooks -- --fast`). */
  resultsDir: string;
  /** Appended to the notebooks' run names, so fast runs never mix with full ones. */
  runSuffix: string;
}

const FAST_SYNTHETIC: SyntheticSubset = {
  classes: ['bottle', 'carpet', 'screw', 'tile', 'wood'],
  trainCount: 24,
  testGood: 4,
  defectsPerType: 2,
  size: 128,
};

export function notebookSettings(scale: string | undefined = process.env.TAILEDCORE_NOTEBOOKS): NotebookSettings {
  const s = scale ?? 'full';
  if (s !== 'full' && s !== 'fast') throw new OptionError(`TAILEDCORE_NOTEBOOKS must be 'full' or 'fast', got '${s}'`);
  const features = { resize: FAST_FEATURES.resize, crop: FAST_FEATURES.crop, cacheDir: '../data/cache' };
  return s === 'fast'
    ? {
        scale: s,
        root: '../data/notebook-fast',
        synthetic: FAST_SYNTHETIC,
        features,
        resultsDir: '../results/notebooks-fast',
        runSuffix: '-fast',
      }
    : { scale: s, root: '../data/synthetic', synthetic: {}, features, resultsDir: '../results', runSuffix: '' };
}
