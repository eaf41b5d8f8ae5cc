/**
 * The settings of `npm run demo` and of the synthetic benchmark: small enough for a 2-core CPU, with the paper's
 * settings one switch away.
 */
import { methodInfo } from '../models/registry';
import type { FeatureOptions } from '../features/feature-options';

/**
 * Grid settings (synthetic benchmark, notebooks 03-05): 64 -> 56 px input, a 7 x 7 patch grid from the stride-8
 * layer, so that 108 fits run in ~20 min on 2 cores.
 */
export const FAST_FEATURES: FeatureOptions = { resize: 64, crop: 56, cacheDir: 'data/cache' };

/**
 * `npm run demo` settings: 128 -> 112 px input (a 14 x 14 grid). Measured on the quiet 2-core machine: feature
 * extraction of all 2,228 synthetic images ~50 s, then the three fits + predictions ~2.3 min, ~3 min in all.
 * At 56 px the tail-versus-noise contrast is much weaker (defects of a few pixels vanish at a 7 x 7 grid).
 */
export const DEMO_FEATURES: FeatureOptions = { resize: 128, crop: 112, cacheDir: 'data/cache' };

/** The paper's geometry: resize 256, centre crop 224 (docs/method.md §1.1). */
export const PAPER_FEATURES: FeatureOptions = { resize: 256, crop: 224, cacheDir: 'data/cache' };

/** Coreset ratio of the fast grid settings (the paper's is 0.1, docs/method.md §3.1). */
export const FAST_CORESET_RATIO = 0.1;

/**
 * Coreset ratio of `npm run demo` (both banks). Half the paper's 0.1: the scoring (test patches x bank rows) and
 * the greedy loop (picks x rows visited) dominate the demo's fits, and 0.05 roughly halves both, which brings the
 * whole demo (data generation included) to about 2 minutes on 2 cores. `--paper` restores 0.1.
 */
export const DEMO_CORESET_RATIO = 0.05;
export const PAPER_CORESET_RATIO = 0.1;

/** Per-method options that set the coreset ratio (both banks for a method with a tail branch). */
export function coresetOptions(method: string, ratio: number): { coresetRatio: number; tailCoresetRatio?: number } {
  return methodInfo(method)?.tailBranch ? { coresetRatio: ratio, tailCoresetRatio: ratio } : { coresetRatio: ratio };
}
