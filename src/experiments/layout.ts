/**
 * A cheap check that a folder is a dataset in the MVTec layout (<class>/train/good/*.png, <class>/test/<defect>/*),
 * done before any work so a wrong path fails in a second, not after feature extraction.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ioError } from '../util/atomic';
import { InputError } from '../util/errors';
import { hasImageExtension } from '../data/layout';

/** Throws an InputError naming the root and what is missing (or unreadable); returns the class folder names otherwise. */
export function checkMvtecLayout(root: string): string[] {
  try {
    return checkLayout(root);
  } catch (e) {
    throw ioError(e, (e as NodeJS.ErrnoException).path ?? root, 'read dataset folder');
  }
}

function checkLayout(root: string): string[] {
  if (!fs.existsSync(root))
    throw new InputError(
      `dataset root "${root}" does not exist; point "datasets" at a folder in MVTec layout (<class>/train/good, <class>/test/<defect>)`,
    );
  if (!fs.statSync(root).isDirectory())
    throw new InputError(`dataset root "${root}" is a file, not a folder in MVTec layout`);
  const classes = fs
    .readdirSync(root)
    .filter((n) => fs.existsSync(path.join(root, n, 'train', 'good')))
    .sort();
  if (classes.length === 0) {
    throw new InputError(
      `dataset root "${root}" is not in MVTec layout: no <class>/train/good folder found. Expected <root>/<class>/train/good/*.png and <root>/<class>/test/<defect>/*.png (convert VisA with its 1cls split first)`,
    );
  }
  for (const c of classes) {
    const good = fs.readdirSync(path.join(root, c, 'train', 'good')).filter(hasImageExtension);
    if (good.length === 0) throw new InputError(`dataset root "${root}": class "${c}" has no images in train/good`);
    if (!fs.existsSync(path.join(root, c, 'test')))
      throw new InputError(`dataset root "${root}": class "${c}" has no test folder`);
  }
  return classes;
}
