import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import { zeros, fromRows } from '../../src/linalg/matrix';
import { randomProjection, drawProjectionWeights, randomProjectionAsync } from '../../src/linalg';

/** The plain one-row-at-a-time float64 loop the 4-row kernel must reproduce bit for bit. */
function oneRow(x: Float32Array, n: number, D: number, w: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(n * dim);
  const acc = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    acc.fill(0);
    for (let c = 0; c < D; c++) for (let j = 0; j < dim; j++) acc[j] += x[r * D + c] * w[c * dim + j];
    for (let j = 0; j < dim; j++) out[r * dim + j] = acc[j];
  }
  return out;
}

test('randomProjection equals the one-row float64 loop bit for bit (zeros, rows not a multiple of 4)', () => {
  const rng = createRng(1);
  const f = zeros(11, 9);
  for (let i = 0; i < f.data.length; i++) f.data[i] = i % 5 === 0 ? 0 : rng.normal();
  const p = randomProjection(f, 6, createRng(2));
  const w = drawProjectionWeights(9, 6, createRng(2));
  assert.deepEqual(Array.from(p.data), Array.from(oneRow(f.data, 11, 9, w, 6)));
  assert.equal(p.rows, 11);
  assert.equal(p.cols, 6);
});

test('projection weights follow torch Linear init bounds, and D === dim returns the input untouched', () => {
  const w = drawProjectionWeights(16, 8, createRng(3));
  assert.ok(w.every((v) => Math.abs(v) <= 0.25) && w.some((v) => Math.abs(v) > 0.2)); // U(-1/4, 1/4)
  const f = fromRows([
    [1, 2],
    [3, 4],
  ]);
  assert.equal(randomProjection(f, 2, createRng(1)), f);
});

test('randomProjectionAsync (GEMM engine) draws the same W and agrees to float32 rounding', async () => {
  const rng = createRng(4);
  const f = zeros(37, 40);
  for (let i = 0; i < f.data.length; i++) f.data[i] = rng.normal();
  const a = createRng(5),
    b = createRng(5);
  const js = randomProjection(f, 8, a);
  const fast = await randomProjectionAsync(f, 8, b, { engine: 'ort', threads: 1 });
  for (let i = 0; i < js.data.length; i++)
    assert.ok(Math.abs(js.data[i] - fast.data[i]) <= 1e-5 * (1 + Math.abs(js.data[i])), `entry ${i}`);
  assert.equal(a.next(), b.next());
});
