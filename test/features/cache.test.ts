import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureCache, cacheKey, CACHE_HEADER_BYTES } from '../../src/features/cache';

const shape = { gridH: 2, gridW: 3, dim: 4, embedDim: 5 };
const P = 2 * 3 * 4;
function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-cache-'));
  const warnings: string[] = [];
  const cache = new FeatureCache(dir, { warn: (m) => warnings.push(m) });
  const patches = Float32Array.from({ length: P }, (_, i) => i * 0.5 - 3);
  const emb = Float32Array.from({ length: 5 }, (_, i) => i + 0.25);
  const key = cacheKey('ab'.repeat(32), { backbone: 'x', targetDim: 4 }, 'base');
  cache.write(key, shape, patches, emb);
  return { dir, cache, warnings, patches, emb, key };
}

test('a written entry reads back bit-identically into preallocated views; no temp files left', () => {
  const { dir, cache, patches, emb, key } = setup();
  const big = new Float32Array(P + 10);
  const e = new Float32Array(5);
  assert.equal(cache.read(key, shape, big.subarray(10), e), 'hit');
  assert.deepEqual(big.subarray(10), patches);
  assert.deepEqual(e, emb);
  assert.equal(cache.read('00' + key.slice(2), shape, new Float32Array(P), new Float32Array(5)), 'miss');
  const files = fs.readdirSync(path.join(dir, key.slice(0, 2)));
  assert.deepEqual(files, [`${key}.f32`]);
  fs.rmSync(dir, { recursive: true });
});

for (const [what, damage] of [
  ['truncated', (f: string) => fs.truncateSync(f, fs.statSync(f).size - 7)],
  [
    'one flipped payload byte',
    (f: string) => {
      const b = fs.readFileSync(f);
      b[CACHE_HEADER_BYTES + 9] ^= 0x10;
      fs.writeFileSync(f, b);
    },
  ],
  [
    'a stale format version',
    (f: string) => {
      const b = fs.readFileSync(f);
      b.writeUInt32LE(99, 4);
      fs.writeFileSync(f, b);
    },
  ],
  [
    'a different shape',
    (f: string) => {
      const b = fs.readFileSync(f);
      b.writeUInt32LE(7, 16);
      fs.writeFileSync(f, b);
    },
  ],
] as const) {
  test(`an entry with ${what} is reported, deleted and reported as corrupt (never used)`, () => {
    const { dir, cache, warnings, key } = setup();
    const file = cache.pathFor(key);
    damage(file);
    const dst = new Float32Array(P).fill(123);
    assert.equal(cache.read(key, shape, dst, new Float32Array(5)), 'corrupt');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(key));
    assert.equal(fs.existsSync(file), false);
    assert.equal(cache.corrupt, 1);
    assert.equal(cache.read(key, shape, dst, new Float32Array(5)), 'miss'); // reported once: now simply absent
    assert.equal(warnings.length, 1);
    fs.rmSync(dir, { recursive: true });
  });
}

test('the key changes with any config field or the view, not with key order', () => {
  const h = 'cd'.repeat(32);
  const base = { backbone: 'b', patchLayers: ['l1', 'l2'], crop: 224, targetDim: 256 };
  const k = cacheKey(h, base, 'base');
  assert.equal(cacheKey(h, { targetDim: 256, crop: 224, patchLayers: ['l1', 'l2'], backbone: 'b' }, 'base'), k);
  assert.notEqual(cacheKey(h, { ...base, patchLayers: ['l1', 'l3'] }, 'base'), k);
  assert.notEqual(cacheKey(h, { ...base, crop: 112 }, 'base'), k);
  assert.notEqual(cacheKey(h, { ...base, targetDim: 128 }, 'base'), k);
  assert.notEqual(cacheKey(h, base, 'resized:rot15:flip'), k);
  assert.notEqual(cacheKey('ce'.repeat(32), base, 'base'), k);
});
