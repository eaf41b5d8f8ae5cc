import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolMap, poolSecondOrder } from '../../src/features/embedding';
import type { LayerMap } from '../../src/features/types';
import { createRng } from '../../src/util/rng';

/** A 10 x 10 map of 4 channels drawn from one seeded stream. */
function map(seed: string): LayerMap {
  const rng = createRng(seed);
  const data = new Float32Array(100 * 4);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, height: 10, width: 10, channels: 4 };
}
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

test("'rcov' with trim 0 is 'cov' exactly; trim must be in [0, 1)", () => {
  const m = map('rcov/a');
  assert.deepEqual(poolSecondOrder(m, { trim: 0 }), poolMap(m, 'cov'));
  assert.throws(() => poolSecondOrder(m, { trim: 1 }), /trim/);
});

test("'rcov' ignores a few far patches (a defect) that move 'cov'", () => {
  const clean = map('rcov/b');
  const defect = { ...clean, data: clean.data.slice() };
  for (let p = 0; p < 5; p++) for (let c = 0; c < 4; c++) defect.data[p * 4 + c] = c === 0 ? 40 : -40;
  const covShift = cos(poolMap(clean, 'cov'), poolMap(defect, 'cov'));
  const rcovShift = cos(poolMap(clean, 'rcov'), poolMap(defect, 'rcov'));
  // Unit vectors: a cosine near 1 means the defect barely moved the embedding.
  assert.ok(covShift < 0.8, `cov moved: cosine ${covShift.toFixed(3)}`);
  assert.ok(rcovShift > 0.95, `rcov held: cosine ${rcovShift.toFixed(3)}`);
});
