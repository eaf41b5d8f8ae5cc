/**
 * Loader for datasets in the MVTec AD layout:
 *   <root>/<class>/train/good/*.png
 *   <root>/<class>/test/<defect>/*.png          (defect 'good' = normal)
 *   <root>/<class>/ground_truth/<defect>/<stem>_mask.png   (one per anomalous test image)
 * Classes are sorted alphabetically and files by name, as in the official loader (docs/method.md §1.1).
 * Here the folder structure, extensions and the pairing of masks with anomalous test images (none missing, no
 * orphans) are checked; `validateImages` decodes every mask (and image) and checks each mask's size and values
 * (`openDataset` does both, and is what the CLIs and the runner call).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClassInfo, Dataset, DatasetImage } from './types';
import { InputError, OptionError } from '../util/errors';
import { IMAGE_EXTENSIONS, hasImageExtension, isHidden, maskRelPath, sortNames } from './layout';
import { ioError } from '../util/atomic';
import { readSynthMarker } from './synth/marker';

export interface LoadOptions {
  /** Load only these classes (names as folder names). @default all class folders */
  classes?: string[];
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Image files of a folder, sorted; a non-image file is an error naming it. */
function listImages(dir: string): string[] {
  const out: string[] = [];
  for (const name of sortNames(fs.readdirSync(dir))) {
    if (isHidden(name)) continue;
    const p = path.join(dir, name);
    if (isDir(p)) throw new InputError(`unexpected folder ${p}: ${dir} must hold image files only`);
    if (!hasImageExtension(name)) {
      throw new InputError(
        `not an image file: ${p} (expected one of ${IMAGE_EXTENSIONS.join(', ')}); move it out of the dataset`,
      );
    }
    out.push(name);
  }
  return out;
}

/** A folder is a class folder when it has any of train/, test/ or ground_truth/ (other folders, e.g. split_csv, are skipped). */
function looksLikeClass(dir: string): boolean {
  return ['train', 'test', 'ground_truth'].some((s) => isDir(path.join(dir, s)));
}

/** Masks that are missing (an anomalous test image without one) or orphaned (a mask without its test image). */
interface MaskProblems {
  missing: string[];
  orphans: string[];
}

function loadClass(root: string, name: string, problems: MaskProblems): ClassInfo {
  const dir = path.join(root, name);
  const goodDir = path.join(dir, 'train', 'good');
  if (!isDir(goodDir))
    throw new InputError(`class "${name}" has no training folder: expected ${goodDir} with the normal training images`);
  const train: DatasetImage[] = listImages(goodDir).map((f) => ({
    path: path.join(goodDir, f),
    rel: `${name}/train/good/${f}`,
    className: name,
    split: 'train',
    defect: 'good',
    label: 0,
  }));
  if (train.length === 0) throw new InputError(`class "${name}" is empty: ${goodDir} holds no images`);
  const testDir = path.join(dir, 'test');
  if (!isDir(testDir))
    throw new InputError(`class "${name}" has no test folder: expected ${testDir}/<good|defect>/ with test images`);
  const test: DatasetImage[] = [];
  const expectedMasks = new Set<string>();
  for (const defect of sortNames(fs.readdirSync(testDir))) {
    if (isHidden(defect)) continue;
    const ddir = path.join(testDir, defect);
    if (!isDir(ddir))
      throw new InputError(`unexpected file ${ddir}: ${testDir} must hold one folder per defect type (and good/)`);
    for (const f of listImages(ddir)) {
      const img: DatasetImage = {
        path: path.join(ddir, f),
        rel: `${name}/test/${defect}/${f}`,
        className: name,
        split: 'test',
        defect,
        label: defect === 'good' ? 0 : 1,
      };
      if (img.label === 1) {
        const maskRel = maskRelPath(name, defect, f);
        const mask = path.join(root, maskRel);
        if (!fs.existsSync(mask))
          problems.missing.push(`anomalous test image ${img.path} has no mask: expected ${mask}`);
        else if (expectedMasks.has(maskRel)) {
          // 000.png and 000.jpg would share 000_mask.png: one mask cannot serve two images.
          problems.missing.push(
            `two anomalous test images share the mask ${mask} (${img.path} and another file with the stem of ${f})`,
          );
        }
        expectedMasks.add(maskRel);
        img.maskPath = mask;
      }
      test.push(img);
    }
  }
  if (test.length === 0) throw new InputError(`class "${name}" has no test images under ${testDir}`);
  // Every file under ground_truth/ must be the mask of one anomalous test image (MVTec has no masks for good images).
  const gtDir = path.join(dir, 'ground_truth');
  if (isDir(gtDir)) {
    for (const defect of sortNames(fs.readdirSync(gtDir))) {
      if (isHidden(defect)) continue;
      const gdir = path.join(gtDir, defect);
      if (!isDir(gdir)) {
        problems.orphans.push(`${gdir} (a file where a defect folder belongs)`);
        continue;
      }
      for (const f of sortNames(fs.readdirSync(gdir))) {
        if (isHidden(f)) continue;
        const rel = `${name}/ground_truth/${defect}/${f}`;
        if (!expectedMasks.has(rel)) problems.orphans.push(path.join(gdir, f));
      }
    }
  }
  return { name, train, test };
}

