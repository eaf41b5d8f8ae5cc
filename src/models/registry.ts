/**
 * The one list of methods: every name createModel accepts, with what the rest of the kit needs to know about it
 * (label, colour, whether it has a tail branch and takes the cell's augmentation, which method it ablates). Plots,
 * reports, the demo, shard balancing and the factory all read this list; adding a method is one entry here plus tests.
 */
import { OptionError } from '../util/errors';
import { AnomalyModel } from './types';
import { PatchCore, SoftPatch, TailedCore, PatchCoreOptions, SoftPatchOptions, TailedCoreOptions } from './methods';
import { Padim, PadimOptions } from './padim';
import { tailSamplerPreset } from '../sampling/tail-sampler';

/**
 * The options each method name takes, for type checking and completion in notebooks and TypeScript configs. An
 * ablation's fixed options are left out of its type (setting one is also a run-time error).
 */
export interface ModelOptionsByName {
  patchcore: Partial<PatchCoreOptions>;
  softpatch: Partial<Omit<SoftPatchOptions, 'weighted'>>;
  'softpatch-noweight': Partial<Omit<SoftPatchOptions, 'weighted'>>;
  tailedcore: Partial<TailedCoreOptions>;
  'tailedcore-noaug': Partial<Omit<TailedCoreOptions, 'augmentation'>>;
  'tailedcore-nodenoise': Partial<Omit<TailedCoreOptions, 'denoise'>>;
  'tailedcore-notail': Partial<Omit<TailedCoreOptions, 'tail' | 'augmentation'>>;
  'tailedcore-oracle': Partial<Omit<TailedCoreOptions, 'tail'>>;
  'tailedcore-dms': Partial<Omit<TailedCoreOptions, 'tail'>>;
  'tailedcore-tailedlof': Partial<Omit<TailedCoreOptions, 'denoise'>>;
  padim: Partial<PadimOptions>;
}
export type ModelName = keyof ModelOptionsByName;

/**
 * A method of a grid or a session call, typed per name: `{ name: 'tailedcore', options: { tail: { vote: 'mean' } } }`.
 * `label` names it in results (the same method twice with different options). JSON configs are checked at run time.
 */
export type MethodSpec = {
  [N in ModelName]: { name: N; label?: string; options?: ModelOptionsByName[N] };
}[ModelName];

/** What the kit knows about one method name. */
export interface MethodInfo {
  /** Name in tables, figures and legends. */
  label: string;
  /** Its colour in every figure (a method keeps its colour across figures). */
  color: string;
  /** It has a tail branch (TailSampler, augmented tail views): costs more, gets tail-bank logs. */
  tailBranch: boolean;
  /** It takes the cell's tail augmentation (a tail branch whose augmentation this name does not fix). */
  takesAugmentation: boolean;
  /** Relative cost of one fit + predict (PatchCore 1), for shard balancing; measured on the synthetic benchmark. */
  cost: number;
  /** The method this name is an ablation of, or null for a method of its own. */
  ablationOf: ModelName | null;
  /** The options this name fixes: setting one of them is an error, so a run is never another ablation than its name. */
  fixed: Readonly<Record<string, unknown>>;
}

interface Entry<N extends ModelName> extends MethodInfo {
  make(options: ModelOptionsByName[N], name: N): AnomalyModel;
}

function entry<N extends ModelName>(
  info: MethodInfo,
  make: (options: ModelOptionsByName[N], name: N) => AnomalyModel,
): Entry<N> {
  return { ...info, make };
}

