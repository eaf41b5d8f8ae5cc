/**
 * The three methods as thin presets of MemoryBankModel (no copied model code; docs/method.md §3, §4.1).
 */
import { resolveOptions } from '../util/options';
import { MemoryBankModel } from './memory-bank-model';
import { MemoryBankModelOptions, MEMORY_BANK_MODEL_DEFAULTS } from './options';

export interface PatchCoreOptions {
  /** @default 0.1 */ coresetRatio: number;
  /** @default 128 */ projDim: number;
  /** @default 0 */ seed: number | string;
  /** @default 4 */ blurSigma: number;
}
// Derived from the one set of shared defaults (./options), never restated.
const SHARED = MEMORY_BANK_MODEL_DEFAULTS;
export const PATCHCORE_DEFAULTS: PatchCoreOptions = {
  coresetRatio: SHARED.coresetRatio,
  projDim: SHARED.projDim,
  seed: SHARED.seed,
  blurSigma: SHARED.blurSigma,
};

/** PatchCore (repo version, docs/method.md §4.1): greedy coreset 0.1 of all patches; 1-NN squared L2; image = max. */
export class PatchCore extends MemoryBankModel {
  constructor(options?: Partial<PatchCoreOptions>, name = 'patchcore') {
    super(name, resolveOptions(PATCHCORE_DEFAULTS, options, 'PatchCore'));
  }
}

export interface SoftPatchOptions extends PatchCoreOptions {
  /** Weight each patch distance by the matched row's LOF score; false = "SoftPatch (no weight)". @default true */
  weighted: boolean;
  /** @default 6 */ lofK: number;
  /** @default 0.85 */ lofQuantile: number;
}
export const SOFTPATCH_DEFAULTS: SoftPatchOptions = {
  ...PATCHCORE_DEFAULTS,
  weighted: true,
  lofK: SHARED.lofK,
  lofQuantile: SHARED.lofQuantile,
};

/**
 * SoftPatch (repo version, docs/method.md §4.1): per-position LOF (k=6, 128-d), drop patches with LOF >= 0.85-quantile,
 * coreset 0.1 of the rest; each bank row keeps its LOF score as weight and patch scores are weighted.
 */
export class SoftPatch extends MemoryBankModel {
  constructor(options?: Partial<SoftPatchOptions>, name?: string) {
    const { weighted, ...rest } = resolveOptions(SOFTPATCH_DEFAULTS, options, 'SoftPatch');
    super(name ?? (weighted ? 'softpatch' : 'softpatch-noweight'), {
      ...rest,
      denoise: 'lof',
      weighting: weighted ? 'lof' : 'none',
    });
  }
}

export type TailedCoreOptions = Omit<MemoryBankModelOptions, 'weighting'>;
const { weighting: _unusedWeighting, ...SHARED_DEFAULTS } = MEMORY_BANK_MODEL_DEFAULTS;
export const TAILEDCORE_DEFAULTS: TailedCoreOptions = {
  ...SHARED_DEFAULTS,
  denoise: 'lof',
  // {} = TailSampler's defaults: trim_min threshold, mode vote, 15 % percentile cap = the paper's 'ada_trim_min-mode'.
  tail: {},
  // The MVTec step configs' default; the Pareto configs use 'rot30flip', VisA 'rotflip' (docs/method.md §3.1).
  augmentation: 'rot15flip',
};

/**
 * TailedCore (docs/method.md §3.2): head branch = per-position LOF on ALL patches, keep < 0.85-quantile, coreset 0.1;
 * tail branch = TailSampler on the image embeddings -> tail images, their patches + augmentation views, coreset 0.1;
 * memory = [tail; head]. Ablations: tail: null | 'oracle' | {thresholdType: ...}, augmentation: null, denoise: 'none'.
 */
export class TailedCore extends MemoryBankModel {
  constructor(options?: Partial<TailedCoreOptions>, name = 'tailedcore') {
    super(name, { ...resolveOptions(TAILEDCORE_DEFAULTS, options, 'TailedCore'), weighting: 'none' });
  }
}
