/** Models by name, for the experiment runner and notebooks: the paper's methods and TailedCore's ablations. */
import { OptionError } from '../util/errors';
import { AnomalyModel, AugmentationType } from './types';
import { PatchCore, SoftPatch, TailedCore, PatchCoreOptions, SoftPatchOptions, TailedCoreOptions } from './methods';
import { Padim, PadimOptions } from './padim';
import { tailSamplerPreset } from '../sampling/tail-sampler';

type Variant = { make: (o: Record<string, unknown>, name: string) => AnomalyModel; fixed: Record<string, unknown> };

const VARIANTS: Record<string, Variant> = {
  patchcore: { make: (o, n) => new PatchCore(o as Partial<PatchCoreOptions>, n), fixed: {} },
  softpatch: { make: (o, n) => new SoftPatch(o as Partial<SoftPatchOptions>, n), fixed: { weighted: true } },
  'softpatch-noweight': {
    make: (o, n) => new SoftPatch(o as Partial<SoftPatchOptions>, n),
    fixed: { weighted: false },
  },
  tailedcore: { make: (o, n) => new TailedCore(o as Partial<TailedCoreOptions>, n), fixed: {} },
  'tailedcore-noaug': {
    make: (o, n) => new TailedCore(o as Partial<TailedCoreOptions>, n),
    fixed: { augmentation: null },
  },
  'tailedcore-nodenoise': {
    make: (o, n) => new TailedCore(o as Partial<TailedCoreOptions>, n),
    fixed: { denoise: 'none' },
  },
  'tailedcore-notail': {
    make: (o, n) => new TailedCore(o as Partial<TailedCoreOptions>, n),
    fixed: { tail: null, augmentation: null },
  },
  'tailedcore-oracle': {
    make: (o, n) => new TailedCore(o as Partial<TailedCoreOptions>, n),
    fixed: { tail: 'oracle' },
  },
  // Development variants of the official code (spec §2.3 end, §4.1, §6.7), not the paper's default.
  'tailedcore-dms': {
    make: (o, n) => new TailedCore(o as Partial<TailedCoreOptions>, n),
    fixed: { tail: tailSamplerPreset('double_max_step') },
  },
  'tailedcore-tailedlof': {
    make: (o, n) => new TailedCore(o as Partial<TailedCoreOptions>, n),
    fixed: { denoise: 'tailed-lof' },
  },
  padim: { make: (o, n) => new Padim(o as Partial<PadimOptions>, n), fixed: {} },
};

/** Variants whose augmentation is a free option (they have a tail branch and do not fix augmentation). */
const TAKES_AUGMENTATION = new Set([
  'tailedcore',
  'tailedcore-nodenoise',
  'tailedcore-oracle',
  'tailedcore-dms',
  'tailedcore-tailedlof',
]);

/** Every name createModel accepts. */
export const MODEL_NAMES = Object.freeze(Object.keys(VARIANTS)) as readonly string[];

/**
 * A model by name. `options` are the class's options (PatchCoreOptions, SoftPatchOptions or TailedCoreOptions);
 * an option that the named variant fixes (e.g. tail for 'tailedcore-notail') is an error, so a run cannot
 * silently be a different ablation than its name says. 'tailedcore-oracle' takes the classes with <= 20 training
 * images as the true tail unless oracleTailClasses names them.
 */
export function createModel(name: string, options: Record<string, unknown> = {}): AnomalyModel {
  const v = Object.prototype.hasOwnProperty.call(VARIANTS, name) ? VARIANTS[name] : undefined;
  if (!v) throw new OptionError(`unknown model "${name}"; known models: ${MODEL_NAMES.join(', ')}`);
  if (options === null || typeof options !== 'object')
    throw new OptionError(`createModel("${name}"): options must be an object`);
  for (const key of Object.keys(v.fixed)) {
    if (key in options && options[key] !== undefined) {
      throw new OptionError(
        `createModel("${name}"): option ${key} is fixed by this variant to ${JSON.stringify(v.fixed[key])}; use another model name to change it`,
      );
    }
  }
  return v.make({ ...options, ...v.fixed }, name);
}

/**
 * createModel for an experiment cell: `context.seed` seeds the model and `context.augmentation` (the cell's tail
 * augmentation: rot15flip for step, rot30flip for Pareto) goes to variants with a free augmentation option,
 * unless `options` set either themselves.
 */
export function createModelForCell(
  name: string,
  options: Record<string, unknown>,
  context: { seed: number | string; augmentation?: AugmentationType | null },
): AnomalyModel {
  const o: Record<string, unknown> = { ...options };
  if (o.seed === undefined) o.seed = context.seed;
  if (TAKES_AUGMENTATION.has(name) && o.augmentation === undefined && context.augmentation !== undefined)
    o.augmentation = context.augmentation;
  return createModel(name, o);
}
