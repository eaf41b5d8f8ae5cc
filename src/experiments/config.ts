/**
 * The experiment config: one JSON file, documented defaults, strict validation.
 * Every key (at every level) is checked: an unknown key is an error that names it and lists the known keys,
 * because a typo in a grid must never silently fall back to a default.
 */
import { OptionError } from '../util/errors';
import type { AugmentationType } from '../models/types';
import { METRIC_NAMES } from '../metrics/evaluate';
import { SPLIT_DEFAULTS, TAIL_MAX_COUNT, TAIL_TYPES, resolveSplitOptions } from '../data/splits/options';
import type { SplitSpec, TailType } from '../data/splits/options';
import { AUGMENTATION_TYPES } from '../features/augment';
import { parseBackboneSpec, backboneHelp } from '../features/backbones/registry';
import type { FeatureOptions } from '../features/feature-options';
import type { MethodSpec, ModelName } from '../models/registry';
import type { SynthOptions } from '../data/synth/generate';

/**
 * What a dataset is, for its official defaults: 'visa' gets rotflip for every tail type ([J] configs/tailedcore_visa.yaml:
 * VisA images are not square, and rotXflip drops the centre crop); 'mvtec', 'synthetic' and 'other' get the top-level
 * `augmentation` (MVTec's official rot15flip / rot30flip by default).
 */
export type DatasetKind = 'mvtec' | 'visa' | 'synthetic' | 'other';
export const DATASET_KINDS: readonly DatasetKind[] = ['mvtec', 'visa', 'synthetic', 'other'];

/**
 * The split options a config sets under "split": every SplitSpec key but those the grid itself sets per cell or at the
 * top level (tailTypes, ks, noiseRatios, seeds, tailRatio, overlap).
 */
export type SplitExtras = Omit<SplitSpec, 'tailType' | 'k' | 'noiseRatio' | 'seed' | 'tailRatio' | 'overlap'>;
/** Where a config sets each split key that "split" may not set. */
const GRID_SPLIT_KEYS: Record<string, string> = {
  tailType: 'tailTypes',
  k: 'ks',
  noiseRatio: 'noiseRatios',
  seed: 'seeds',
  tailRatio: 'tailRatio',
  overlap: 'overlap',
};

/** One dataset root of the grid (MVTec layout: the synthetic set, MVTec AD, VisA). */
export interface DatasetEntry {
  /** Folder of the dataset in MVTec layout, relative to the working directory or absolute. */
  root: string;
  /** Short name used in results.csv. @default the folder name */
  name?: string;
  /** Generate the synthetic dataset at `root` when it is absent. @default false */
  synthetic?: boolean;
  /** Options passed to the synthetic generator (only with synthetic: true). @default {} */
  syntheticOptions?: Partial<Omit<SynthOptions, 'out'>>;
  /**
   * The authors' manifest folder for this dataset (`<folder>/{step_k1,step_k4,pareto}/seedNN/{prune_good,inject_defects}.txt`).
   * With it every cell (tail type, K, seed) loads seedNN (seed 1 -> seed01) instead of drawing a split, and the noise
   * ratio must be the manifests' own (0.1 MVTec, 0.05 VisA). @default null (draw splits)
   */
  officialManifests?: string | null;
  /** Which benchmark this is, for the official augmentation. @default 'synthetic' with synthetic: true; 'visa' when name, root or officialManifests contains "visa"; else 'mvtec' */
  kind?: DatasetKind;
  /** Tail augmentation for this dataset, per tail type; overrides the kind's default. @default the kind's official one */
  augmentation?: Partial<Record<TailType, AugmentationType>>;
  /** Noise ratios for this dataset. @default the top-level noiseRatios */
  noiseRatios?: number[];
}

/**
 * One method (or ablation) of the grid, with per-method option overrides: a MethodSpec (name from MODEL_NAMES, label
 * for results.csv, default the name; options of that method, typed per name) or just the name.
 */
export type MethodEntry = MethodSpec | ModelName;

