import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  poolMean,
  poolMax,
  poolGeM,
  poolMeanMax,
  poolSecondOrder,
  poolMap,
  projectChannels,
  seededProjection,
  l2Normalize,
  signedSqrt,
  concatNormalized,
  flipAverage,
  hflipHwc,
  pooledLength,
} from '../../src/features/embedding';
import { createRng } from '../../src/util/rng';
import { OptionError, InputError } from '../../src/util/errors';

// 2x2 map, 2 channels, HWC: positions (0,0) (0,1) (1,0) (1,1); channel 0 = 1, 2, 3, 6; channel 1 = 0, 4, 0, 0
const M = { data: Float32Array.from([1, 0, 2, 4, 3, 0, 6, 0]), height: 2, width: 2, channels: 2 };
const close = (a: ArrayLike<number>, b: number[], tol = 1e-5) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

test('first-order poolings on a hand-checkable map', () => {
  close(poolMean(M), [3, 1]);
  close(poolMax(M), [6, 4]);
  // GeM p=3: channel 0 = ((1 + 8 + 27 + 216) / 4)^(1/3) = 63^(1/3); channel 1 = (64/4)^(1/3) = 16^(1/3)
  close(poolGeM(M, 3), [Math.cbrt(63), Math.cbrt(16)], 1e-4);
  // p = 1 is the mean of the clamped map; a large p tends to the max
  close(poolGeM(M, 1), [3, 1], 1e-4);
  assert.ok(Math.abs(poolGeM(M, 200)[0] - 6) < 0.05);
  // mean+max: each part L2-normalised: [3,1]/√10 and [6,4]/√52
  close(poolMeanMax(M), [3 / Math.sqrt(10), 1 / Math.sqrt(10), 6 / Math.sqrt(52), 4 / Math.sqrt(52)]);
  assert.throws(() => poolGeM(M, 0), OptionError);
  assert.throws(() => poolMean({ data: new Float32Array(3), height: 2, width: 2, channels: 2 }), InputError);
});

test('second-order pooling: covariance and Gram with √2 off-diagonals, signed square root, L2', () => {
  // covariance of channel pairs over 4 positions: c0 = 1,2,3,6 (mean 3), c1 = 0,4,0,0 (mean 1)
  // var0 = (4+1+0+9)/4 = 3.5; var1 = (1+9+1+1)/4 = 3; cov01 = ((-2)(-1) + (-1)(3) + 0 + 3(-1))/4 = -1
  const v = [3.5, -Math.SQRT2, 3];
  const s = v.map((x) => Math.sign(x) * Math.sqrt(Math.abs(x)));
  const n = Math.hypot(...s);
  close(
    poolSecondOrder(M, { centre: true }),
    s.map((x) => x / n),
  );
  // Gram (uncentred): g00 = (1+4+9+36)/4 = 12.5, g11 = 16/4 = 4, g01 = 8/4 = 2
  const g = [12.5, 2 * Math.SQRT2, 4].map(Math.sqrt);
  const gn = Math.hypot(...g);
  close(
    poolMap(M, 'gram'),
    g.map((x) => x / gn),
  );
  assert.equal(pooledLength('cov', 2), 3);
  assert.equal(pooledLength('cov', 384, 64), 2080);
  assert.equal(pooledLength('meanmax', 5), 10);
});

test('a seeded channel projection is reproducible, and projecting first gives the same numbers', () => {
  const a = seededProjection(2, 3, createRng('p'));
  const b = seededProjection(2, 3, createRng('p'));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, seededProjection(2, 3, createRng('q')));
  const inside = poolSecondOrder(M, { projection: a, projectedDim: 3 });
  const outside = poolSecondOrder(projectChannels(M, a, 3), {});
  assert.deepEqual(inside, outside);
  assert.equal(inside.length, 6);
  // the projected map is x·W
  const pm = projectChannels(M, a, 3);
  close(pm.data.subarray(0, 3), [a[0] * 1 + a[3] * 0, a[1], a[2]]);
  assert.throws(() => poolSecondOrder(M, { projection: a, projectedDim: 2 }), OptionError);
});

test('normalisations, concatenation, flip averaging and the mirror of an HWC map', () => {
  close(l2Normalize([3, 4]), [0.6, 0.8]);
  close(l2Normalize([0, 0]), [0, 0]);
  close(signedSqrt([-4, 9, 0]), [-2, 3, 0]);
  close(
    concatNormalized([
      [3, 4],
      [0, 2],
    ]),
    [0.6, 0.8, 0, 1],
  );
  close(flipAverage([1, 2], [3, 6]), [2, 4]);
  assert.throws(() => flipAverage([1], [1, 2]), InputError);
  // 1x3 image, 2 channels: pixels (a0,a1) (b0,b1) (c0,c1) -> (c) (b) (a)
  assert.deepEqual([...hflipHwc(Float32Array.from([1, 2, 3, 4, 5, 6]), 1, 3, 2)], [5, 6, 3, 4, 1, 2]);
  // pooling is mirror-invariant for first and second order
  const f = { ...M, data: hflipHwc(M.data, 2, 2, 2) };
  close(poolMean(f), [...poolMean(M)]);
  close(poolSecondOrder(f), [...poolSecondOrder(M)]);
});
