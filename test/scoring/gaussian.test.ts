import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianBlur, gaussianKernel1d, reflectIndex } from '../../src/scoring/gaussian';

test('sigma 4 kernel: radius 16 (truncate 4), normalised, symmetric', () => {
  const k = gaussianKernel1d(4);
  assert.equal(k.length, 33);
  const sum = k.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-12);
  assert.ok(Math.abs(k[0] - k[32]) < 1e-18);
  // ratio centre/edge = exp(16²/(2·16)) = exp(8)
  assert.ok(Math.abs(k[16] / k[0] - Math.exp(8)) < 1e-6 * Math.exp(8));
});

test("reflect index is scipy's 'reflect' (d c b a | a b c d | d c b a)", () => {
  const n = 4;
  const got = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => reflectIndex(i, n));
  assert.deepEqual(got, [3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1]);
});

test('blur of a centred delta equals the outer product of the normalised kernel', () => {
  const n = 40;
  const img = new Float32Array(n * n);
  img[20 * n + 20] = 1;
  const out = gaussianBlur(img, n, n, 4);
  const k = gaussianKernel1d(4);
  for (const [y, x] of [
    [20, 20],
    [20, 4],
    [20, 36],
    [10, 25],
    [33, 7],
  ]) {
    const dy = y - 20 + 16;
    const dx = x - 20 + 16;
    assert.ok(Math.abs(out[y * n + x] - k[dy] * k[dx]) < 1e-9, `(${y},${x})`);
  }
  // scipy.ndimage.gaussian_filter(delta, 4) values (scipy 1.10): centre 0.009947887975251998, 16 px away 3.337144642257833e-06, 17 px away 0.
  assert.ok(Math.abs(out[20 * n + 20] - 0.009947887975251998) < 1e-9);
  assert.ok(Math.abs(out[20 * n + 4] - 3.337144642257833e-6) < 1e-11);
  assert.equal(out[20 * n + 3], 0);
});

test('reflect border on a 1-D line matches scipy (delta at the edge, sigma 1)', () => {
  const x = new Float32Array(6);
  x[0] = 1;
  const out = gaussianBlur(x, 1, 6, 1);
  // scipy.ndimage.gaussian_filter([1,0,0,0,0,0], 1.0)
  const want = [6.40914915e-1, 2.95962573e-1, 5.8422989e-2, 4.56569224e-3, 1.33830625e-4, 0];
  want.forEach((w, i) => assert.ok(Math.abs(out[i] - w) < 1e-8, `i=${i}: ${out[i]} vs ${w}`));
});

test('2-D blur with a kernel wider than the map matches scipy (repeated reflection)', () => {
  const a = Array.from({ length: 15 }, (_, i) => i * i);
  const out = gaussianBlur(a, 3, 5, 1);
  // scipy.ndimage.gaussian_filter(np.arange(15.).reshape(3,5)**2, 1.0)
  const want = [
    16.07659309, 20.13904256, 27.09434801, 35.46542357, 41.9383605, 44.64811674, 52.41380819, 64.75641465, 78.51479122,
    88.69097013, 78.80517983, 90.27411327, 108.00402073, 127.14969831, 141.0291192,
  ];
  want.forEach((w, i) => assert.ok(Math.abs(out[i] - w) < 2e-5, `i=${i}: ${out[i]} vs ${w}`));
});

test('bad sigma is an option error', () => {
  assert.throws(() => gaussianKernel1d(0), /sigma/);
  assert.throws(() => gaussianBlur([1, 2], 1, 3), /expected 1x3/);
});