export interface ExperimentConfig {
  /** Run name: results go to <resultsDir>/<run>/. @default 'run' */
  run: string;
  /** Folder holding one sub-folder per run. @default 'results' */
  resultsDir: string;
  /** Dataset roots. @default [{ root: 'data/synthetic', name: 'synthetic', synthetic: true }] */
  datasets: (DatasetEntry | string)[];
  /** Tail types. @default ['step', 'pareto'] */
  tailTypes: TailType[];
  /** Shots per tail class for the step tail (ignored for Pareto, whose k is recorded empty). @default [1, 4] */
  ks: number[];
  /** Noise ratios (share of anomalous test images copied into training). @default [0.1] (the paper's MVTec setting) */
  noiseRatios: number[];
  /** Methods or ablations; a string is shorthand for { name }. @default ['patchcore', 'softpatch', 'tailedcore'] */
  methods: MethodEntry[];
  /** Split seeds: each draws a new split, or picks official manifest seedNN. @default [0, 1, 2] */
  seeds: number[];
  /**
   * Seed of the models' randomness (projections, coreset starts). The official runs use seed 0 for the model whatever
   * the split seed ([J] configs: seed 0); "split" uses each cell's split seed. @default 0
   */
  modelSeed: number | 'split';
  /** Share of classes that are tail in the step setting (docs/method.md §5.2). @default 0.6 */
  tailRatio: number;
  /** Keep injected noise images in the test set, as the paper does (docs/method.md §5.3); false removes them. @default true */
  overlap: boolean;
  /** A class with at most this many training images is a tail class in results (docs/method.md §5.4). @default 20 */
  tailMaxCount: number;
  /**
   * Tail augmentation per tail type for datasets of kind mvtec, synthetic and other (VisA gets rotflip; a dataset's own
   * `augmentation` overrides both). Official MVTec configs: step rot15flip, Pareto rot30flip. @default { step: 'rot15flip', pareto: 'rot30flip' }
   */
  augmentation: Record<TailType, AugmentationType>;
  /** Options for FeatureExtractor.create (image size, backbone, cache folder, ...). @default { cacheDir: 'data/cache' } */
  features: FeatureOptions;
  /** Other split-builder options (Pareto shape, noise cap, ...), the same for every cell. @default {} */
  split: SplitExtras;
  /** Metrics written per class; all four are computed. @default ['image_auroc', 'pixel_auroc', 'aupro', 'f1_max'] */
  metrics: string[];
}

// Metric names (src/metrics) and augmentation types (src/features) are the owners' lists, not copies.

export const EXPERIMENT_DEFAULTS: ExperimentConfig = {
  run: 'run',
  resultsDir: 'results',
  datasets: [{ root: 'data/synthetic', name: 'synthetic', synthetic: true }],
  tailTypes: ['step', 'pareto'],
  ks: [1, 4],
  noiseRatios: [0.1],
  methods: ['patchcore', 'softpatch', 'tailedcore'],
  seeds: [0, 1, 2],
  modelSeed: 0,
  tailRatio: SPLIT_DEFAULTS.tailRatio,
  overlap: SPLIT_DEFAULTS.overlap,
  tailMaxCount: TAIL_MAX_COUNT,
  augmentation: { step: 'rot15flip', pareto: 'rot30flip' },
  features: { cacheDir: 'data/cache' },
  split: {},
  metrics: [...METRIC_NAMES],
};

/** Continuation lines of a key's help text line up under its first line. */
const HELP_INDENT = '\n' + ''.padEnd(16);

/** One line per key: what `--help` prints. */
export const EXPERIMENT_KEY_DOCS: Record<keyof ExperimentConfig, string> = {
  run: 'run name; results go to <resultsDir>/<run>/',
  resultsDir: 'folder holding one sub-folder per run',
  datasets: [
    'dataset roots in MVTec layout: "path" or {root, name?, synthetic?, syntheticOptions?, officialManifests?, kind?, augmentation?, noiseRatios?}',
    "officialManifests: the authors' manifest folder, <setting>/seedNN/{prune_good,inject_defects}.txt with settings",
    '  step_k1, step_k4, pareto: each cell loads seedNN (seed 1 -> seed01) instead of drawing a split; noiseRatios must be',
    "  the manifests' own (0.1 MVTec, 0.05 VisA); checked in preflight",
    'kind: mvtec|visa|synthetic|other; default synthetic with synthetic: true, visa when name/root/officialManifests say',
    '  "visa", else mvtec. visa gets rotflip for every tail type (official VisA config)',
    "augmentation: {step?, pareto?} for this dataset (over the kind's default); noiseRatios: this dataset's own",
  ].join(HELP_INDENT),
  tailTypes: 'tail types: "step" and/or "pareto"',
  ks: 'shots per tail class for the step tail (Pareto ignores it)',
  noiseRatios: 'noise ratios in [0, 1): share of test anomalies injected into training',
  methods: 'methods/ablations: "name" or {name, label?, options?}; names from MODEL_NAMES',
  seeds: 'split seeds (integers): the split draw, or the official manifest seedNN',
  modelSeed:
    'seed of the models\' randomness; the official runs use 0 whatever the split seed; "split" = each cell\'s split seed',
  tailRatio: 'share of classes that are tail in the step setting',
  overlap: 'keep injected images in the test set (paper protocol)',
  tailMaxCount: 'a class with <= this many training images is reported as tail',
  augmentation:
    'tail augmentation per tail type: {step, pareto} of rot15flip|rot30flip|rot45flip|rotflip (for mvtec/synthetic/other datasets; VisA: rotflip; datasets[].augmentation overrides)',
  features: [
    'options for FeatureExtractor.create (resize, crop, targetDim, cacheDir, backend, batchSize, ...)',
    'features.backbone: a bundled name or your ONNX export; missing file, wrong output names or outputs of the wrong rank',
    '  fail in preflight. Default "mobilenetv2". Forms:',
    ...backboneHelp().map((l) => `  ${l}`),
  ].join(HELP_INDENT),
  split:
    'extra options for the split builder (drawn splits only), e.g. {"paretoNoiseCap": "redistribute"}; the default\n' +
    `${''.padEnd(16)}Pareto noise rule is the official generator's (count draws, then cap at each class's anomalies)`,
  metrics: 'metrics kept in results.csv, from image_auroc, pixel_auroc, aupro, f1_max',
};

