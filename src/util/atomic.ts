/**
 * The kit's one way to write files that must never be seen half-written: results, manifests, feature-cache entries,
 * images and figures. A write goes to a temporary file in the same folder, is fsynced, then renamed over the target,
 * so a killed process leaves either the old file or the new one. Temporary names are unique per host, process and
 * call (`.<name>.tc-<host>-<pid>-<random>.tmp`), so concurrent writers (threads, processes, machines sharing a
 * file system) never write into each other's temporary file; `removeStaleTemps` cleans up after writers that died.
 *
 * File-system failures a user can fix (permissions, a file in the way, a full or read-only disk) become one
 * `InputError` line naming the path, what the errno means and what to do; anything else is rethrown unchanged.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from './errors';

// The advice that several errnos share.
const FIX_PERMISSIONS = 'fix its permissions or choose another folder';
const MOVE_FILE = 'move that file or choose another folder';
const FREE_SPACE = 'free some space or choose a folder on another disk';

/** What an errno means to a user, and what to do about it. */
const ERRNO: Record<string, { meaning: string; advice: string }> = {
  EACCES: { meaning: 'permission denied', advice: FIX_PERMISSIONS },
  EPERM: { meaning: 'operation not permitted', advice: FIX_PERMISSIONS },
  EEXIST: { meaning: 'a file is in the way', advice: MOVE_FILE },
  ENOTDIR: { meaning: 'a part of the path is a file, not a folder', advice: MOVE_FILE },
  EISDIR: { meaning: 'a folder is in the way of the file', advice: 'move that folder or choose another path' },
  ENOSPC: { meaning: 'no space left on the device', advice: FREE_SPACE },
  EDQUOT: { meaning: 'disk quota exceeded', advice: FREE_SPACE },
  EROFS: { meaning: 'the file system is read-only', advice: 'choose a folder on a writable disk' },
  ENAMETOOLONG: { meaning: 'the path is too long', advice: 'choose a shorter path' },
  EMFILE: { meaning: 'too many open files', advice: 'raise the limit (ulimit -n) or lower the concurrency' },
  ENFILE: { meaning: 'too many open files on the system', advice: 'raise the limit or lower the concurrency' },
  EIO: { meaning: 'an input/output error of the device', advice: 'check the disk' },
  ENOENT: { meaning: 'no such file or folder', advice: 'check the path' },
};

function errnoOf(e: unknown): string | undefined {
  const c = (e as NodeJS.ErrnoException | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/**
 * An I/O failure as one InputError line: `cannot <action> <path>: <meaning> (<CODE>); <advice>`. Errors whose errno
 * is not one a user can fix (and errors that are already InputErrors) come back unchanged.
 */
export function ioError(e: unknown, file: string, action: string): unknown {
  if (e instanceof InputError) return e;
  const code = errnoOf(e);
  const info = code ? ERRNO[code] : undefined;
  if (!code || !info) return e;
  return new InputError(`cannot ${action} ${file}: ${info.meaning} (${code}); ${info.advice}`, { path: file, code });
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Creates a folder and its missing parents. Unlike `fs.mkdirSync(dir, { recursive: true })`, which loops forever on
 * paths under /proc (the kernel answers ENOENT for a folder whose parent exists), each missing part is created on its
 * own, so every failure is reported once, with the part that failed.
 */
export function ensureDir(dir: string, what = 'folder'): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let st: fs.Stats;
    try {
      st = fs.statSync(cur);
    } catch (e) {
      const code = errnoOf(e);
      const up = path.dirname(cur);
      // ENOTDIR: some part above is a file; walk up to it, so the message names that file.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && up !== cur) {
        missing.push(cur);
        cur = up;
        continue;
      }
      throw ioError(e, cur, `create ${what}`);
    }
    if (!st.isDirectory()) {
      throw new InputError(
        `cannot create ${what} ${abs}: ${cur} is a file, not a folder (ENOTDIR); move that file or choose another folder`,
        { path: cur, code: 'ENOTDIR' },
      );
    }
    break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'EEXIST' && isDirectory(d)) continue; // another writer made it meanwhile
      if (code === 'ENOENT') {
        // The parent exists (checked above), so the file system itself refuses new folders here (procfs, sysfs).
        throw new InputError(
          `cannot create ${what} ${d}: the file system does not allow new folders there (ENOENT); choose another folder`,
          { path: d, code },
        );
      }
      throw ioError(e, d, `create ${what}`);
    }
  }
}

/** Short, stable id of this machine for temporary names (hostnames may hold characters unfit for file names). */
const HOST_ID = crypto.createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
const TMP_RE = /^\.(.+)\.tc-([0-9a-f]{8})-(\d+)-[0-9a-f]+\.tmp$/;

