import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  assertWritableDir,
  ensureDir,
  ioError,
  parseTempName,
  removeStaleTemps,
  tempPathFor,
  writeFileAtomic,
  writeFileAtomicAsync,
} from '../../src/util/atomic';
import { InputError } from '../../src/util/errors';

const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tc-atomic-'));
const oneLine = (m: string) => !m.includes('\n');

test('sync and async writers produce the file and leave no temporary file; parents are created', async () => {
  const dir = tmpRoot();
  writeFileAtomic(path.join(dir, 'a', 'b', 'x.txt'), 'hello');
  await writeFileAtomicAsync(path.join(dir, 'a', 'y.bin'), new Uint8Array([1, 2, 3]));
  writeFileAtomic(path.join(dir, 'a', 'b', 'x.txt'), 'again'); // overwrite
  assert.equal(fs.readFileSync(path.join(dir, 'a', 'b', 'x.txt'), 'utf8'), 'again');
  assert.deepEqual([...fs.readFileSync(path.join(dir, 'a', 'y.bin'))], [1, 2, 3]);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'a')).sort(), ['b', 'y.bin']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'a', 'b')), ['x.txt']);
  fs.rmSync(dir, { recursive: true });
});

test('concurrent writers of one file use distinct temporary names; the result is one whole version', async () => {
  const dir = tmpRoot();
  const file = path.join(dir, 'f.txt');
  const names = new Set(Array.from({ length: 50 }, () => tempPathFor(file)));
  assert.equal(names.size, 50);
  const versions = Array.from({ length: 20 }, (_, i) => String(i).repeat(100_000));
  await Promise.all(versions.map((v) => writeFileAtomicAsync(file, v)));
  assert.ok(versions.includes(fs.readFileSync(file, 'utf8')));
  assert.deepEqual(fs.readdirSync(dir), ['f.txt']);
  fs.rmSync(dir, { recursive: true });
});

test('a file in the way and a path through a file are one InputError line naming the path and the errno', () => {
  const dir = tmpRoot();
  const blocker = path.join(dir, 'results');
  fs.writeFileSync(blocker, 'not a folder');
  assert.throws(
    () => assertWritableDir(blocker, 'results folder'),
    (e: Error) =>
      e instanceof InputError &&
      oneLine(e.message) &&
      e.message.includes(blocker) &&
      /is a file, not a folder \(ENOTDIR\); move that file/.test(e.message),
  );
  assert.throws(
    () => writeFileAtomic(path.join(blocker, 'run', 'results.csv'), 'x', 'results file'),
    (e: Error) =>
      e instanceof InputError && oneLine(e.message) && e.message.includes(blocker) && /ENOTDIR/.test(e.message),
  );
  // A folder where the file should go.
  fs.mkdirSync(path.join(dir, 'fig.png'));
  assert.throws(
    () => writeFileAtomic(path.join(dir, 'fig.png'), 'x', 'figure'),
    (e: Error) =>
      e instanceof InputError &&
      /cannot write figure .*fig\.png: a folder is in the way of the file \(EISDIR\)/.test(e.message),
  );
  assert.deepEqual(fs.readdirSync(dir).sort(), ['fig.png', 'results']); // no temporary file left behind
  fs.rmSync(dir, { recursive: true });
});

test('assertWritableDir returns (does not hang) on /proc and /sys paths, with one clear line', () => {
  for (const p of ['/proc/tc-robust-test/x', '/sys/tc-robust-test']) {
    if (!fs.existsSync(`/${p.split('/')[1]}`)) continue;
    assert.throws(
      () => assertWritableDir(p, 'cache folder'),
      (e: Error) =>
        e instanceof InputError && oneLine(e.message) && /^cannot create cache folder \/(proc|sys)\//.test(e.message),
    );
  }
});

test('ENOSPC, EACCES and EROFS map to what they mean and what to do; unknown errors pass through unchanged', () => {
  let enospc: unknown;
  try {
    fs.writeFileSync('/dev/full', 'x');
  } catch (e) {
    enospc = e;
  }
  assert.ok(enospc, '/dev/full accepted a write');
  const m = ioError(enospc, '/data/cache/ab/x.f32', 'write feature cache entry') as InputError;
  assert.ok(m instanceof InputError);
  assert.equal(
    m.message,
    'cannot write feature cache entry /data/cache/ab/x.f32: no space left on the device (ENOSPC); free some space or choose a folder on another disk',
  );
  assert.equal(m.code, 'ENOSPC');
  const fake = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
  assert.match(
    (ioError(fake('EACCES'), '/r', 'write') as Error).message,
    /^cannot write \/r: permission denied \(EACCES\); fix its permissions/,
  );
  assert.match(
    (ioError(fake('EROFS'), '/r', 'write') as Error).message,
    /read-only \(EROFS\); choose a folder on a writable disk/,
  );
  const odd = fake('EBADF');
  assert.equal(ioError(odd, '/r', 'write'), odd);
});

