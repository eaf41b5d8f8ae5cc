/**
 * Every path of a config checked for its kind (file or folder) and its permissions before any work, with one line
 * that names the config key: a file where a folder belongs (ENOTDIR traces), a folder where a file belongs (EISDIR),
 * an unreadable folder (EACCES), a results or cache folder on a read-only mount (EROFS, not "fix its permissions").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ioError } from '../util/atomic';
import { InputError, OptionError } from '../util/errors';
import type { ResolvedConfig } from './config';

function errnoLine(e: unknown, file: string, action: string): InputError {
  const io = ioError(e, file, action);
  if (io instanceof InputError) return io;
  return new InputError(`cannot ${action} ${file}: ${(e as Error).message}`);
}

/** Throws unless `dir` exists as a writable folder or could be created (nothing is created here). */
export function checkCreatable(dir: string, what: string): void {
  let p = path.resolve(dir);
  while (!fs.existsSync(p)) {
    const up = path.dirname(p);
    if (up === p) break;
    p = up;
  }
  if (!fs.statSync(p).isDirectory())
    throw new InputError(
      `cannot create ${what} "${dir}": ${p} is a file, not a folder (ENOTDIR); move that file or choose another folder`,
    );
  try {
    fs.accessSync(p, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    // EROFS (a read-only mount) and EACCES (permissions) need different fixes: say which.
    throw errnoLine(e, p, `create ${what} "${dir}" in`);
  }
}

/** `file` must exist as the given kind and be readable; the error names the config key. */
function checkReadable(file: string, kind: 'file' | 'folder', key: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new OptionError(`config key "${key}": ${path.resolve(file)} does not exist`);
    throw new OptionError(`config key "${key}": ${errnoLine(e, path.resolve(file), 'read').message}`);
  }
  if (kind === 'folder' && !st.isDirectory())
    throw new OptionError(`config key "${key}": ${path.resolve(file)} is a file; it must be a folder`);
  if (kind === 'file' && st.isDirectory())
    throw new OptionError(`config key "${key}": ${path.resolve(file)} is a folder; it must be a file`);
  try {
    fs.accessSync(file, kind === 'folder' ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
  } catch (e) {
    throw new OptionError(`config key "${key}": ${errnoLine(e, path.resolve(file), 'read').message}`);
  }
}

/** Checks the kind and permissions of every path the config names; nothing is created. */
export function checkConfigPaths(config: ResolvedConfig): void {
  config.datasets.forEach((d, i) => {
    if (d.synthetic) {
      if (fs.existsSync(d.root)) checkReadable(d.root, 'folder', `datasets[${i}].root`);
      else checkCreatable(d.root, `synthetic dataset folder (config key "datasets[${i}].root")`);
    } else checkReadable(d.root, 'folder', `datasets[${i}].root`);
    if (d.officialManifests !== null) checkReadable(d.officialManifests, 'folder', `datasets[${i}].officialManifests`);
  });
  const cache = config.features.cacheDir;
  if (typeof cache === 'string' && cache !== '')
    checkCreatable(cache, 'feature cache folder (config key "features.cacheDir")');
  const bb = config.features.backbone as { onnx?: unknown } | string | undefined;
  // A missing model gets the backbone loader's own message (how to export one); a folder or an unreadable file, this one.
  if (bb !== null && typeof bb === 'object' && typeof bb.onnx === 'string' && fs.existsSync(bb.onnx))
    checkReadable(bb.onnx, 'file', 'features.backbone.onnx');
}
