/**
 * Import of the official TailedCore split manifests, as the authors ship them in [J] manifest/:
 *   <folder>/<setting>/seedNN/prune_good.txt      train/good files REMOVED from each class
 *   <folder>/<setting>/seedNN/inject_defects.txt  test anomalies copied into training
 * with settings `step_k1`, `step_k4` and `pareto`, and seeds 01-05 (the data seeds 101-105 of the dev runs).
 * One path per line, relative to the dataset root. Pruned files are `<class>/train/good/<file>`; injected files are
 * written as their training-copy name `<class>/train/good/<defect>_<file>` ([J] make_mvtecad_nlt.py builds the copy
 * from `<class>/test/<defect>/<file>`), e.g. `grid/train/good/metal_contamination_004.png`. A plain test path
 * `<class>/test/<defect>/<file>` is accepted too. Leading folders before `<class>/` are skipped; blank lines and `#`
 * comments are ignored. Every path is checked against the dataset (the official builder only warns about a missing
 * pruned file; here it is an error, because it means another dataset version).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClassInfo, Dataset, DatasetImage, Manifest } from './types';
import { InputError, OptionError } from '../util/errors';
import { sortNames } from './layout';
import { TAIL_MAX_COUNT, TailType } from './splits/options';
import { checkOfficialCounts } from './official-check';

export interface OfficialManifestOptions {
  /** Seed recorded in the manifest. @default the number in the folder name (seed03 -> 3), else 0 */
  seed?: number;
  /** Pareto: a class keeping at most this many images is marked tail (the [R] rule, class size <= 20). @default TAIL_MAX_COUNT (20) */
  tailMaxCount?: number;
  /** Tail type. @default from the setting folder name: `step_kN` -> 'step', `pareto` -> 'pareto' */
  tail?: TailType;
  /** Step: shots per tail class. @default from the setting folder name (`step_k4` -> 4) */
  k?: number;
  /**
   * The noise ratio the manifest was made with. @default inferred: injected / kept over the noisy (head) classes for
   * step, over all classes for Pareto, rounded to 0.01 (0.1 for every released MVTec manifest, 0.05 for VisA)
   */
  noiseRatio?: number;
}

const OPTION_KEYS = ['seed', 'tailMaxCount', 'tail', 'k', 'noiseRatio'];

/** The setting folder name of a tail type and K, as the authors name them: step_k1, step_k4, pareto. */
export function officialSettingName(tail: TailType, k: number | null): string {
  if (tail === 'pareto') return 'pareto';
  if (!Number.isInteger(k) || (k as number) < 1)
    throw new OptionError(`official manifests: step needs an integer k >= 1, got ${String(k)}`);
  return `step_k${k}`;
}

/** The seed folder name: 1 -> seed01. The official seeds are 1-5. */
export function officialSeedFolder(seed: number): string {
  if (!Number.isInteger(seed) || seed < 1 || seed > 99) {
    throw new OptionError(
      `official manifests are numbered seed01, seed02, ...: seed ${seed} has no folder (use seeds 1-5 for the released manifests)`,
    );
  }
  return `seed${String(seed).padStart(2, '0')}`;
}

/** `<folder>/<setting>/seedNN` for a grid cell. */
export function officialManifestDir(folder: string, tail: TailType, k: number | null, seed: number): string {
  return path.join(folder, officialSettingName(tail, k), officialSeedFolder(seed));
}

/**
 * Tail type and K from a setting folder name (`step_k1`, `step_k4`, `pareto`, also with a prefix such as
 * `mvtec_step_k1` or `mvtecad-pareto`), or null when the name says neither.
 */
export function parseOfficialSetting(name: string): { tail: TailType; k: number | null } | null {
  if (/(^|[_-])pareto$/.test(name)) return { tail: 'pareto', k: null };
  const m = /(^|[_-])step_k(\d+)$/.exec(name);
  return m ? { tail: 'step', k: Number(m[2]) } : null;
}

function readLines(file: string): { line: number; text: string }[] {
  if (!fs.existsSync(file))
    throw new InputError(
      `official manifest file not found: ${file} (expected prune_good.txt and inject_defects.txt in the seed folder)`,
    );
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
}

