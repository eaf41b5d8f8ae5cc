import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import { Matrix, zeros, fromRows } from '../../src/linalg/matrix';
import { clustered, ties } from './coreset-data';
import { kCenterBruteForce } from '../../src/sampling/coreset-kcenter';
import {
  kCenterParallel,
  toShared,
  idleCoresetWorkers,
  peekIdleCoresetWorker,
} from '../../src/sampling/coreset-parallel';
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

test('candidate rows projected in place (most rows kept, across 64 Ki-row chunks) or gathered: the projection of the copied subset', async () => {
  const f = zeros(70000, 8);
  const g = createRng(13);
  for (let i = 0; i < f.data.length; i++) f.data[i] = g.normal();
  const cases: [string, Int32Array][] = [
    ['two thirds, ascending (in place)', Int32Array.from({ length: 70000 }, (_, i) => i).filter((i) => i % 3 !== 0)],
    ['a third (gathered)', Int32Array.from({ length: 70000 }, (_, i) => i).filter((i) => i % 3 === 0)],
    [
      'two thirds, not ascending (gathered)',
      Int32Array.from({ length: 70000 }, (_, i) => 69999 - i).filter((i) => i % 3 !== 0),
    ],
  ];
  for (const [name, rows] of cases) {
    const sub = zeros(rows.length, 8);
    rows.forEach((r, k) => sub.data.set(f.data.subarray(r * 8, (r + 1) * 8), k * 8));
    const got = await coresetProjection(f, createRng(5), { ratio: 0.01, projDim: 4 }, { engine: 'js' }, rows);
    const ref = await coresetProjection(sub, createRng(5), { ratio: 0.01, projDim: 4 }, { engine: 'js' });
    assert.equal(got.start, ref.start, name);
    assert.ok(Buffer.from(got.projected.data.buffer).equals(Buffer.from(ref.projected.data.buffer)), name);
  }
});

test('bad arguments are InputErrors / OptionErrors', async () => {
  const p = fromRows([[0], [1]]);
  await assert.rejects(kCenterParallel(p, 3, 0), /cannot pick 3 of 2/);
  await assert.rejects(kCenterParallel(p, 1, 2), /start row 2/);
  await assert.rejects(greedyCoresetParallel(p, createRng(1), { ratio: 0.5, projDim: 1, parts: 0 }), /parts/);
});

/** i.i.d. Gaussian rows: triangle-inequality pruning skips little, so most picks take the SIMD kernel. */
function gaussian(rng: Rng, rows: number, cols: number, scale = 1): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = scale * rng.normal();
  return m;
}

/** Rows of wildly different scales, constant rows and exact duplicates mixed in. */
function adversarial(rng: Rng, rows: number, cols: number): Matrix {
  const m = gaussian(rng, rows, cols);
  for (let i = 0; i < rows; i++) {
    const kind = i % 7;
    for (let j = 0; j < cols; j++) {
      const o = i * cols + j;
      if (kind === 1) m.data[o] *= 1e12;
      else if (kind === 2) m.data[o] *= 1e-18;
      else if (kind === 3)
        m.data[o] = 5; // constant rows, all equal
      else if (kind === 4 && i >= 7) m.data[o] = m.data[o - 7 * cols]; // duplicate of a previous row
    }
  }
  return m;
}

const simdCases: [string, (rng: Rng) => Matrix, number][] = [
  ['gaussian 3000x16, m 400', (r) => gaussian(r, 3000, 16), 400],
  ['gaussian 1200x24 (not a multiple of 16), m 300', (r) => gaussian(r, 1200, 24), 300],
  ['adversarial scales, constant rows, duplicates 1400x8, m 500', (r) => adversarial(r, 1400, 8), 500],
  ['ties and duplicates 1600x8, m 700', (r) => ties(r, 1600, 8), 700],
];