const DATASET_KEYS = [
  'root',
  'name',
  'synthetic',
  'syntheticOptions',
  'officialManifests',
  'kind',
  'augmentation',
  'noiseRatios',
];
const METHOD_KEYS = ['name', 'label', 'options'];

/** The `--help` text: every key with its default. */
export function experimentHelp(modelNames: readonly string[]): string {
  const lines = ['Config keys (JSON file, all optional; defaults shown):'];
  for (const key of Object.keys(EXPERIMENT_DEFAULTS) as (keyof ExperimentConfig)[]) {
    lines.push(`  ${key.padEnd(13)} ${EXPERIMENT_KEY_DOCS[key]}`);
    lines.push(`  ${''.padEnd(13)} default: ${JSON.stringify(EXPERIMENT_DEFAULTS[key])}`);
  }
  lines.push(`Methods (MODEL_NAMES): ${modelNames.join(', ')}`);
  return lines.join('\n');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) throw new OptionError(`${where}: unknown key "${key}" (known keys: ${known.join(', ')})`);
  }
}

function nonEmptyArray(v: unknown, key: string): unknown[] {
  if (!Array.isArray(v) || v.length === 0)
    throw new OptionError(`config key "${key}" must be a non-empty array, got ${JSON.stringify(v)}`);
  return v;
}

function numbers(v: unknown, key: string, ok: (x: number) => boolean, what: string): number[] {
  const arr = nonEmptyArray(v, key);
  for (const x of arr) {
    if (typeof x !== 'number' || !Number.isFinite(x) || !ok(x))
      throw new OptionError(`config key "${key}": ${JSON.stringify(x)} is not ${what}`);
  }
  if (new Set(arr).size !== arr.length)
    throw new OptionError(`config key "${key}" lists a value twice: ${JSON.stringify(arr)}`);
  return arr as number[];
}

/**
 * Two noise ratios that print as one percentage ("10%" for 0.1 and 0.104) would share summary rows and figure names
 * (the second figure overwriting the first): refused.
 */
function checkNoiseLabels(ratios: number[], key: string): void {
  const seen = new Map<number, number>();
  for (const r of ratios) {
    const pct = Math.round(r * 100);
    const other = seen.get(pct);
    if (other !== undefined)
      throw new OptionError(
        `config key "${key}": ${other} and ${r} both read as ${pct}% in summaries and figure names (one figure would overwrite the other); keep one of them`,
      );
    seen.set(pct, r);
  }
}

/** A dataset entry with its defaults filled in. */
export interface ResolvedDataset {
  root: string;
  name: string;
  synthetic: boolean;
  syntheticOptions: Partial<Omit<SynthOptions, 'out'>>;
  /** The official manifest folder, or null (splits are drawn). */
  officialManifests: string | null;
  kind: DatasetKind;
  /** Tail augmentation per tail type, resolved (dataset's own > kind's official > top-level). */
  augmentation: Record<TailType, AugmentationType>;
  noiseRatios: number[];
}

/** The official tail augmentation of a dataset kind, or null when the top-level `augmentation` applies. */
export function officialAugmentation(kind: DatasetKind): Record<TailType, AugmentationType> | null {
  return kind === 'visa' ? { step: 'rotflip', pareto: 'rotflip' } : null;
}

