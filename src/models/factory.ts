/**
 * Models by name: typed for notebooks and TypeScript (`createModel('tailedcore', { tail: { vote: 'mean' } })` is
 * checked and completed), untyped for JSON configs and the experiment runner (`createModelFrom`, checked at run time).
 * The names, and what each one fixes, live in ./registry.
 */
import { OptionError } from '../util/errors';
import { AnomalyModel, AugmentationType } from './types';
import { checkModelName, checkModelOptions, makeModel, methodInfo } from './registry';
import type { ModelName, ModelOptionsByName } from './registry';

/**
 * A model by name with options of its type (PatchCoreOptions, SoftPatchOptions or TailedCoreOptions less what the name
 * fixes). An option that the named variant fixes (e.g. tail for 'tailedcore-notail') is an error, so a run cannot
 * silently be a different ablation than its name says. 'tailedcore-oracle' takes the classes with <= 20 training
 * images as the true tail unless oracleTailClasses names them.
 */
export function createModel<N extends ModelName>(name: N, options?: ModelOptionsByName[N]): AnomalyModel {
  return createModelFrom(name, options ?? {});
}

/**
 * createModel for names and options that come untyped (a JSON config, a CLI): the name must be registered, the options
 * an object without a key the name fixes; unknown keys and bad values are the method's own errors, naming the option.
 */
export function createModelFrom(name: string, options: unknown): AnomalyModel {
  const n = checkModelName(name);
  if (!checkModelOptions(n, options)) throw new OptionError(`createModel("${name}"): options rejected`);
  return makeModel(n, options);
}

/**
 * createModelFrom for an experiment cell: `context.seed` seeds the model and `context.augmentation` (the cell's tail
 * augmentation: rot15flip for step, rot30flip for Pareto) goes to methods that take it (registry: takesAugmentation),
 * unless `options` set either themselves.
 */
export function createModelForCell(
  name: string,
  options: Record<string, unknown>,
  context: { seed: number | string; augmentation?: AugmentationType | null },
): AnomalyModel {
  const o: Record<string, unknown> = { ...options };
  if (o.seed === undefined) o.seed = context.seed;
  if (methodInfo(name)?.takesAugmentation && o.augmentation === undefined && context.augmentation !== undefined)
    o.augmentation = context.augmentation;
  return createModelFrom(name, o);
}