const REGISTRY: { [N in ModelName]: Entry<N> } = {
  patchcore: entry(
    {
      label: 'PatchCore',
      color: '#4c78a8',
      cost: 1,
      tailBranch: false,
      takesAugmentation: false,
      ablationOf: null,
      fixed: {},
    },
    (o, n) => new PatchCore(o, n),
  ),
  softpatch: entry(
    {
      label: 'SoftPatch',
      color: '#f58518',
      cost: 1.5,
      tailBranch: false,
      takesAugmentation: false,
      ablationOf: null,
      fixed: { weighted: true },
    },
    (o, n) => new SoftPatch({ ...o, weighted: true }, n),
  ),
  'softpatch-noweight': entry(
    {
      label: 'SoftPatch (no weight)',
      color: '#ff9da6',
      cost: 1.5,
      tailBranch: false,
      takesAugmentation: false,
      ablationOf: 'softpatch',
      fixed: { weighted: false },
    },
    (o, n) => new SoftPatch({ ...o, weighted: false }, n),
  ),
  tailedcore: entry(
    {
      label: 'TailedCore',
      color: '#e45756',
      cost: 2,
      tailBranch: true,
      takesAugmentation: true,
      ablationOf: null,
      fixed: {},
    },
    (o, n) => new TailedCore(o, n),
  ),
  'tailedcore-noaug': entry(
    {
      label: 'TailedCore w/o augmentation',
      color: '#72b7b2',
      cost: 2,
      tailBranch: true,
      takesAugmentation: false,
      ablationOf: 'tailedcore',
      fixed: { augmentation: null },
    },
    (o, n) => new TailedCore({ ...o, augmentation: null }, n),
  ),
  'tailedcore-nodenoise': entry(
    {
      label: 'TailedCore w/o denoising',
      color: '#54a24b',
      cost: 2,
      tailBranch: true,
      takesAugmentation: true,
      ablationOf: 'tailedcore',
      fixed: { denoise: 'none' },
    },
    (o, n) => new TailedCore({ ...o, denoise: 'none' }, n),
  ),
  'tailedcore-notail': entry(
    {
      label: 'TailedCore w/o tail branch',
      color: '#b279a2',
      cost: 1.5,
      tailBranch: false,
      takesAugmentation: false,
      ablationOf: 'tailedcore',
      fixed: { tail: null, augmentation: null },
    },
    (o, n) => new TailedCore({ ...o, tail: null, augmentation: null }, n),
  ),
  'tailedcore-oracle': entry(
    {
      label: 'TailedCore, oracle tail',
      color: '#9d755d',
      cost: 2,
      tailBranch: true,
      takesAugmentation: true,
      ablationOf: 'tailedcore',
      fixed: { tail: 'oracle' },
    },
    (o, n) => new TailedCore({ ...o, tail: 'oracle' }, n),
  ),
  // Development variants of the official code (spec §2.3 end, §4.1, §6.7), not the paper's default.
  'tailedcore-dms': entry(
    {
      label: 'TailedCore, double_max_step',
      color: '#eeca3b',
      cost: 2,
      tailBranch: true,
      takesAugmentation: true,
      ablationOf: 'tailedcore',
      fixed: { tail: tailSamplerPreset('double_max_step') },
    },
    (o, n) => new TailedCore({ ...o, tail: tailSamplerPreset('double_max_step') }, n),
  ),
  'tailedcore-tailedlof': entry(
    {
      label: 'TailedCore + TailedLOF',
      color: '#bab0ac',
      cost: 2,
      tailBranch: true,
      takesAugmentation: true,
      ablationOf: 'tailedcore',
      fixed: { denoise: 'tailed-lof' },
    },
    (o, n) => new TailedCore({ ...o, denoise: 'tailed-lof' }, n),
  ),
  // PaDiM (spec §4.2): the one other baseline of the paper's bias figure that needs no training.
  padim: entry(
    {
      label: 'PaDiM',
      color: '#17becf',
      cost: 1,
      tailBranch: false,
      takesAugmentation: false,
      ablationOf: null,
      fixed: {},
    },
    (o, n) => new Padim(o, n),
  ),
};

/** Every name createModel accepts, in the registry's order (methods before their ablations). */
export const MODEL_NAMES = Object.freeze(Object.keys(REGISTRY)) as readonly ModelName[];

export function isModelName(name: unknown): name is ModelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(REGISTRY, name);
}

/** What the kit knows about a method name; null for a name that is not registered (e.g. a user's own label). */
export function methodInfo(name: string): MethodInfo | null {
  return isModelName(name) ? REGISTRY[name] : null;
}

/** A name as a ModelName, or an OptionError listing the known names. */
export function checkModelName(name: unknown): ModelName {
  if (!isModelName(name))
    throw new OptionError(`unknown model "${String(name)}"; known models: ${MODEL_NAMES.join(', ')}`);
  return name;
}

/**
 * Narrows untyped options (a JSON config's) to the named method's option type after checking them: an object, and no
 * key that the name fixes. Unknown keys and bad values are the method constructor's errors (each names the option).
 */
export function checkModelOptions<N extends ModelName>(name: N, options: unknown): options is ModelOptionsByName[N] {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new OptionError(`createModel("${name}"): options must be an object`);
  const fixed = REGISTRY[name].fixed;
  for (const [key, v] of Object.entries(options)) {
    if (key in fixed && v !== undefined)
      throw new OptionError(
        `createModel("${name}"): option ${key} is fixed by this variant to ${JSON.stringify(fixed[key])}; use another model name to change it`,
      );
  }
  return true;
}

/** Builds a method by name from options of its type (the factory's createModel checks untyped input first). */
export function makeModel<N extends ModelName>(name: N, options: ModelOptionsByName[N]): AnomalyModel {
  const e: Entry<N> = REGISTRY[name];
  return e.make(options, name);
}
