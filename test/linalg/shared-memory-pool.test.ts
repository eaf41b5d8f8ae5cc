import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acquireSharedMemory,
  releaseSharedMemory,
  roundPages,
  sharedMemoryPoolStats,
  POOL_MAX_BYTES,
} from '../../src/linalg/shared-memory-pool';
import { createRng } from '../../src/util/rng';
import { clustered } from '../sampling/coreset-data';
import { kCenterBruteForce } from '../../src/sampling/coreset-kcenter';
import { kCenterParallel } from '../../src/sampling/coreset-parallel';

test('roundPages: 8 sizes per octave, never below the request, at most 12.5 % above it', () => {
  assert.deepEqual([1, 2, 7, 8, 9, 16, 17, 18, 19].map(roundPages), [1, 2, 7, 8, 9, 16, 18, 18, 20]);
  for (let p = 1; p < 5000; p++) {
    const r = roundPages(p);
    assert.ok(r >= p && r <= p * 1.125, `${p} -> ${r}`);
  }
  assert.throws(() => roundPages(0), /0 pages/);
});

test('a released memory comes back zeroed, to a request of at most its size and at least half of it', () => {
  const a = acquireSharedMemory(20);
  assert.equal(a.pages, 20);
  new Uint8Array(a.mem.buffer).fill(7);
  releaseSharedMemory(a);
  releaseSharedMemory(a); // a second release is ignored: the memory is lent once at a time
  const before = sharedMemoryPoolStats();
  const tooBig = acquireSharedMemory(24); // 20 < 24: a new one
  assert.notEqual(tooBig.mem, a.mem);
  const tooSmall = acquireSharedMemory(9); // 20 > 2 x 9: zeroing it would cost more than new pages
  assert.notEqual(tooSmall.mem, a.mem);
  const b = acquireSharedMemory(12);
  assert.equal(b.mem, a.mem);
  assert.equal(b.pages, 20, 'the module must import it at its own size');
  assert.ok(new Uint8Array(b.mem.buffer).every((v) => v === 0));
  assert.equal(sharedMemoryPoolStats().idle, before.idle - 1);
  for (const m of [b, tooBig, tooSmall]) releaseSharedMemory(m);
});

test('the pool keeps at most POOL_MAX_BYTES of idle memory', () => {
  const big = acquireSharedMemory(POOL_MAX_BYTES / 65536);
  const small = acquireSharedMemory(1);
  releaseSharedMemory(small);
  const idle = sharedMemoryPoolStats();
  releaseSharedMemory(big); // would pass the cap beside the small one: left to the collector
  assert.deepEqual(sharedMemoryPoolStats(), idle);
});

test('k-center runs that reuse a memory left dirty by another bank still give the brute-force picks', async () => {
  const rng = createRng('pool-kcenter');
  const banks = [clustered(rng, 3000, 16), clustered(rng, 3000, 16), clustered(rng, 2900, 16)];
  for (const detached of [false, true]) {
    for (const p of banks) {
      const idle = sharedMemoryPoolStats().idle;
      const got = await kCenterParallel(p, 300, 5, { parts: 1, detached });
      assert.deepEqual(Array.from(got), Array.from(kCenterBruteForce(p, 300, 5)));
      const after = sharedMemoryPoolStats().idle;
      assert.ok(after === idle || after === idle + 1, `the memory went back to the pool (${idle} -> ${after})`);
    }
  }
});