/** The first few entries of a list, then how many more: one line, however long the list. */
export function firstOf(items: string[], shown = 3): string {
  const head = items.slice(0, shown).join('; ');
  return items.length > shown ? `${head}; and ${items.length - shown} more` : head;
}

/**
 * Loads a dataset root in the MVTec layout (MVTec AD, converted VisA, or the synthetic set). A folder that cannot be
 * read (EACCES, ...) is one InputError naming it.
 */
export function loadDataset(root: string, opts: LoadOptions = {}): Dataset {
  try {
    return loadDatasetFolders(root, opts);
  } catch (e) {
    throw ioError(e, (e as NodeJS.ErrnoException).path ?? root, 'read dataset folder');
  }
}

function loadDatasetFolders(root: string, opts: LoadOptions): Dataset {
  const known = new Set(['classes']);
  for (const k of Object.keys(opts))
    if (!known.has(k)) throw new OptionError(`loadDataset: unknown option "${k}" (known: classes)`);
  const abs = path.resolve(root);
  if (!fs.existsSync(abs))
    throw new InputError(
      `dataset folder not found: ${abs}. Generate one with \`npm run synth -- --out ${root}\` or point to MVTec AD`,
    );
  if (!isDir(abs)) throw new InputError(`dataset root ${abs} is not a folder`);
  const marker = readSynthMarker(abs);
  if (marker && marker.status !== 'complete') {
    throw new InputError(
      `synthetic dataset ${abs} is incomplete (its generation was interrupted); rerun \`npm run synth -- --out ${root}\``,
    );
  }
  const found = sortNames(
    fs.readdirSync(abs).filter((n) => !isHidden(n) && isDir(path.join(abs, n)) && looksLikeClass(path.join(abs, n))),
  );
  if (found.length === 0) {
    throw new InputError(
      `no class folders in ${abs}: expected <class>/train/good, <class>/test/<defect> and <class>/ground_truth/<defect> (MVTec layout)`,
    );
  }
  let names = found;
  if (opts.classes !== undefined) {
    if (!Array.isArray(opts.classes) || opts.classes.length === 0)
      throw new OptionError('loadDataset: option classes must be a non-empty list of class names');
    for (const c of opts.classes) {
      if (!found.includes(c)) throw new InputError(`class "${c}" not found in ${abs} (available: ${found.join(', ')})`);
    }
    names = sortNames([...new Set(opts.classes)]);
  }
  const problems: MaskProblems = { missing: [], orphans: [] };
  const classes = names.map((n) => loadClass(abs, n, problems));
  const parts: string[] = [];
  if (problems.missing.length)
    parts.push(
      `${problems.missing.length} anomalous test image(s) without exactly one mask: ${firstOf(problems.missing)}`,
    );
  if (problems.orphans.length)
    parts.push(
      `${problems.orphans.length} orphan mask file(s) with no anomalous test image of that name: ${firstOf(problems.orphans)}`,
    );
  if (parts.length) {
    throw new InputError(
      `dataset ${abs}: ${parts.join('. ')}. Every anomalous test image <class>/test/<defect>/<stem>.<ext> needs one mask <class>/ground_truth/<defect>/<stem>_mask.png (a binary PNG, white = defect), and nothing else may be under ground_truth/`,
    );
  }
  return { root: abs, classes };
}

/** Every image of a dataset with its mask, in dataset order (train then test per class). */
export function allImages(dataset: Dataset): DatasetImage[] {
  return dataset.classes.flatMap((c) => [...c.train, ...c.test]);
}
