import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  halfAngleErrors,
  histogramShares,
  normalisedAngles,
  symmetryDistance,
  wasserstein1,
} from '../../src/report/class-similarity';
import { fromRows } from '../../src/linalg/matrix';

test('wasserstein1: shifts, equal samples and unequal sizes (hand-computed)', () => {
  assert.equal(wasserstein1([0, 1], [0, 1]), 0);
  assert.ok(Math.abs(wasserstein1([0, 1, 2], [0.5, 1.5, 2.5]) - 0.5) < 1e-12);
  // F_a jumps at 0 (to 1); F_b at 0 (1/2) and 1 (1): ∫|F_a - F_b| = 1/2 over [0, 1].
  assert.ok(Math.abs(wasserstein1([0], [0, 1]) - 0.5) < 1e-12);
  assert.throws(() => wasserstein1([], [1]), /non-empty/);
});

test('normalised angles: two orthogonal classes mirror exactly (W = 0); same-class pairs at 0, different at 1', async () => {
  const X = fromRows([
    [1, 0],
    [1, 0],
    [0, 1],
    [0, 1],
  ]);
  const a = await normalisedAngles(X, ['a', 'a', 'b', 'b']);
  assert.equal(a.same.length, 4);
  assert.equal(a.diff.length, 8);
  assert.ok([...a.same].every((v) => Math.abs(v) < 1e-6));
  assert.ok([...a.diff].every((v) => Math.abs(v - 1) < 1e-9));
  assert.ok(symmetryDistance(a) < 1e-6);
  assert.deepEqual(halfAngleErrors(a), { sameBeyond: 0, diffWithin: 0 });
  // A class spread to half the largest angle breaks the mirror: same at 0.5, diff at 1 -> W = 0.5.
  const c = Math.SQRT1_2;
  const Y = fromRows([
    [1, 0],
    [c, c],
    [0, 1],
  ]);
  const b = await normalisedAngles(Y, ['a', 'a', 'b']);
  assert.ok(symmetryDistance(b) > 0.2);
  // from image 1 (at 45°) both others are at the largest angle 45°: its classmate is beyond the half angle
  assert.ok(halfAngleErrors(b).sameBeyond > 0);
  assert.deepEqual(histogramShares([0, 0.5, 0.99, 1], 2), [0.25, 0.75]);
});