for (const [name, make, m] of simdCases) {
  test(`the SIMD path (float32 filter + exact float64 kernel) gives exactly the brute-force picks: ${name}`, async () => {
    const p = make(createRng(`simd-${name}`));
    for (const start of [0, p.rows - 1]) {
      const ref = Array.from(kCenterBruteForce(p, m, start));
      for (const parts of [1, 2]) {
        const stats = { picks: 0, densePicks: 0, fullPicks: 0, candidates: 0, exact: 0, lowSurvivors: 0 };
        const got = await kCenterParallel(p, m, start, { parts, stats, native: false });
        assert.deepEqual(Array.from(got), ref, `start ${start}, parts ${parts}`);
        assert.ok(stats.densePicks > 0, `the SIMD path ran (${JSON.stringify(stats)})`);
        if (name.startsWith('adversarial') || name.startsWith('ties'))
          assert.ok(
            stats.fullPicks > 0 && stats.fullPicks < stats.densePicks && stats.densePicks < stats.picks,
            `all three paths ran: in-order pass, gathered pass, plain JavaScript (${JSON.stringify(stats)})`,
          );
        const plain = await kCenterParallel(p, m, start, { parts, simd: false });
        assert.deepEqual(Array.from(plain), ref, `plain JavaScript, start ${start}, parts ${parts}`);
      }
    }
  });
}

// 16 directions: h() and f() read them all; 32 (128-d): h() the first 16, f() all 32 on h()'s survivors.
const lowCases: [string, (rng: Rng) => Matrix, number, number][] = [
  ['gaussian 2000x64, m 300', (r) => gaussian(r, 2000, 64), 300, 16],
  ['adversarial scales, constant rows, duplicates 1400x64, m 400', (r) => adversarial(r, 1400, 64), 400, 16],
  ['ties and duplicates 1600x64, m 500', (r) => ties(r, 1600, 64), 500, 16],
  ['clustered 2400x64, m 300', (r) => clustered(r, 2400, 64), 300, 16],
  ['adversarial scales, constant rows, duplicates 1200x128, m 300', (r) => adversarial(r, 1200, 128), 300, 32],
  ['ties and duplicates 1400x128, m 400', (r) => ties(r, 1400, 128), 400, 32],
  ['clustered 2000x128, m 300', (r) => clustered(r, 2000, 128), 300, 32],
];

for (const [name, make, m, lowDims] of lowCases) {
  test(`the low-dimensional filter (${lowDims} principal directions) keeps the brute-force picks: ${name}`, async () => {
    const p = make(createRng(`low-${name}`));
    // In shared memory, as greedyCoresetParallel hands it over (onnxruntime refuses such tensors: the basis copies).
    const shared: Matrix = { data: toShared(p.data), rows: p.rows, cols: p.cols };
    for (const start of [0, p.rows - 1]) {
      const ref = Array.from(kCenterBruteForce(p, m, start));
      for (const parts of [1, 2]) {
        const stats = { picks: 0, densePicks: 0, fullPicks: 0, candidates: 0, exact: 0, lowSurvivors: 0 };
        const got = await kCenterParallel(shared, m, start, { parts, stats, lowDims });
        assert.deepEqual(Array.from(got), ref, `start ${start}, parts ${parts}`);
        assert.ok(
          stats.lowSurvivors > 0 && stats.lowSurvivors < stats.candidates,
          `the filter ran and ruled rows out (${JSON.stringify(stats)})`,
        );
      }
    }
  });
}

test('the low-dimensional filter on a bank of rank 2 in 64-d (directions past the rank are rounding noise, still a valid bound); a bad lowDims is refused', async () => {
  const rng = createRng('low-rank');
  const p = zeros(900, 64);
  for (let i = 0; i < p.rows; i++) {
    const a = rng.normal(),
      b = rng.normal();
    for (let j = 0; j < 64; j++) p.data[i * 64 + j] = a * Math.sin(j) + b * Math.cos(3 * j);
  }
  const ref = Array.from(kCenterBruteForce(p, 200, 3));
  for (const parts of [1, 2])
    assert.deepEqual(Array.from(await kCenterParallel(p, 200, 3, { parts, lowDims: 16 })), ref, `parts ${parts}`);
  await assert.rejects(kCenterParallel(p, 10, 0, { lowDims: 12 }), /lowDims must be 0 or a positive multiple of 8/);
});

