export { buildSplit, paretoSizes, spreadNoise } from './build';
export { SPLIT_DEFAULTS, PARETO_NOISE_CAPS, TAIL_MAX_COUNT } from './options';
export type { SplitOptions, TailType as SplitTailType, ParetoNoiseCap } from './options';
export { paretoPmf } from './pareto';
export { serializeManifest, writeManifest, readManifest } from './manifest';
export { trainItems, testItems } from './items';
export type { ClassTest } from './items';
export { formatSplitTable } from './table';