function inferKind(e: {
  root: string;
  name?: string;
  synthetic?: boolean;
  officialManifests?: string | null;
}): DatasetKind {
  if (e.synthetic === true) return 'synthetic';
  return /visa/i.test([e.name ?? '', e.root, e.officialManifests ?? ''].join(' ')) ? 'visa' : 'mvtec';
}

function checkAugmentation(v: unknown, where: string): Partial<Record<TailType, AugmentationType>> {
  if (!isObject(v)) throw new OptionError(`${where} must be an object {step, pareto}`);
  checkKeys(v, TAIL_TYPES, where);
  for (const [t, a] of Object.entries(v)) {
    if (!AUGMENTATION_TYPES.includes(a as AugmentationType)) {
      throw new OptionError(
        `${where}.${t}: unknown augmentation ${JSON.stringify(a)} (known: ${AUGMENTATION_TYPES.join(', ')})`,
      );
    }
  }
  return v as Partial<Record<TailType, AugmentationType>>;
}
/** A method entry with its defaults filled in. */
export interface ResolvedMethod {
  name: string;
  label: string;
  options: Record<string, unknown>;
}

/** A validated config with shorthands expanded. */
export interface ResolvedConfig extends Omit<ExperimentConfig, 'datasets' | 'methods'> {
  datasets: ResolvedDataset[];
  methods: ResolvedMethod[];
}

function baseName(p: string): string {
  const parts = p.replace(/\\/g, '/').replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] || p;
}

/**
 * Validates a parsed JSON config and fills defaults. Checks only the shape and values; whether a dataset root is
 * in MVTec layout and whether the results folder is writable is checked by `preflight` (I/O).
 * `modelNames` is the list of valid method names (MODEL_NAMES from src/models).
 */
