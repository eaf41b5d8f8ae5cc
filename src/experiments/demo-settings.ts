/**
 * The settings of `npm run demo` and of the synthetic benchmark: small enough for a 2-core CPU, with the paper's
 * settings one switch away.
 */

/**
 * Fast settings: 64 -> 56 px input (a 7 x 7 patch grid from the stride-8 layer). At 112 px one PatchCore fit on
 * step K=1 took ~5 min here (the coreset over ~107k patch rows), which does not fit the demo's 5-minute budget.
 */
export const FAST_FEATURES = { resize: 64, crop: 56, cacheDir: 'data/cache' };

/** The paper's geometry: resize 256, centre crop 224 (spec §1.1). */
export const PAPER_FEATURES = { resize: 256, crop: 224, cacheDir: 'data/cache' };

/** Coreset ratio of the fast demo (the paper's is 0.1, spec §3.1). */
export const FAST_CORESET_RATIO = 0.1;
export const PAPER_CORESET_RATIO = 0.1;

/** Per-method options that set the coreset ratio (both banks for TailedCore). */
export function coresetOptions(method: string, ratio: number): Record<string, unknown> {
  return method.startsWith('tailedcore') ? { coresetRatio: ratio, tailCoresetRatio: ratio } : { coresetRatio: ratio };
}
