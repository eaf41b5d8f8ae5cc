/**
 * An advisory lock on a file that dies with the process holding it: flock(2), held by a small child process.
 *
 * Node has no flock, so the lock is taken by util-linux's flock(1) running `cat` on a pipe from this process. The
 * kernel drops the lock when that child exits, and the child exits when its stdin closes: on release(), on a normal
 * exit, on a crash and on kill -9 of this process alike. No marker file can go stale: the lock file stays on disk but
 * holds no meaning of its own (its text only names the last holder, for messages). flock works on local disks and,
 * on Linux, on NFS (the client maps it onto NFS byte-range locks).
 */
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../util/errors';

/** Exit code flock(1) is told to use when the lock is held elsewhere (-E), so a conflict is told apart from a failure. */
const CONFLICT = 75;

export interface HeldLock {
  readonly file: string;
  /** Releases the lock and waits until the holder process has exited. Idempotent. */
  release(): Promise<void>;
}

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  what: string;
}

/** The holder recorded in a lock file (informational: whether the lock is held is the kernel's answer, not this text). */
export function readLockHolder(file: string): LockHolder | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

export function describeHolder(file: string): string {
  const h = readLockHolder(file);
  return h ? `pid ${h.pid} on ${h.host}, ${h.what}, since ${h.since}` : 'another process';
}

function holdOnce(file: string, wait: boolean): Promise<{ child: ChildProcess } | null> {
  return new Promise((resolve, reject) => {
    const args = ['-x', ...(wait ? [] : ['-n']), '-E', String(CONFLICT), file, 'sh', '-c', 'echo locked; exec cat'];
    let child: ChildProcess;
    try {
      child = spawn('flock', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    let out = '';
    let err = '';
    let settled = false;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!settled && out.includes('locked\n')) {
        settled = true;
        resolve({ child });
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(
        e.code === 'ENOENT'
          ? new InputError(
              'run locks need flock(1) from util-linux (present on Linux and on SLURM/Kubernetes nodes); install util-linux',
            )
          : e,
      );
    });
    child.on('exit', (code) => {
      if (settled) return;
      settled = true;
      if (code === CONFLICT) resolve(null);
      else reject(new InputError(`cannot lock ${file}: flock exited with ${code}${err ? `: ${err.trim()}` : ''}`));
    });
  });
}

/**
 * Takes the lock on `file` (created when absent). With `wait: false` returns null at once when another process
 * holds it; with `wait: true` blocks until it is free (calling `onWait` once first).
 */
export async function acquireLock(
  file: string,
  opts: { wait?: boolean; what?: string; onWait?: (holder: string) => void } = {},
): Promise<HeldLock | null> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, '', { flag: 'a' });
  let got = await holdOnce(file, false);
  if (!got) {
    if (!opts.wait) return null;
    opts.onWait?.(describeHolder(file));
    got = await holdOnce(file, true);
    if (!got) throw new InputError(`cannot lock ${file}`);
  }
  const child = got.child;
  // The lock must not keep the event loop alive, nor block this process's exit.
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    what: opts.what ?? 'lock',
  };
  try {
    fs.writeFileSync(file, JSON.stringify(holder) + '\n');
  } catch {
    /* the text is informational only */
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      child.ref(); // keep this process alive until the holder has exited and the lock is free
      child.stdin!.end();
      await exited;
    },
  };
}

/** Runs `fn` while holding the lock on `file` (waiting for it). */
export async function withLock<T>(
  file: string,
  what: string,
  fn: () => Promise<T> | T,
  onWait?: (holder: string) => void,
): Promise<T> {
  const lock = await acquireLock(file, { wait: true, what, onWait });
  try {
    return await fn();
  } finally {
    await lock!.release();
  }
}
