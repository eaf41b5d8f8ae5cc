import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bilinearResize } from '../../src/scoring/upsample';

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
}

test('2x2 -> 4x4 bilinear, align_corners=false (torch semantics)', () => {
  // Source coords for out x = 0..3: (x+0.5)/2-0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (upper tap clamped to 1).
  // So one axis maps [a, b] to [a, .75a+.25b, .25a+.75b, b].
  const out = bilinearResize([0, 4, 8, 12], 2, 2, 4, 4);
  const rowA = [0, 1, 3, 4]; // a=0, b=4
  const rowB = [8, 9, 11, 12];
  const mix = (w: number) => rowA.map((v, i) => v * (1 - w) + rowB[i] * w);
  close(out, [...rowA, ...mix(0.25), ...mix(0.75), ...rowB]);
});

test('1x3 -> 1x6 halves every interval and replicates the borders', () => {
  // src = (x+0.5)/2-0.5: -0.25(->0), 0.25, 0.75, 1.25, 1.75, 2.25 (-> tap 2 twice)
  close(bilinearResize([0, 10, 20], 1, 3, 1, 6), [0, 2.5, 7.5, 12.5, 17.5, 20]);
});

test('same size is the identity and a constant map stays constant', () => {
  close(bilinearResize([1, 2, 3, 4, 5, 6], 2, 3, 2, 3), [1, 2, 3, 4, 5, 6]);
  const c = bilinearResize(new Float32Array(9).fill(7), 3, 3, 10, 10);
  close(c, new Array(100).fill(7));
});

test('shape mismatches are errors', () => {
  assert.throws(() => bilinearResize([1, 2, 3], 2, 2, 4, 4), /expected 2x2/);
  assert.throws(() => bilinearResize([1], 1, 1, 0, 4), /positive integers/);
});
