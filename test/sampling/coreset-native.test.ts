import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRng, Rng } from '../../src/util/rng';
import { Matrix, zeros, fromRows } from '../../src/linalg/matrix';
import { clustered, ties } from './coreset-data';
import { kCenterBruteForce } from '../../src/sampling/coreset-kcenter';
import { kCenterParallel, KCenterStats } from '../../src/sampling/coreset-parallel';
import { nativeStatus } from '../../src/linalg/native';

// On a CI machine whose CPU has the instructions, the install script must have built the module: a silent fallback
// there would leave this file testing nothing.
const cpuHas = (() => {
  try {
    return / avx512_vnni\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
})();
const status = nativeStatus();
const skip = status.available ? false : `native k-center not available here: ${status.reason}`;

test('CI on an AVX-512 VNNI machine runs the native k-center', { skip: !(process.env.CI && cpuHas) }, () => {
  assert.ok(status.available, status.reason);
});

function gaussian(rng: Rng, rows: number, cols: number, scale = 1): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal() * scale;
  return m;
}

/** Rows at 1e12 and 1e-18 (one int8 scale cannot resolve both), constant rows, duplicates of earlier rows. */
function adversarial(rng: Rng, rows: number, cols: number): Matrix {
  const m = gaussian(rng, rows, cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const o = i * cols + j,
        kind = i % 7;
      if (kind === 1) m.data[o] *= 1e12;
      else if (kind === 2) m.data[o] *= 1e-18;
      else if (kind === 3) m.data[o] = 5;
      else if (kind === 4 && i >= 7) m.data[o] = m.data[o - 7 * cols];
    }
  return m;
}

const newStats = (): KCenterStats => ({
  picks: 0,
  densePicks: 0,
  fullPicks: 0,
  candidates: 0,
  exact: 0,
  lowSurvivors: 0,
});

const cases: [string, (rng: Rng) => Matrix, number][] = [
  ['gaussian 3000x16, m 400', (r) => gaussian(r, 3000, 16), 400],
  ['gaussian 1200x24 (not a multiple of 16), m 300', (r) => gaussian(r, 1200, 24), 300],
  ['gaussian 900x7 (not a multiple of 4), m 200', (r) => gaussian(r, 900, 7), 200],
  ['clustered 2000x128 (the projected banks width), m 300', (r) => clustered(r, 2000, 128), 300],
  ['gaussian 600x130 (past a 64-byte code line), m 120', (r) => gaussian(r, 600, 130), 120],
  ['adversarial scales, constant rows, duplicates 1400x8, m 500', (r) => adversarial(r, 1400, 8), 500],
  ['ties and duplicates 1600x8, m 700 (runs into distance 0)', (r) => ties(r, 1600, 8), 700],
  ['values near 1e20 (float32 squares overflow), 400x16, m 100', (r) => gaussian(r, 400, 16, 1e20), 100],
  ['all rows zero 50x4, m 50', () => zeros(50, 4), 50],
];

for (const [name, make, m] of cases) {
  test(`the native k-center gives exactly the brute-force picks: ${name}`, { skip }, async () => {
    const p = make(createRng(`native-${name}`));
    for (const start of [0, p.rows - 1]) {
      const ref = Array.from(kCenterBruteForce(p, m, start));
      const stats = newStats();
      const got = await kCenterParallel(p, m, start, { parts: 1, stats });
      assert.equal(stats.engine, 'native');
      assert.deepEqual(Array.from(got), ref, `start ${start}`);
      assert.equal(stats.picks, m - 1);
      assert.ok(stats.exact <= stats.candidates);
    }
  });
}

test('native: hand-checked line, m = 1 and m = n, a bank inside a larger buffer', { skip }, async () => {
  const line = fromRows([[0], [1], [2], [10]]);
  assert.deepEqual(Array.from(await kCenterParallel(line, 3, 0, { parts: 1 })), [0, 3, 2]);
  assert.deepEqual(Array.from(await kCenterParallel(line, 1, 2, { parts: 1 })), [2]);
  assert.deepEqual(Array.from(await kCenterParallel(line, 4, 0, { parts: 1 })), [0, 3, 2, 1]);
  const p = clustered(createRng('native-offset'), 700, 32);
  const big = new Float32Array(p.data.length + 96);
  big.set(p.data, 96);
  const view: Matrix = { data: big.subarray(96), rows: 700, cols: 32 };
  assert.deepEqual(
    Array.from(await kCenterParallel(view, 150, 5, { parts: 1 })),
    Array.from(kCenterBruteForce(p, 150, 5)),
  );
});

// Its one scale cannot resolve blobs far narrower than the bank's range (the clustered banks above): the exact distance
// decides there, as it does everywhere the bound is loose.
test(
  'native: the int8 filter rules out most candidates on spread-out rows (the reason the kernel exists)',
  { skip },
  async () => {
    const p = gaussian(createRng('native-filter'), 4000, 128);
    const stats = newStats();
    await kCenterParallel(p, 400, 0, { parts: 1, stats });
    assert.ok(stats.candidates > 0 && stats.exact < stats.candidates / 2, JSON.stringify(stats));
  },
);

test(
  'native: runs off the calling thread (two at once, as the head and tail coresets run), progress in order',
  { skip },
  async () => {
    const a = gaussian(createRng('native-a'), 8000, 32),
      b = ties(createRng('native-b'), 1800, 8);
    const seen: number[] = [];
    // The calls return at once and the work runs on libuv's pool: a blocking call would take as long as the run.
    const t0 = performance.now();
    const pa = kCenterParallel(a, 1000, 3, { parts: 1, onPick: (k) => seen.push(k) });
    const pb = kCenterParallel(b, 600, 1, { parts: 1, detached: true });
    const returned = performance.now() - t0;
    const [ga, gb] = await Promise.all([pa, pb]);
    const finished = performance.now() - t0;
    assert.ok(returned < finished / 2, `the calls returned after ${returned} ms, the runs ended at ${finished} ms`);
    assert.deepEqual(Array.from(ga), Array.from(kCenterBruteForce(a, 1000, 3)));
    assert.deepEqual(Array.from(gb), Array.from(kCenterBruteForce(b, 600, 1)));
    assert.deepEqual(
      seen,
      Array.from({ length: 1000 }, (_, i) => i + 1),
      'every pick reported once, in order',
    );
  },
);

test('native: off with native: false, with simd: false and with an explicit lowDims (the paths they name run)', async () => {
  const p = gaussian(createRng('native-off'), 800, 16);
  const ref = Array.from(kCenterBruteForce(p, 100, 0));
  for (const o of [{ native: false }, { simd: false }, { lowDims: 0 }]) {
    const stats = newStats();
    assert.deepEqual(Array.from(await kCenterParallel(p, 100, 0, { parts: 1, stats, ...o })), ref);
    assert.notEqual(stats.engine, 'native', JSON.stringify(o));
  }
});