test('detached (one part on a worker thread) gives the brute-force picks with the kernel, the low-dimensional filter and plain JavaScript; progress in order', async () => {
  const cases: [Matrix, number, number | undefined, boolean][] = [
    [gaussian(createRng('solo-g'), 2000, 16), 300, undefined, true],
    [clustered(createRng('solo-c'), 2400, 64), 300, 16, true],
    [ties(createRng('solo-t'), 1600, 8), 500, undefined, false],
  ];
  for (const [p, m, lowDims, simd] of cases) {
    const ref = Array.from(kCenterBruteForce(p, m, 7));
    const seen: number[] = [];
    const stats = { picks: 0, densePicks: 0, fullPicks: 0, candidates: 0, exact: 0, lowSurvivors: 0 };
    const got = await kCenterParallel(p, m, 7, {
      parts: 1,
      detached: true,
      native: false,
      lowDims,
      simd,
      stats,
      onPick: (k) => seen.push(k),
    });
    assert.deepEqual(Array.from(got), ref, `${p.rows}x${p.cols}`);
    assert.deepEqual(
      seen,
      Array.from({ length: m }, (_, i) => i + 1),
      'every pick reported once, in order',
    );
    assert.equal(stats.picks, m - 2, 'the worker part reports its statistics (a step per pick after the first two)');
    if (lowDims) assert.ok(stats.lowSurvivors > 0, 'the filter ran on the worker');
  }
  // without a progress callback (the replay loop once never advanced then, and spun for ever)
  const [p0, m0] = cases[0];
  assert.deepEqual(
    Array.from(await kCenterParallel(p0, m0, 7, { parts: 1, detached: true, native: false })),
    Array.from(kCenterBruteForce(p0, m0, 7)),
  );
  await assert.rejects(kCenterParallel(cases[0][0], 10, 0, { parts: 2, detached: true }), /detached runs one part/);
});

test('detached workers are kept for the next run (a second worker when runs overlap), and each run is exact', async () => {
  const banks = [
    gaussian(createRng('keep-a'), 1500, 16),
    clustered(createRng('keep-b'), 1800, 32),
    ties(createRng('keep-c'), 1200, 8),
  ];
  const refs = banks.map((p) => Array.from(kCenterBruteForce(p, 200, 3)));
  for (let round = 0; round < 2; round++)
    for (const [i, p] of banks.entries()) {
      assert.deepEqual(
        Array.from(await kCenterParallel(p, 200, 3, { parts: 1, detached: true, native: false })),
        refs[i],
      );
      assert.equal(idleCoresetWorkers(), 1, 'one worker, back in the pool after each run');
    }
  const all = await Promise.all(
    banks.map((p) => kCenterParallel(p, 200, 3, { parts: 1, detached: true, native: false })),
  );
  all.forEach((got, i) => assert.deepEqual(Array.from(got), refs[i], `overlapping run ${i}`));
  assert.equal(idleCoresetWorkers(), 2, 'three overlapping runs used three workers; two are kept');
});

test('an idle detached worker that exits leaves the pool, and the next run starts a new one', async () => {
  const p = gaussian(createRng('keep-exit'), 900, 8);
  const ref = Array.from(kCenterBruteForce(p, 100, 1));
  assert.deepEqual(Array.from(await kCenterParallel(p, 100, 1, { parts: 1, detached: true, native: false })), ref);
  const before = idleCoresetWorkers();
  assert.ok(before >= 1);
  await peekIdleCoresetWorker()!.terminate(); // resolves once the worker has exited
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(idleCoresetWorkers(), before - 1, 'the dead worker left the pool');
  assert.deepEqual(Array.from(await kCenterParallel(p, 100, 1, { parts: 1, detached: true, native: false })), ref);
});