export function resolveConfig(given: unknown, modelNames: readonly string[]): ResolvedConfig {
  if (!isObject(given)) throw new OptionError('the experiment config must be a JSON object');
  checkKeys(given, Object.keys(EXPERIMENT_DEFAULTS), 'experiment config');
  const c = { ...EXPERIMENT_DEFAULTS, ...given } as ExperimentConfig;

  if (typeof c.run !== 'string' || !/^[A-Za-z0-9._-]+$/.test(c.run)) {
    throw new OptionError(
      `config key "run" must be a folder name of letters, digits, ".", "_" or "-", got ${JSON.stringify(c.run)}`,
    );
  }
  if (typeof c.resultsDir !== 'string' || c.resultsDir === '')
    throw new OptionError('config key "resultsDir" must be a folder path');

  const tailTypes = nonEmptyArray(c.tailTypes, 'tailTypes') as TailType[];
  for (const t of tailTypes)
    if (!TAIL_TYPES.includes(t))
      throw new OptionError(
        `config key "tailTypes": unknown tail type ${JSON.stringify(t)} (known: ${TAIL_TYPES.join(', ')})`,
      );
  const ks = numbers(c.ks, 'ks', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  const noiseRatios = numbers(c.noiseRatios, 'noiseRatios', (x) => x >= 0 && x < 1, 'a ratio in [0, 1)');
  const seeds = numbers(c.seeds, 'seeds', (x) => Number.isInteger(x) && x >= 0, 'an integer >= 0');

  const methods: ResolvedMethod[] = nonEmptyArray(c.methods, 'methods').map((m, i) => {
    // A JSON config's entry is any value until checked here.
    const e: unknown = typeof m === 'string' ? { name: m } : m;
    if (!isObject(e)) throw new OptionError(`methods[${i}] must be a name or an object`);
    checkKeys(e, METHOD_KEYS, `methods[${i}]`);
    if (typeof e.name !== 'string' || !modelNames.includes(e.name)) {
      throw new OptionError(
        `methods[${i}]: unknown method ${JSON.stringify(e.name)} (known methods, MODEL_NAMES: ${modelNames.join(', ')})`,
      );
    }
    if (e.label !== undefined && typeof e.label !== 'string')
      throw new OptionError(`methods[${i}].label must be a string`);
    if (e.options !== undefined && !isObject(e.options))
      throw new OptionError(`methods[${i}].options must be an object`);
    return { name: e.name, label: e.label ?? e.name, options: e.options ?? {} };
  });
  if (new Set(methods.map((m) => m.label)).size !== methods.length)
    throw new OptionError('config key "methods": two methods have the same label; give them distinct "label"s');

  if (typeof c.tailRatio !== 'number' || !(c.tailRatio > 0 && c.tailRatio < 1))
    throw new OptionError(`config key "tailRatio" must be in (0, 1), got ${JSON.stringify(c.tailRatio)}`);
  if (typeof c.overlap !== 'boolean') throw new OptionError('config key "overlap" must be true or false');
  if (!Number.isInteger(c.tailMaxCount) || c.tailMaxCount < 0)
    throw new OptionError('config key "tailMaxCount" must be an integer >= 0');

  const augmentation = {
    ...EXPERIMENT_DEFAULTS.augmentation,
    ...checkAugmentation(c.augmentation, 'config key "augmentation"'),
  };
  if (!(c.modelSeed === 'split' || (Number.isInteger(c.modelSeed) && (c.modelSeed as number) >= 0))) {
    throw new OptionError(
      `config key "modelSeed" must be an integer >= 0 or "split", got ${JSON.stringify(c.modelSeed)}`,
    );
  }

  const datasets: ResolvedDataset[] = nonEmptyArray(c.datasets, 'datasets').map((d, i) => {
    const e: DatasetEntry = typeof d === 'string' ? { root: d } : (d as DatasetEntry);
    if (!isObject(e)) throw new OptionError(`datasets[${i}] must be a path or an object`);
    checkKeys(e as unknown as Record<string, unknown>, DATASET_KEYS, `datasets[${i}]`);
    if (typeof e.root !== 'string' || e.root === '') throw new OptionError(`datasets[${i}].root must be a folder path`);
    if (e.syntheticOptions !== undefined && !isObject(e.syntheticOptions))
      throw new OptionError(`datasets[${i}].syntheticOptions must be an object`);
    const official = e.officialManifests ?? null;
    if (official !== null && (typeof official !== 'string' || official === ''))
      throw new OptionError(`datasets[${i}].officialManifests must be a folder path (or null)`);
    if (official !== null && e.synthetic === true)
      throw new OptionError(
        `datasets[${i}]: officialManifests name files of MVTec AD or VisA; they cannot be used with synthetic: true`,
      );
    if (e.kind !== undefined && !DATASET_KINDS.includes(e.kind))
      throw new OptionError(
        `datasets[${i}].kind: unknown kind ${JSON.stringify(e.kind)} (known: ${DATASET_KINDS.join(', ')})`,
      );
    const kind = e.kind ?? inferKind(e);
    const own = e.augmentation === undefined ? {} : checkAugmentation(e.augmentation, `datasets[${i}].augmentation`);
    const noise =
      e.noiseRatios === undefined
        ? noiseRatios
        : numbers(e.noiseRatios, `datasets[${i}].noiseRatios`, (x) => x >= 0 && x < 1, 'a ratio in [0, 1)');
    return {
      root: e.root,
      name: e.name ?? baseName(e.root),
      synthetic: e.synthetic === true,
      syntheticOptions: e.syntheticOptions ?? {},
      officialManifests: official,
      kind,
      augmentation: { ...(officialAugmentation(kind) ?? augmentation), ...own },
      noiseRatios: noise,
    };
  });
  datasets.forEach((d, i) =>
    checkNoiseLabels(d.noiseRatios, d.noiseRatios === noiseRatios ? 'noiseRatios' : `datasets[${i}].noiseRatios`),
  );
  if (new Set(datasets.map((d) => d.name)).size !== datasets.length)
    throw new OptionError('config key "datasets": two datasets have the same name; give them distinct "name"s');

  if (!isObject(c.features))
    throw new OptionError('config key "features" must be an object of FeatureExtractor options');
  const features = { ...c.features };
  if (features.backbone !== undefined)
    features.backbone = parseBackboneSpec(features.backbone, 'config key "features.backbone"');
  if (!isObject(c.split)) throw new OptionError('config key "split" must be an object of split-builder options');
  for (const key of Object.keys(c.split)) {
    if (key in GRID_SPLIT_KEYS)
      throw new OptionError(
        `config key "split.${key}": set it with the top-level "${GRID_SPLIT_KEYS[key]}" (the grid sets it per cell)`,
      );
  }
  try {
    resolveSplitOptions(c.split); // unknown keys and bad values, before any work
  } catch (e) {
    throw e instanceof OptionError
      ? new OptionError(`config key "split": ${e.message.replace(/^buildSplit: /, '')}`)
      : e;
  }
  const metrics = nonEmptyArray(c.metrics, 'metrics') as string[];
  for (const m of metrics) {
    if (!(METRIC_NAMES as readonly string[]).includes(m))
      throw new OptionError(
        `config key "metrics": unknown metric ${JSON.stringify(m)} (known: ${METRIC_NAMES.join(', ')})`,
      );
  }
  return { ...c, datasets, tailTypes, ks, noiseRatios, seeds, methods, augmentation, features, metrics };
}