test('a full disk during an atomic write: one line, old file kept, no temporary file (tiny tmpfs, needs root)', (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('mounting a tmpfs needs root');
    return;
  }
  const dir = tmpRoot();
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status !== 0) {
    t.skip('mount not permitted here');
    return;
  }
  try {
    const file = path.join(dir, 'results.csv');
    writeFileAtomic(file, 'old\n');
    assert.throws(
      () => writeFileAtomic(file, Buffer.alloc(1 << 20, 65), 'results file'),
      (e: Error) =>
        e instanceof InputError &&
        oneLine(e.message) &&
        e.message ===
          `cannot write results file ${file}: no space left on the device (ENOSPC); free some space or choose a folder on another disk`,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), 'old\n');
    assert.deepEqual(fs.readdirSync(dir), ['results.csv']);
  } finally {
    spawnSync('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Why the unprivileged check cannot run here, or null: it runs this checkout's code as uid 65534, which cannot when a
 * parent folder of the checkout is private (a clone under a mode-700 `mktemp -d` folder).
 */
function unprivilegedSkipReason(): string | null {
  if (process.getuid?.() !== 0) return null;
  const files = [path.resolve('src/util/atomic.ts'), require.resolve('tsx')];
  const probe = `for (const f of ${JSON.stringify(files)}) try { require('node:fs').accessSync(f) } catch (e) { console.log(e.code + ' on ' + f) }`;
  const r = spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, encoding: 'utf8' });
  const denied = r.stdout.trim().split('\n')[0];
  return r.status === 0 && denied === ''
    ? null
    : `uid 65534 cannot read this checkout (${denied || r.stderr.trim()}: a parent folder is private)`;
}

test('an unwritable folder is EACCES in one line (checked as an unprivileged user)', (t) => {
  const skip = unprivilegedSkipReason();
  if (skip) return t.skip(skip);
  const dir = tmpRoot();
  const locked = path.join(dir, 'locked');
  fs.mkdirSync(locked, { mode: 0o555 });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(locked, 0o555);
  const script = `const a = require(${JSON.stringify(path.resolve('src/util/atomic.ts'))});
    try { a.assertWritableDir(${JSON.stringify(path.join(locked, 'run'))}, 'results folder'); console.log('no error'); }
    catch (e) { console.log(e.name + ': ' + e.message); }`;
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', ...asUser });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout.trim(),
    `InputError: cannot create results folder ${path.join(locked, 'run')}: permission denied (EACCES); fix its permissions or choose another folder`,
  );
  fs.rmSync(dir, { recursive: true });
});

test("removeStaleTemps removes temporary files of dead writers and old ones, never a live writer's", () => {
  const dir = tmpRoot();
  const mine = tempPathFor(path.join(dir, 'x.f32')); // this process: alive
  fs.writeFileSync(mine, 'live');
  // A process that has exited: its pid is free (a reused pid would only keep the file until it is old).
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout);
  const deadTmp = path.basename(mine).replace(`-${process.pid}-`, `-${deadPid}-`);
  fs.writeFileSync(path.join(dir, deadTmp), 'orphan');
  assert.equal(parseTempName(deadTmp)?.pid, deadPid);
  // Another machine's file: kept while young, removed once old.
  const other = `.y.f32.tc-00000000-${process.pid}-abcd.tmp`;
  fs.writeFileSync(path.join(dir, other), 'remote');
  fs.writeFileSync(path.join(dir, 'keep.f32'), 'data');
  assert.equal(removeStaleTemps(dir), 1);
  assert.deepEqual(fs.readdirSync(dir).sort(), [other, path.basename(mine), 'keep.f32'].sort());
  const old = new Date(Date.now() - 2 * 3_600_000);
  fs.utimesSync(path.join(dir, other), old, old);
  assert.equal(removeStaleTemps(dir), 1);
  assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(mine), 'keep.f32'].sort());
  fs.rmSync(dir, { recursive: true });
});

test('ensureDir tolerates a folder made by another writer meanwhile and reports the failing part', () => {
  const dir = tmpRoot();
  ensureDir(path.join(dir, 'a', 'b'));
  ensureDir(path.join(dir, 'a', 'b'));
  assert.ok(fs.statSync(path.join(dir, 'a', 'b')).isDirectory());
  fs.rmSync(dir, { recursive: true });
});
