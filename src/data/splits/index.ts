export { buildSplit, paretoSizes, spreadNoise } from './build';
export {
  SPLIT_DEFAULTS,
  PARETO_NOISE_CAPS,
  TAIL_MAX_COUNT,
  TAIL_TYPES,
  resolveSplitOptions,
  settingLabel,
} from './options';
export type { SplitOptions, SplitSpec, TailType, ParetoNoiseCap } from './options';
export { serializeManifest, writeManifest, readManifest } from './manifest';
export { trainItems, testItems } from './items';
export { paretoPmf } from './pareto';
export { trainTruth } from './truth';
export type { TrainTruth } from './truth';
export type { ClassTest } from './items';
export { formatSplitTable } from './table';
