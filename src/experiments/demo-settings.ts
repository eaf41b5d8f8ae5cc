/**
 * The settings of `npm run demo` and of the synthetic benchmark: small enough for a 2-core CPU, with the paper's
 * settings one switch away.
 */

/** Fast settings: 128 -> 112 px input (a 14 x 14 patch grid) and coreset ratio 0.1 unless stated. */
export const FAST_FEATURES = { resize: 128, crop: 112, cacheDir: 'data/cache' };

/** The paper's geometry: resize 256, centre crop 224 (spec §1.1). */
export const PAPER_FEATURES = { resize: 256, crop: 224, cacheDir: 'data/cache' };

/** Coreset ratio of the fast demo (the paper's is 0.1, spec §3.1). */
export const FAST_CORESET_RATIO = 0.1;
export const PAPER_CORESET_RATIO = 0.1;

/** Per-method options that set the coreset ratio (both banks for TailedCore). */
export function coresetOptions(method: string, ratio: number): Record<string, unknown> {
  return method.startsWith('tailedcore') ? { coresetRatio: ratio, tailCoresetRatio: ratio } : { coresetRatio: ratio };
}
