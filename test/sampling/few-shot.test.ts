import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  predictFewShot,
  estimateClassHistogram,
  elbowK,
  percentileK,
  roundHalfEven,
} from '../../src/sampling/few-shot';

/** Ideal per-sample class sizes: every sample carries its class's true size. */
function expand(counts: number[]): number[] {
  const out: number[] = [];
  for (const c of counts) for (let i = 0; i < c; i++) out.push(c);
  return out;
}

test('roundHalfEven rounds ties to the even neighbour, like torch.round', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001, 7].map(roundHalfEven), [0, 2, 2, 4, 2, 3, 7]);
});

test('docs/method.md §2.4 step K=1: maxK 1 and exactly the 9 singletons', () => {
  const sizes = expand([430, 352, 308, 269, 264, 253, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  const r = predictFewShot(sizes);
  assert.deepEqual(r.classHistogram, [430, 352, 308, 269, 264, 253, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(r.maxK, 1);
  assert.equal(r.tailIndices.length, 9);
  assert.deepEqual(
    Array.from(r.tailIndices),
    Array.from({ length: 9 }, (_, i) => sizes.length - 9 + i),
  );
});

test('docs/method.md §2.4 step K=4: maxK 4 and 36 samples', () => {
  const sizes = expand([391, 320, 230, 224, 219, 60, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
  const r = predictFewShot(sizes);
  assert.equal(r.maxK, 4);
  assert.equal(r.tailIndices.length, 36);
  assert.ok(Array.from(r.tailIndices).every((i) => sizes[i] === 4));
});

test('docs/method.md §2.4 Pareto seed-101 counts: the 15% cap binds, maxK 29 and 105 samples', () => {
  const counts = [264, 160, 100, 65, 43, 29, 20, 14, 10, 7, 5, 5, 5, 5, 5];
  const sizes = expand(counts);
  const r = predictFewShot(sizes);
  // floor(0.15 * 737) = 110; the ten smallest classes sum to 105 <= 110, adding 43 would exceed it.
  assert.equal(percentileK(counts, 0.15), 29);
  assert.equal(r.kPct, 29);
  assert.ok(r.kElbow >= 29, `elbow ${r.kElbow}`);
  assert.equal(r.maxK, 29);
  assert.equal(r.tailIndices.length, 105);
});

test('histogram: rounding, clamping to 1 and leftovers joining the last class', () => {
  // sorted [1,1,2,2,2.5->2, 3,3,3]: 1 | 1 | mean(2,2)=2 | mean(2,3)=2.5->2 | leftovers 2 (< 3) join the last class.
  assert.deepEqual(estimateClassHistogram([3, 1, 2, 2.5, 2, 3, 0.2, 3]), [4, 2, 1, 1]);
  assert.deepEqual(estimateClassHistogram([0, 0, 0]), [1, 1, 1]);
  assert.throws(() => estimateClassHistogram([5, 5]), /exceeds the 2 samples/);
  assert.throws(() => estimateClassHistogram([1, NaN]), /class size 1 is NaN/);
});

test('elbow: farthest point from the end-to-end line in raw units; one class or all equal -> that size', () => {
  // Line from (0,10) to (3,1): distances of (1,2) and (2,1.5)-like points; (1,2) is farthest.
  assert.equal(elbowK([10, 2, 1.5, 1]), 2);
  assert.equal(elbowK([7]), 7);
  assert.equal(elbowK([5, 5, 5]), 5);
  // Two classes: both points lie on the line, and rounding noise decides. Through the foot of the perpendicular
  // (the reference's arithmetic, checked against it in float64) the second point lands 9e-16 off the line, so it wins.
  assert.equal(elbowK([9, 3]), 3);
});

test('degenerate one-class input: everything is tail', () => {
  const r = predictFewShot(new Float32Array(12).fill(12));
  assert.deepEqual(r.classHistogram, [12]);
  assert.equal(r.maxK, 12);
  assert.equal(r.tailIndices.length, 12);
});

test('percentile option: range checked; 1 switches the cap off', () => {
  assert.throws(() => predictFewShot([1, 1], { percentile: 0 }), /percentile/);
  assert.throws(() => predictFewShot([1, 1], { percentile: 1.5 }), /percentile/);
  assert.throws(() => predictFewShot([1, 1], { pct: 0.1 } as never), /unknown option "pct"/);
  const sizes = expand([430, 352, 308, 269, 264, 253, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(predictFewShot(sizes, { percentile: 1 }).kPct, null);
});
