import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import { Matrix, zeros, fromRows } from '../../src/linalg/matrix';
import { clustered, ties } from './coreset-data';
import { kCenterBruteForce } from '../../src/sampling/coreset-kcenter';
import { kCenterParallel, toShared } from '../../src/sampling/coreset-parallel';
import { greedyCoresetParallel, greedyCoresetReference, coresetProjection } from '../../src/sampling/coreset';

test('parallel k-center on a line: the hand-checked picks, for 1, 2 and 3 parts', async () => {
  const p = fromRows([[0], [1], [2], [10]]);
  for (const parts of [1, 2, 3])
    assert.deepEqual(Array.from(await kCenterParallel(p, 3, 0, { parts })), [0, 3, 2], `parts ${parts}`);
  // all rows equal: later picks are row 0 (first index on a tie at distance 0), even though row 0 is in part 0 only
  const same = fromRows([
    [1, 1],
    [1, 1],
    [1, 1],
    [1, 1],
  ]);
  assert.deepEqual(Array.from(await kCenterParallel(same, 3, 3, { parts: 2 })), [3, 0, 0]);
});

const cases: [string, (rng: Rng) => Matrix, number][] = [
  ['clustered 3000x16, m 300', (r) => clustered(r, 3000, 16), 300],
  ['clustered 2000x40, m 50', (r) => clustered(r, 2000, 40), 50],
  ['ties and duplicates 1500x5, m 600 (runs into distance 0)', (r) => ties(r, 1500, 5), 600],
];

for (const [name, make, m] of cases) {
  test(`parallel k-center gives exactly the brute-force picks: ${name}`, async () => {
    const p = make(createRng(`par-${name}`));
    for (const start of [0, 7, p.rows - 1]) {
      const ref = kCenterBruteForce(p, m, start);
      for (const parts of [2, 3]) {
        const got = await kCenterParallel(p, m, start, { parts });
        assert.deepEqual(Array.from(got), Array.from(ref), `start ${start}, parts ${parts}`);
      }
    }
  });
}

test('a bank already in shared memory is used in place; the progress callback sees every pick', async () => {
  const p = clustered(createRng(9), 500, 8);
  const shared = toShared(p.data);
  assert.ok(shared.buffer instanceof SharedArrayBuffer);
  assert.equal(toShared(shared), shared);
  const seen: number[] = [];
  const got = await kCenterParallel({ data: shared, rows: 500, cols: 8 }, 20, 3, {
    parts: 2,
    onPick: (k) => seen.push(k),
  });
  assert.deepEqual(
    seen,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  assert.deepEqual(Array.from(got), Array.from(kCenterBruteForce(p, 20, 3)));
});

test('greedyCoresetParallel (GEMM projection, 2 parts) = brute force on the same projection and start', async () => {
  const f = clustered(createRng(11), 2500, 64);
  for (const seed of [1, 2]) {
    const fast = await greedyCoresetParallel(
      f,
      createRng(seed),
      { ratio: 0.05, projDim: 16, parts: 2 },
      { engine: 'ort', threads: 1 },
    );
    const ref = await greedyCoresetReference(
      f,
      createRng(seed),
      { ratio: 0.05, projDim: 16 },
      { engine: 'ort', threads: 1 },
    );
    assert.equal(fast.length, 125);
    assert.deepEqual(Array.from(fast), Array.from(ref), `seed ${seed}`);
  }
  // and the projection consumed the rng like the sync coreset does (W draws, then the start)
  const a = createRng(3),
    b = createRng(3);
  const { start } = await coresetProjection(f, a, { ratio: 0.05, projDim: 16 }, { engine: 'js' });
  for (let i = 0; i < 64 * 16; i++) b.next();
  assert.equal(start, b.int(2500));
});

test('candidate rows: picks index into the row list and equal the reference on the copied subset', async () => {
  const f = clustered(createRng(12), 3000, 48);
  const rows = Int32Array.from({ length: 1700 }, (_, i) => (i * 7) % 3000).sort();
  const sub = zeros(rows.length, 48);
  rows.forEach((r, k) => sub.data.set(f.data.subarray(r * 48, (r + 1) * 48), k * 48));
  const got = await greedyCoresetParallel(
    f,
    createRng(4),
    { ratio: 0.1, projDim: 12, parts: 2 },
    { engine: 'js' },
    rows,
  );
  const ref = await greedyCoresetReference(sub, createRng(4), { ratio: 0.1, projDim: 12 }, { engine: 'js' });
  assert.equal(got.length, 170);
  assert.deepEqual(Array.from(got), Array.from(ref));
  await assert.rejects(
    greedyCoresetParallel(f, createRng(4), { ratio: 0.1, projDim: 12 }, {}, Int32Array.of(0, 3000)),
    /candidate row 3000/,
  );
});

test('bad arguments are InputErrors / OptionErrors', async () => {
  const p = fromRows([[0], [1]]);
  await assert.rejects(kCenterParallel(p, 3, 0), /cannot pick 3 of 2/);
  await assert.rejects(kCenterParallel(p, 1, 2), /start row 2/);
  await assert.rejects(greedyCoresetParallel(p, createRng(1), { ratio: 0.5, projDim: 1, parts: 0 }), /parts/);
});