/** Drops any leading folders before `<class>/(train|test)/`. */
function relFrom(text: string, dataset: Dataset): string | null {
  const parts = text
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  for (let k = 0; k + 1 < parts.length; k++) {
    if ((parts[k + 1] === 'train' || parts[k + 1] === 'test') && dataset.classes.some((c) => c.name === parts[k]))
      return parts.slice(k).join('/');
  }
  return null;
}

/** An injected entry: the test image itself, or its training-copy name `<defect>_<file>`. */
function findInjected(c: ClassInfo, rel: string): DatasetImage | undefined {
  const direct = c.test.find((t) => t.rel === rel && t.label === 1);
  if (direct) return direct;
  const m = /^[^/]+\/train\/good\/(.+)$/.exec(rel);
  if (!m) return undefined;
  return c.test.find((t) => t.label === 1 && `${t.defect}_${path.basename(t.rel)}` === m[1]);
}

/** Noise ratio as the generator's parameter: injected over kept, over the classes that can get noise. */
export function inferNoiseRatio(tail: TailType, classes: { trainGood: string[]; injected: string[] }[]): number {
  const pool = tail === 'step' ? classes.filter((c) => c.injected.length > 0) : classes;
  const kept = pool.reduce((s, c) => s + c.trainGood.length, 0);
  const inj = pool.reduce((s, c) => s + c.injected.length, 0);
  return kept === 0 ? 0 : Math.round((100 * inj) / kept) / 100;
}

/**
 * Converts one official seed folder into a Manifest, checking every path against the dataset. The manifest's options
 * carry the tail type, K, the noise ratio and the setting, so every later API (session, runner, results rows)
 * treats it like a drawn split of the same setting.
 */
