import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureCache, cacheKey } from '../../src/features/cache';
import { tempPathFor } from '../../src/util/atomic';
import { InputError } from '../../src/util/errors';

const shape = { gridH: 4, gridW: 4, dim: 64, embedDim: 16 };
const P = 4 * 4 * 64;
const keys = Array.from({ length: 40 }, (_, i) => cacheKey(String(i).padStart(64, '0'), { t: 1 }, 'base'));
const value = (i: number) => ({
  p: Float32Array.from({ length: P }, (_, j) => i + j / P),
  e: Float32Array.from({ length: 16 }, (_, j) => -i - j),
});

/** A child process that writes every key `rounds` times into the cache (same content each time, as the same key means). */
const WRITER = (dir: string, rounds: number) => `
  const { FeatureCache, cacheKey } = require(${JSON.stringify(path.resolve('src/features/cache.ts'))});
  const c = new FeatureCache(${JSON.stringify(dir)}, { warn: () => {} });
  const shape = ${JSON.stringify(shape)};
  for (let r = 0; r < ${rounds}; r++) for (let i = 0; i < 40; i++) {
    const key = cacheKey(String(i).padStart(64, '0'), { t: 1 }, 'base');
    const p = Float32Array.from({ length: ${P} }, (_, j) => i + j / ${P});
    const e = Float32Array.from({ length: 16 }, (_, j) => -i - j);
    c.write(key, shape, p, e);
  }`;

function run(script: string): Promise<number | null> {
  return new Promise((resolve) => {
    const ch = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    ch.on('exit', (code) => resolve(code));
  });
}

test('three processes writing the same entries at once: every entry reads back whole, no temporary file is left', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-cache-conc-'));
  const reader = new FeatureCache(dir, { warn: (m) => assert.fail(m) });
  const codes = await Promise.all([run(WRITER(dir, 5)), run(WRITER(dir, 5)), run(WRITER(dir, 5))]);
  assert.deepEqual(codes, [0, 0, 0]);
  for (let i = 0; i < keys.length; i++) {
    const p = new Float32Array(P),
      e = new Float32Array(16);
    assert.equal(reader.read(keys[i], shape, p, e), 'hit');
    assert.deepEqual(p, value(i).p);
    assert.deepEqual(e, value(i).e);
  }
  const temps = fs
    .readdirSync(dir)
    .flatMap((d) => fs.readdirSync(path.join(dir, d)))
    .filter((n) => n.endsWith('.tmp'));
  assert.deepEqual(temps, []);
  fs.rmSync(dir, { recursive: true });
});

test('temporary files of a killed extraction are removed when the cache is opened again; live ones are kept', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-cache-orphan-'));
  new FeatureCache(dir).write(keys[0], shape, value(0).p, value(0).e);
  const shard = path.join(dir, keys[0].slice(0, 2));
  // A writer killed between open and rename (kill -9): its temporary file stays behind, under its pid.
  const killed = spawnSync(process.execPath, [
    '--import',
    'tsx',
    '-e',
    `
    const a = require(${JSON.stringify(path.resolve('src/util/atomic.ts'))});
    require('node:fs').writeFileSync(a.tempPathFor(${JSON.stringify(path.join(shard, keys[1] + '.f32'))}), 'half an entry');
    process.kill(process.pid, 'SIGKILL');`,
  ]);
  assert.equal(killed.signal, 'SIGKILL');
  // An older version's temporary name of a dead writer, and a live writer's file (this process).
  fs.writeFileSync(path.join(shard, `.${keys[2]}.f32.${killed.pid}.1700000000000.tmp`), 'old style');
  const live = tempPathFor(path.join(shard, keys[3] + '.f32'));
  fs.writeFileSync(live, 'being written');
  assert.equal(fs.readdirSync(shard).filter((n) => n.endsWith('.tmp')).length, 3);
  const warnings: string[] = [];
  const cache = new FeatureCache(dir, { warn: (m) => warnings.push(m) });
  assert.deepEqual(fs.readdirSync(shard).sort(), [path.basename(live), `${keys[0]}.f32`].sort());
  assert.deepEqual(warnings, [`feature cache: removed 2 temporary file(s) left by killed writers in ${dir}`]);
  assert.equal(cache.read(keys[0], shape, new Float32Array(P), new Float32Array(16)), 'hit');
  fs.rmSync(dir, { recursive: true });
});

test('a cache folder that cannot be used is one InputError line naming it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-cache-bad-'));
  const blocker = path.join(dir, 'cache');
  fs.writeFileSync(blocker, 'a file');
  assert.throws(
    () => new FeatureCache(path.join(blocker, 'features')),
    (e: Error) =>
      e instanceof InputError &&
      !e.message.includes('\n') &&
      /^cannot create feature cache folder .*cache\/features: .*cache is a file, not a folder \(ENOTDIR\)/.test(
        e.message,
      ),
  );
  fs.rmSync(dir, { recursive: true });
});
