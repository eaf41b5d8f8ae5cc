/**
 * The options of the one memory-bank model that PatchCore, SoftPatch and TailedCore are configurations of.
 * Defaults are the official code's ([J] src/coreset_model.py, configs; docs/method.md); the preset classes in ./methods set the method-specific ones.
 */
import { AUGMENTATION_TYPES, AugmentationType } from '../features/augment';
import { resolveTailSamplerOptions } from '../sampling/tail-sampler';
import type { TailSamplerOptions } from '../sampling/tail-sampler';
import { resolveOptions, checkRange, checkOneOf } from '../util/options';
import { atKeyPath, OptionError } from '../util/errors';
import { TAIL_MAX_COUNT } from '../data/splits/options';

/**
 * Tail branch: null = none; 'oracle' = the images of the classes named in `oracleTailClasses` (ablation);
 * an object = run TailSampler with these options (e.g. {} for its defaults: trim_min + mode vote as the paper's
 * 'ada_trim_min-mode', with the kit's guard 'bound' on max K; {guard: 'paper'} for the paper's rule exactly;
 * {thresholdType: 'half_min'} for another threshold type).
 */
export type TailChoice = null | 'oracle' | Partial<TailSamplerOptions>;

export interface MemoryBankModelOptions {
  /**
   * Head-branch denoising: 'lof' keeps only patches whose per-position LOF is strictly below the lofQuantile quantile;
   * 'tailed-lof' (development variant, spec §4.1, off in every released config) filters on LOF × (1 − patch class
   * size / max class size) instead (src/sampling/tailed-lof.ts). @default 'none'
   */
  denoise: 'none' | 'lof' | 'tailed-lof';
  /** Score weighting: 'lof' multiplies each patch distance by the matched bank row's LOF score (SoftPatch). @default 'none' */
  weighting: 'none' | 'lof';
  /** Tail branch (see TailChoice). @default null */
  tail: TailChoice;
  /**
   * True tail class names for tail: 'oracle' (matched against train.classNames). null = every class with at most
   * tailMaxCount training images (noise included), the benchmark's tail definition. @default null
   */
  oracleTailClasses: string[] | null;
  /** With tail: 'oracle' and no oracleTailClasses: the largest training-set class size that counts as tail. @default TAIL_MAX_COUNT (20) */
  tailMaxCount: number;
  /** Augmentation views of the tail images (needs train.augmentedPatches); null = base patches only. @default null */
  augmentation: AugmentationType | null;
  /** Greedy coreset ratio of the head (or only) bank. @default 0.1 */
  coresetRatio: number;
  /** Greedy coreset ratio of the tail bank. @default 0.1 */
  tailCoresetRatio: number;
  /** Random projection dimension for coreset and LOF distances. @default 128 */
  projDim: number;
  /** LOF neighbours (sklearn n_neighbors). @default 6 */
  lofK: number;
  /** Patches with LOF >= this quantile of all LOF scores are dropped. @default 0.85 */
  lofQuantile: number;
  /** Seed of the model's random streams (official configs: seed 0). @default 0 */
  seed: number | string;
  /** Gaussian σ of the anomaly maps in output pixels (0 = no blur). @default 4 */
  blurSigma: number;
}

export const MEMORY_BANK_MODEL_DEFAULTS: MemoryBankModelOptions = {
  denoise: 'none',
  weighting: 'none',
  tail: null,
  oracleTailClasses: null,
  tailMaxCount: TAIL_MAX_COUNT,
  augmentation: null,
  coresetRatio: 0.1,
  tailCoresetRatio: 0.1,
  projDim: 128,
  lofK: 6,
  lofQuantile: 0.85,
  seed: 0,
  blurSigma: 4,
};

/** Merges and checks options; every message names the option. */
export function resolveModelOptions(
  given: Partial<MemoryBankModelOptions> | undefined,
  where: string,
): MemoryBankModelOptions {
  const o = resolveOptions(MEMORY_BANK_MODEL_DEFAULTS, given, where);
  checkOneOf('denoise', o.denoise, ['none', 'lof', 'tailed-lof'] as const);
  checkOneOf('weighting', o.weighting, ['none', 'lof'] as const);
  checkRange('coresetRatio', o.coresetRatio, 0, 1, { minOpen: true });
  checkRange('tailCoresetRatio', o.tailCoresetRatio, 0, 1, { minOpen: true });
  checkRange('projDim', o.projDim, 1, 1 << 20, { integer: true });
  checkRange('lofK', o.lofK, 1, 1 << 20, { integer: true });
  checkRange('lofQuantile', o.lofQuantile, 0, 1, { minOpen: true });
  checkRange('blurSigma', o.blurSigma, 0, 1000);
  if (typeof o.seed !== 'number' && typeof o.seed !== 'string')
    throw new OptionError(`${where}: option seed must be a number or a string`);
  if (o.augmentation !== null) checkOneOf('augmentation', o.augmentation, AUGMENTATION_TYPES);
  const t = o.tail;
  if (t !== null && t !== 'oracle' && (typeof t !== 'object' || Array.isArray(t))) {
    throw new OptionError(
      `${where}: option tail must be null, 'oracle' or an object of TailSampler options, got ${JSON.stringify(t)}`,
    );
  }
  // The TailSampler's own check at creation, so a bad tail option fails here and not inside fit() after the head coreset.
  if (t !== null && t !== 'oracle') atKeyPath('tail', () => resolveTailSamplerOptions(t, where));
  if (t === null && o.augmentation !== null) {
    throw new OptionError(
      `${where}: option augmentation ('${o.augmentation}') needs a tail branch; set augmentation: null or give a tail option`,
    );
  }
  checkRange('tailMaxCount', o.tailMaxCount, 1, Number.MAX_SAFE_INTEGER, { integer: true });
  if (t === 'oracle') {
    const c = o.oracleTailClasses;
    if (c !== null && (!Array.isArray(c) || c.length === 0 || !c.every((s) => typeof s === 'string'))) {
      throw new OptionError(
        `${where}: option oracleTailClasses must be null or a non-empty list of the true tail class names`,
      );
    }
  } else if (o.oracleTailClasses !== null) {
    throw new OptionError(`${where}: option oracleTailClasses is only used with tail: 'oracle'`);
  }
  if (o.weighting === 'lof' && t !== null) {
    // Augmented tail views have no LOF score to weight by; the official code never combines the two.
    throw new OptionError(
      `${where}: option weighting: 'lof' cannot be combined with a tail branch (tail rows have no LOF weight); use tail: null`,
    );
  }
  return o;
}