/** A fresh temporary name next to `file`, unique per host, process and call. */
export function tempPathFor(file: string): string {
  const rand = crypto.randomBytes(6).toString('hex');
  return path.join(path.dirname(file), `.${path.basename(file)}.tc-${HOST_ID}-${process.pid}-${rand}.tmp`);
}

/** The writer of a temporary file named by tempPathFor, or null for any other name. */
export function parseTempName(name: string): { target: string; host: string; pid: number; ownHost: boolean } | null {
  const m = TMP_RE.exec(name);
  if (!m) return null;
  return { target: m[1], host: m[2], pid: Number(m[3]), ownHost: m[2] === HOST_ID };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM'; // exists but belongs to someone else
  }
}

/** Options of removeStaleTemps. */
export interface StaleTempOptions {
  /**
   * A temporary file older than this is removed whoever wrote it (a writer on another machine cannot be asked
   * whether it is alive; a write takes well under a second). @default 3600000 (one hour)
   */
  maxAgeMs?: number;
}

/**
 * Removes the temporary files that writers which died (kill -9, power loss) left in `dir`: those of a dead process
 * on this machine, and those older than `maxAgeMs` from anywhere. A live writer's file is never touched. Returns the
 * number removed. Also removes the older `.<name>.<pid>.<time>.tmp` names of earlier versions when their process is gone.
 */
export function removeStaleTemps(dir: string, opts: StaleTempOptions = {}): number {
  const maxAge = opts.maxAgeMs ?? 3_600_000;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  const now = Date.now();
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith('.') || !name.endsWith('.tmp')) continue;
    const p = path.join(dir, name);
    const t = parseTempName(name);
    const legacy = t ? null : /\.(\d+)\.\d+\.tmp$/.exec(name);
    let stale: boolean;
    if (t?.ownHost || legacy) stale = !processAlive(t ? t.pid : Number(legacy![1]));
    else stale = false;
    if (!stale) {
      try {
        stale = now - fs.statSync(p).mtimeMs > maxAge;
      } catch {
        continue;
      }
    }
    if (!stale) continue;
    try {
      fs.rmSync(p, { force: true });
      removed++;
    } catch {
      /* another sweeper got it */
    }
  }
  return removed;
}

/** Options of the atomic writers. */
export interface AtomicWriteOptions {
  /**
   * fsync the data before the rename, so the new file survives a power loss too (a kill never leaves half a file
   * either way). Bulk writers whose completion is recorded by a marker written last may turn it off: it costs ~2 ms
   * per file here. @default true
   */
  fsync?: boolean;
}

/** Writes `data` to `file` atomically (temporary file, fsync, rename). `what` names the file in error messages. */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  what = 'file',
  opts: AtomicWriteOptions = {},
): void {
  ensureDir(path.dirname(path.resolve(file)), `folder for ${what}`);
  const tmp = tempPathFor(file);
  try {
    const fd = fs.openSync(tmp, 'wx');
    try {
      fs.writeFileSync(fd, data);
      if (opts.fsync !== false) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* the original error matters */
    }
    throw ioError(e, file, `write ${what}`);
  }
}

/** The async twin of writeFileAtomic: the same temporary names, fsync and rename, without blocking the event loop. */
export async function writeFileAtomicAsync(
  file: string,
  data: string | Uint8Array,
  what = 'file',
  opts: AtomicWriteOptions = {},
): Promise<void> {
  ensureDir(path.dirname(path.resolve(file)), `folder for ${what}`);
  const tmp = tempPathFor(file);
  try {
    const h = await fs.promises.open(tmp, 'wx');
    try {
      await h.writeFile(data);
      if (opts.fsync !== false) await h.sync();
    } finally {
      await h.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw ioError(e, file, `write ${what}`);
  }
}

/** Appends text to a file and fsyncs it, so an appended row is either fully there or absent after a kill. */
export function appendFileDurable(file: string, text: string, what = 'file'): void {
  ensureDir(path.dirname(path.resolve(file)), `folder for ${what}`);
  try {
    const fd = fs.openSync(file, 'a');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw ioError(e, file, `append to ${what}`);
  }
}

/**
 * Throws one clear InputError unless the folder exists (or can be made) and a file can be created in it: a probe
 * file is written and removed, which catches read-only disks and permissions that `access()` misses (root).
 */
export function assertWritableDir(dir: string, what = 'output folder'): void {
  ensureDir(dir, what);
  const probe = tempPathFor(path.join(path.resolve(dir), '.write-probe'));
  try {
    fs.writeFileSync(probe, 'probe', { flag: 'wx' });
  } catch (e) {
    throw ioError(e, path.resolve(dir), `write to ${what}`);
  } finally {
    try {
      fs.rmSync(probe, { force: true });
    } catch {
      /* nothing was created */
    }
  }
}
