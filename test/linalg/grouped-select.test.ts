import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import { gatherCentred, selectSmallest } from '../../src/linalg/grouped-select';

/** selectSmallest on w groups of n rows, against a full sort of each row (score, then index). */
function checkSelect(dots: Float32Array, hn: Float64Array, w: number, n: number, kk: number, what: string): void {
  const values = new Float32Array(w * n * kk).fill(NaN);
  const indices = new Int32Array(w * n * kk).fill(-1);
  const scratch = [new Float64Array(kk), new Int32Array(kk), new Float64Array(n), new Int32Array(n)] as const;
  selectSmallest(dots, hn, w, n, kk, values, indices, ...scratch);
  for (let g = 0; g < w; g++)
    for (let i = 0; i < n; i++) {
      const row = (g * n + i) * n;
      const want = Array.from({ length: n }, (_, j) => ({ s: Math.fround(-2 * (dots[row + j] - hn[g * n + j])), j }));
      want.sort((a, b) => a.s - b.s || a.j - b.j);
      const o = (g * n + i) * kk;
      assert.deepEqual(
        Array.from(indices.subarray(o, o + kk)),
        want.slice(0, kk).map((e) => e.j),
        `${what}: row ${i} of group ${g}`,
      );
      assert.deepEqual(
        Array.from(values.subarray(o, o + kk)),
        want.slice(0, kk).map((e) => e.s),
        `${what}: scores`,
      );
    }
}

test('selectSmallest keeps the kk smallest scores of every row, ascending, equal scores by lower index', () => {
  const rng = createRng('select');
  for (const [n, kk] of [
    [240, 11], // the threshold pass (n >= 4 kk)
    [60, 15], // the threshold pass at its smallest row
    [59, 15], // the whole-row scan
    [7, 7], // every row kept
    [1, 1],
  ]) {
    const w = 3;
    const hn = new Float64Array(w * n).map(() => rng.normal() * 3);
    const smooth = new Float32Array(w * n * n).map(() => rng.normal() * 10);
    checkSelect(smooth, hn, w, n, kk, `normal n=${n} kk=${kk}`);
    // Few distinct values: ties everywhere, and often fewer than kk above the threshold (the whole-row fallback).
    const ties = new Float32Array(w * n * n).map(() => rng.int(3));
    checkSelect(ties, new Float64Array(w * n), w, n, kk, `ties n=${n} kk=${kk}`);
    // Increasing rows: the first quarter holds the worst values, so nearly every value passes the threshold.
    const rising = new Float32Array(w * n * n).map((_, t) => t % n);
    checkSelect(rising, new Float64Array(w * n), w, n, kk, `rising n=${n} kk=${kk}`);
    // Decreasing rows: the best values are all in the first quarter.
    const falling = new Float32Array(w * n * n).map((_, t) => n - (t % n));
    checkSelect(falling, new Float64Array(w * n), w, n, kk, `falling n=${n} kk=${kk}`);
  }
});

test('gatherCentred shifts each group to its member 0 and gives the float64 norms of the float32 rows', () => {
  const rng = createRng('gather');
  const groups = 5,
    n = 6,
    d = 7,
    g0 = 1,
    g1 = 4;
  // Member m of group g at x[m * groups * d + g * d] (the patch layout).
  const x = new Float32Array(n * groups * d).map(() => rng.normal() * 100 + 1e4);
  const w = g1 - g0;
  const y = new Float32Array(w * n * d),
    hn = new Float64Array(w * n),
    norm = new Float64Array(w * n),
    maxNorm = new Float64Array(w).fill(-1);
  gatherCentred(x, groups * d, d, n, d, g0, g1, y, hn, norm, maxNorm);
  for (let g = g0; g < g1; g++) {
    let mx = 0;
    for (let m = 0; m < n; m++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const v = Math.fround(x[m * groups * d + g * d + c] - x[g * d + c]);
        assert.equal(y[((g - g0) * n + m) * d + c], v);
        s += v * v;
      }
      const r = (g - g0) * n + m;
      assert.ok(Math.abs(norm[r] - s) <= 1e-12 * s, `norm of member ${m} of group ${g}`);
      assert.equal(hn[r], norm[r] / 2);
      mx = Math.max(mx, norm[r]);
    }
    assert.equal(maxNorm[g - g0], mx);
    assert.equal(norm[(g - g0) * n], 0, 'member 0 sits at the origin');
  }
});
