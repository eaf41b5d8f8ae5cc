import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantisedSort } from '../../src/sampling/class-size';
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
