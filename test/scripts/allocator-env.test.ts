import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { allocatorEnv } from '../../bench/fresh-memory';

const ROOT = join(__dirname, '..', '..');

test('scripts/allocator.env: the three glibc settings, each within what glibc accepts', () => {
  const env = allocatorEnv();
  assert.deepEqual(Object.keys(env).sort(), ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TOP_PAD_', 'MALLOC_TRIM_THRESHOLD_']);
  for (const v of Object.values(env)) assert.match(v, /^\d+$/);
  // glibc silently ignores an mmap threshold above HEAP_MAX_SIZE / 2 (32 MiB on 64-bit).
  assert.ok(Number(env.MALLOC_MMAP_THRESHOLD_) <= 32 * 1024 * 1024);
  // The heap keeps what it grew by: trimming below the pad would hand memory back on every shrink.
  assert.ok(Number(env.MALLOC_TRIM_THRESHOLD_) >= Number(env.MALLOC_TOP_PAD_));
});

test('every npm script that runs tsx sources scripts/allocator.env first, and sh exports its values', () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const tsx = Object.entries(scripts).filter(([, v]) => /\btsx\b/.test(v));
  assert.ok(tsx.length >= 5);
  for (const [name, v] of tsx) assert.match(v, /^\. \.\/scripts\/allocator\.env && tsx /, `npm script ${name}`);
  const seen = execFileSync('sh', ['-c', '. ./scripts/allocator.env && env'], { cwd: ROOT, encoding: 'utf8' });
  for (const [k, v] of Object.entries(allocatorEnv())) assert.ok(seen.split('\n').includes(`${k}=${v}`), k);
});
