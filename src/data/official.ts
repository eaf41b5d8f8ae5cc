/**
 * Import of the official TailedCore split manifests (docs/method.md §5.2: per setting and seed, `prune_good.txt` lists the
 * train/good files REMOVED from each class, `inject_defects.txt` the test anomalies copied into training).
 * The exact line format of those files was not seen; it is inferred from the spec: one path per line, relative to the
 * dataset root, `<class>/train/good/<file>` and `<class>/test/<defect>/<file>`, optionally behind a leading dataset
 * folder (e.g. `mvtec/...`). Blank lines and `#` comments are skipped. An injected entry written as its training copy
 * name, `<class>/train/good/<defect>_<file>` (how the official builder names the copy), is matched back to its test image.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClassInfo, Dataset, DatasetImage, Manifest } from './types';
import { InputError } from '../util/errors';
import { sortNames } from './layout';
import { TAIL_MAX_COUNT } from './splits/options';

export interface OfficialManifestOptions {
  /** Seed recorded in the manifest. @default the number in the folder name (e.g. seed03 -> 3), else 0 */
  seed?: number;
  /** A class keeping at most this many images is marked tail (the [R] rule, class size <= 20). @default TAIL_MAX_COUNT (20) */
  tailMaxCount?: number;
}

function readLines(file: string): { line: number; text: string }[] {
  if (!fs.existsSync(file)) throw new InputError(`official manifest file not found: ${file} (expected prune_good.txt and inject_defects.txt in the seed folder)`);
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
}

/** Drops any leading folders before `<class>/(train|test)/`. */
function relFrom(text: string, dataset: Dataset): string | null {
  const parts = text.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  for (let k = 0; k + 1 < parts.length; k++) {
    if ((parts[k + 1] === 'train' || parts[k + 1] === 'test') && dataset.classes.some((c) => c.name === parts[k])) return parts.slice(k).join('/');
  }
  return null;
}

function findInjected(c: ClassInfo, rel: string): DatasetImage | undefined {
  const direct = c.test.find((t) => t.rel === rel && t.label === 1);
  if (direct) return direct;
  const m = /^[^/]+\/train\/good\/(.+)$/.exec(rel);
  if (!m) return undefined;
  return c.test.find((t) => t.label === 1 && `${t.defect}_${path.basename(t.rel)}` === m[1]);
}

/** Converts one official seed folder into a Manifest, checking every path against the dataset. */
export function loadOfficialManifest(dir: string, dataset: Dataset, opts: OfficialManifestOptions = {}): Manifest {
  for (const k of Object.keys(opts)) if (k !== 'seed' && k !== 'tailMaxCount') throw new InputError(`loadOfficialManifest: unknown option "${k}" (known: seed, tailMaxCount)`);
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) throw new InputError(`official manifest folder not found: ${abs}`);
  const pruneFile = path.join(abs, 'prune_good.txt'), injectFile = path.join(abs, 'inject_defects.txt');
  const pruned = new Set<string>();
  for (const { line, text } of readLines(pruneFile)) {
    const rel = relFrom(text, dataset);
    const cls = rel ? dataset.classes.find((c) => c.name === rel.split('/')[0]) : undefined;
    if (!rel || !cls || !cls.train.some((t) => t.rel === rel)) {
      throw new InputError(`${pruneFile} line ${line}: "${text}" is not a training image of the dataset at ${dataset.root} (expected <class>/train/good/<file>)`);
    }
    pruned.add(rel);
  }
  const injected = new Map<string, string[]>();
  for (const { line, text } of readLines(injectFile)) {
    const rel = relFrom(text, dataset);
    const cls = rel ? dataset.classes.find((c) => c.name === rel.split('/')[0]) : undefined;
    const img = rel && cls ? findInjected(cls, rel) : undefined;
    if (!img || !cls) {
      throw new InputError(`${injectFile} line ${line}: "${text}" is not an anomalous test image of the dataset at ${dataset.root} (expected <class>/test/<defect>/<file>)`);
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
    return { name: c.name, isTail: trainGood.length <= tailMax, trainGood, injected: sortNames(injected.get(c.name) ?? []) };
  });
  for (const c of classes) {
    if (c.trainGood.length === 0) throw new InputError(`${pruneFile} removes every training image of class "${c.name}"; was it made for another dataset version?`);
  }
  return { seed, options: { source: 'official', setting: path.basename(path.dirname(abs)), overlap: true, tailMaxCount: tailMax }, classes };
}
