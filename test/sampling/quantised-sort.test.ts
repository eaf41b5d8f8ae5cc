import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantisedSort, rowThresholds } from '../../src/sampling/class-size';
import { createRng } from '../../src/util/rng';

/** The reference's rule spelled out: trunc(n * s) in float32, a comparison sort, then / n in float32. */
function bySort(row: Float32Array, n: number): { codes: number[]; q: number[] } {
  const codes = Array.from(row.subarray(0, n), (s) => Math.trunc(Math.fround(n * s)) | 0).sort((a, b) => a - b);
  return { codes, q: codes.map((c) => Math.fround(c / n)) };
}

test('quantisedSort (counting sort) equals the comparison sort: cosines, ties, values past 1, a wide row', () => {
  const rng = createRng('qsort');
  const rows: Float32Array[] = [];
  for (const n of [1, 2, 7, 100, 1000]) {
    rows.push(Float32Array.from({ length: n }, () => Math.max(-1, Math.min(1, rng.normal() * 0.4))));
    rows.push(Float32Array.from({ length: n }, (_, j) => (j % 3 === 0 ? 1.0000001 : j % 3 === 1 ? -1 : 0.5)));
  }
  rows.push(Float32Array.from([0.3, -40, 25, 0.3, 1e6, -0.2])); // codes far outside [-n, n]: the fallback
  for (const row of rows) {
    const n = row.length;
    const codes = new Int32Array(n),
      q = new Float32Array(n);
    quantisedSort(row, n, codes, q);
    const want = bySort(row, n);
    assert.deepEqual(Array.from(codes), want.codes);
    assert.deepEqual(Array.from(q), want.q);
  }
});

/** trim_min spelled out on the sorted quantised row (reference class_size: half-angle cut, then trim). */
function trimBySort(row: Float32Array, n: number, p: number): number {
  const { q } = bySort(row, n);
  const c = Math.max(-1, Math.min(1, q[0]));
  const h = Math.fround(Math.cos(Math.fround(Math.fround(Math.acos(c)) / 2)));
  let i0 = 0;
  while (i0 < n && !(q[i0] > h)) i0++;
  const L = n - i0;
  if (L === 0) return q[n - 1];
  const t = Math.trunc(L * p);
  return t === 0 ? q[i0] : q[n - t];
}

test('trim_min / truncate_min thresholds read off the code histogram equal the sorted-row rule', () => {
  const rng = createRng('trim');
  for (const n of [2, 5, 40, 300]) {
    const x = Float32Array.from({ length: n * n }, () => Math.max(-1, Math.min(1, rng.normal() * 0.5)));
    // a row of identical values (no value above the half angle) and a row with values past 1
    x.fill(0.25, 0, n);
    if (n > 2) x.fill(1.0000001, n, n + 2);
    const S = { data: x, n };
    for (const [type, p] of [
      ['trim_min', 0.85],
      ['trim_min', 0.3],
      ['truncate_min', 0.5],
    ] as const) {
      const got = rowThresholds(S, type, p);
      for (let i = 0; i < n; i++)
        assert.equal(got[i], trimBySort(x.subarray(i * n, (i + 1) * n), n, p), `${type} row ${i}`);
    }
  }
});
