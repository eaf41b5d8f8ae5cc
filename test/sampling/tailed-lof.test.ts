import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patchClassSizes, quarterAngleThreshold, tailedLofScores } from '../../src/sampling/tailed-lof';
import { zeros } from '../../src/linalg/matrix';
import { createRng } from '../../src/util/rng';
import { TailedCore } from '../../src/models';
import { synthFeatures, DILEMMA } from '../models/synthetic';

test('TailedLOF: patch-wise class sizes count each position’s class (symmin at a quarter angle, mean vote)', async () => {
  // 2 positions; at position 0 images 0-5 share one direction, images 6-7 another (orthogonal);
  // at position 1 images 0-1 against 2-7 (so the sizes are per position, not per image).
  const rng = createRng('tlof');
  const n = 8;
  const patches = zeros(n * 2, 3);
  for (let i = 0; i < n; i++) {
    const a = i < 6 ? [1, 0, 0] : [0, 1, 0];
    for (let c = 0; c < 3; c++) {
      patches.data[i * 2 * 3 + c] = a[c] + 0.01 * rng.normal();
      patches.data[(i * 2 + 1) * 3 + c] = (i < 2 ? [0, 0, 1] : [0, 1, 0])[c] + 0.01 * rng.normal();
    }
  }
  const sizes = await patchClassSizes(patches, n, 2);
  for (let i = 0; i < n; i++) {
    assert.equal(Math.round(sizes[i * 2]), i < 6 ? 6 : 2, `image ${i}, position 0`);
    assert.equal(Math.round(sizes[i * 2 + 1]), i < 2 ? 2 : 6, `image ${i}, position 1`);
  }
  // The quarter angle: min similarity 0 (90°) -> cos(22.5°).
  assert.ok(Math.abs(quarterAngleThreshold(0) - Math.cos(Math.PI / 8)) < 1e-6);
  // Weighted LOF: the largest class gets weight 0, a class of 2 out of a max of 8 keeps 3/4 of its LOF.
  const w = tailedLofScores(Float32Array.from([2, 2]), Float32Array.from([8, 2]));
  assert.deepEqual([...w], [0, 1.5]);
  assert.throws(() => tailedLofScores(new Float32Array(2), new Float32Array(3)), /2 LOF scores but 3/);
});

test("TailedCore with denoise: 'tailed-lof' filters a different patch set than plain LOF, and keeps the same share", async () => {
  const train = synthFeatures(DILEMMA, 'train');
  const plain = new TailedCore({ augmentation: null, seed: 1 });
  const tl = new TailedCore({ augmentation: null, seed: 1, denoise: 'tailed-lof' });
  await plain.fit(train);
  await tl.fit(train);
  const total = train.patches.rows;
  // Both keep about 85 % of the patches (strictly below the 0.85 quantile).
  for (const m of [plain, tl]) assert.ok(Math.abs(m.info.keptAfterLof - 0.85 * total) <= 0.02 * total + 1);
  assert.notEqual(plain.info.lofThreshold, tl.info.lofThreshold);
});
