import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import { Matrix, zeros, fromRows } from '../../src/linalg/matrix';
import { greedyCoreset, greedyCoresetBruteForce, greedyCoresetAsync } from '../../src/sampling/coreset';
import { kCenterBruteForce, kCenterPruned } from '../../src/sampling/coreset-kcenter';
import { clustered, ties } from './coreset-data';

function gaussian(rng: Rng, rows: number, cols: number): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

test('hand-checked picks on a line: 0, 1, 2, 10 from start 0 gives 0, 10 (index 3), then 2 (index 2)', () => {
  const p = fromRows([[0], [1], [2], [10]]);
  assert.deepEqual(Array.from(kCenterBruteForce(p, 3, 0)), [0, 3, 2]);
  assert.deepEqual(Array.from(kCenterPruned(p, 3, 0)), [0, 3, 2]);
  // all points equal: every later pick is index 0 (first index on a tie at distance 0), in both versions
  const same = fromRows([
    [1, 1],
    [1, 1],
    [1, 1],
  ]);
  assert.deepEqual(Array.from(kCenterPruned(same, 3, 2)), [2, 0, 0]);
  assert.deepEqual(Array.from(kCenterBruteForce(same, 3, 2)), [2, 0, 0]);
});

const cases: [string, (rng: Rng) => Matrix, number, number][] = [
  ['gaussian 1500x24 projected to 8, ratio 0.1', (r) => gaussian(r, 1500, 24), 8, 0.1],
  ['gaussian 800x8, no projection (D = projDim), ratio 0.5', (r) => gaussian(r, 800, 8), 8, 0.5],
  ['clustered 2000x16 projected to 16, ratio 0.1', (r) => clustered(r, 2000, 16), 16, 0.1],
  ['clustered 2000x32 projected to 8, ratio 0.01', (r) => clustered(r, 2000, 32), 8, 0.01],
  ['ties and duplicates 1200x6, no projection, ratio 0.2', (r) => ties(r, 1200, 6), 6, 0.2],
  ['ties and duplicates 600x3, ratio 0.9 (picks run into distance 0)', (r) => ties(r, 600, 3), 3, 0.9],
];

for (const [name, make, projDim, ratio] of cases) {
  test(`fast greedy coreset gives exactly the brute-force picks: ${name}`, () => {
    for (const seed of [1, 2]) {
      const f = make(createRng(`data-${name}-${seed}`));
      const fast = greedyCoreset(f, createRng(seed), { ratio, projDim });
      const ref = greedyCoresetBruteForce(f, createRng(seed), { ratio, projDim });
      assert.equal(fast.length, Math.max(1, Math.floor(f.rows * ratio)));
      assert.deepEqual(Array.from(fast), Array.from(ref), `seed ${seed}`);
    }
  });
}

test('progress callback sees every pick and ends at (m, m)', () => {
  const f = gaussian(createRng(3), 200, 4);
  const seen: number[] = [];
  greedyCoreset(f, createRng(4), {
    ratio: 0.05,
    projDim: 4,
    onProgress: (k, m) => {
      assert.equal(m, 10);
      seen.push(k);
    },
  });
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test('the async version (projection on the GEMM engine) consumes the rng identically and picks the same here', async () => {
  const f = clustered(createRng(5), 1000, 64);
  const a = createRng(6),
    b = createRng(6);
  const sync = greedyCoreset(f, a, { ratio: 0.05, projDim: 16 });
  const asy = await greedyCoresetAsync(f, b, { ratio: 0.05, projDim: 16 }, { engine: 'ort', threads: 1 });
  assert.deepEqual(Array.from(asy), Array.from(sync));
  assert.equal(a.next(), b.next(), 'both consumed the same number of draws');
});

test('bad options and bad features are refused with named errors', () => {
  const f = gaussian(createRng(7), 10, 4);
  assert.throws(() => greedyCoreset(f, createRng(1), { ratio: 0 }), /ratio/);
  assert.throws(() => greedyCoreset(f, createRng(1), { projDim: 2.5 }), /projDim/);
  assert.throws(() => greedyCoreset(f, createRng(1), { ratoi: 0.1 } as never), /unknown option "ratoi"/);
  f.data[5] = NaN;
  assert.throws(() => greedyCoreset(f, createRng(1)), /non-finite value \(NaN\) at row 1, column 1/);
  assert.throws(() => greedyCoreset(zeros(0, 4), createRng(1)), /empty/);
});