export function loadOfficialManifest(dir: string, dataset: Dataset, opts: OfficialManifestOptions = {}): Manifest {
  for (const k of Object.keys(opts))
    if (!OPTION_KEYS.includes(k))
      throw new OptionError(`loadOfficialManifest: unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) throw new InputError(`official manifest folder not found: ${abs}`);
  const setting = path.basename(path.dirname(abs));
  const parsed = parseOfficialSetting(setting);
  const tail = opts.tail ?? parsed?.tail;
  if (tail !== 'step' && tail !== 'pareto') {
    throw new InputError(
      `official manifest ${abs}: its setting folder "${setting}" is not step_k<N> or pareto; pass the option tail ('step' or 'pareto')`,
    );
  }
  const k = tail === 'step' ? (opts.k ?? (parsed?.tail === 'step' ? parsed.k : undefined)) : null;
  if (tail === 'step' && (!Number.isInteger(k) || (k as number) < 1))
    throw new InputError(`official manifest ${abs}: a step setting needs K; pass the option k`);
  if (opts.k !== undefined && parsed && parsed.k !== null && opts.k !== parsed.k) {
    throw new OptionError(`loadOfficialManifest: option k=${opts.k} contradicts the setting folder "${setting}"`);
  }
  const pruneFile = path.join(abs, 'prune_good.txt'),
    injectFile = path.join(abs, 'inject_defects.txt');
  const pruned = new Set<string>();
  for (const { line, text } of readLines(pruneFile)) {
    const rel = relFrom(text, dataset);
    const cls = rel ? dataset.classes.find((c) => c.name === rel.split('/')[0]) : undefined;
    if (!rel || !cls || !cls.train.some((t) => t.rel === rel)) {
      throw new InputError(
        `${pruneFile} line ${line}: "${text}" is not a training image of the dataset at ${dataset.root} (expected <class>/train/good/<file>)`,
      );
    }
    pruned.add(rel);
  }
  const injected = new Map<string, string[]>();
  for (const { line, text } of readLines(injectFile)) {
    const rel = relFrom(text, dataset);
    const cls = rel ? dataset.classes.find((c) => c.name === rel.split('/')[0]) : undefined;
    const img = rel && cls ? findInjected(cls, rel) : undefined;
    if (!img || !cls) {
      throw new InputError(
        `${injectFile} line ${line}: "${text}" is not an anomalous test image of the dataset at ${dataset.root} (expected <class>/train/good/<defect>_<file> or <class>/test/<defect>/<file>)`,
      );
    }
    const list = injected.get(cls.name) ?? [];
    if (!list.includes(img.rel)) list.push(img.rel);
    injected.set(cls.name, list);
  }
  const seedMatch = /seed0*(\d+)/i.exec(path.basename(abs));
  const seed = opts.seed ?? (seedMatch ? Number(seedMatch[1]) : 0);
  const tailMax = opts.tailMaxCount ?? TAIL_MAX_COUNT;
  const classes = dataset.classes.map((c) => {
    const trainGood = sortNames(c.train.map((t) => t.rel).filter((r) => !pruned.has(r)));
    // Step: the tail classes are exactly the pruned ones (kept K); Pareto: the [R] size rule.
    const isTail = tail === 'step' ? trainGood.length < c.train.length : trainGood.length <= tailMax;
    return { name: c.name, isTail, trainGood, injected: sortNames(injected.get(c.name) ?? []) };
  });
  for (const c of classes) {
    if (c.trainGood.length === 0)
      throw new InputError(
        `${pruneFile} removes every training image of class "${c.name}"; was it made for another dataset version?`,
      );
  }
  checkOfficialCounts(
    pruneFile,
    { tail, k: k ?? null },
    classes.map((c, i) => ({
      name: c.name,
      isTail: c.isTail,
      kept: c.trainGood.length,
      total: dataset.classes[i].train.length,
    })),
  );
  const noiseRatio = opts.noiseRatio ?? inferNoiseRatio(tail, classes);
  const options: Record<string, unknown> = { source: 'official', setting, tail, noiseRatio, overlap: true };
  if (tail === 'step') options.k = k;
  else options.tailMaxCount = tailMax;
  return { seed, options, classes };
}

/** Loads the official manifest of one grid cell: `<folder>/<setting>/seedNN` (seed 1 -> seed01). */
export function loadOfficialSplit(
  folder: string,
  dataset: Dataset,
  cell: { tail: TailType; k: number | null; seed: number },
): Manifest {
  const abs = path.resolve(folder);
  if (!fs.existsSync(abs))
    throw new InputError(
      `official manifest folder not found: ${abs} (expected <folder>/{step_k1,step_k4,pareto}/seedNN/)`,
    );
  const dir = officialManifestDir(abs, cell.tail, cell.k, cell.seed);
  if (!fs.existsSync(dir)) {
    const have = fs.existsSync(path.dirname(dir))
      ? fs
          .readdirSync(path.dirname(dir))
          .filter((n) => /^seed\d+$/.test(n))
          .sort()
      : [];
    throw new InputError(
      `no official manifest for ${officialSettingName(cell.tail, cell.k)} seed ${cell.seed}: ${dir} does not exist` +
        (have.length
          ? ` (found ${have.join(', ')})`
          : ` (settings found in ${abs}: ${fs.readdirSync(abs).sort().join(', ') || 'none'})`),
    );
  }
  return loadOfficialManifest(dir, dataset, {
    seed: cell.seed,
    tail: cell.tail,
    ...(cell.tail === 'step' ? { k: cell.k as number } : {}),
  });
}

/** MVTec AD's 15 classes and VisA's 12 (as converted to the MVTec layout), [J] src/dataloader.py, [R] make_tailed_noisy_mvtec.py. */
export const MVTEC_CLASSES: readonly string[] = [
  'bottle',
  'cable',
  'capsule',
  'carpet',
  'grid',
  'hazelnut',
  'leather',
  'metal_nut',
  'pill',
  'screw',
  'tile',
  'toothbrush',
  'transistor',
  'wood',
  'zipper',
];
export const VISA_CLASSES: readonly string[] = [
  'candle',
  'capsules',
  'cashew',
  'chewinggum',
  'fryum',
  'macaroni1',
  'macaroni2',
  'pcb1',
  'pcb2',
  'pcb3',
  'pcb4',
  'pipe_fryum',
];

/** 'visa' or 'mvtec' when every class folder is one of that benchmark's classes, else null. */
export function detectBenchmark(classNames: readonly string[]): 'mvtec' | 'visa' | null {
  if (classNames.length === 0) return null;
  if (classNames.every((c) => VISA_CLASSES.includes(c))) return 'visa';
  if (classNames.every((c) => MVTEC_CLASSES.includes(c))) return 'mvtec';
  return null;
}
