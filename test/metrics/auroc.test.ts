import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import { auroc, pixelAuroc } from '../../src/metrics/auroc';

/** Brute-force pair count: P(pos > neg) + 0.5 P(pos == neg). */
function pairAuroc(s: ArrayLike<number>, y: ArrayLike<number>): number {
  let u = 0,
    n = 0;
  for (let i = 0; i < s.length; i++)
    if (y[i] === 1)
      for (let j = 0; j < s.length; j++)
        if (y[j] === 0) {
          n++;
          u += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
  return u / n;
}

test('AUROC with ties, counted by hand', () => {
  // positives 0.35, 0.8, 0.4; negatives 0.1, 0.4, 0.4.
  // 0.35 beats 1; 0.8 beats 3; 0.4 beats 1 and ties 2 (counts 1) -> U = 6 of 9 pairs.
  assert.equal(auroc([0.1, 0.4, 0.35, 0.8, 0.4, 0.4], [0, 0, 1, 1, 1, 0]), 6 / 9);
  assert.equal(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75); // sklearn's docstring example
  assert.equal(auroc([5, 5, 5], [1, 0, 1]), 0.5); // all tied
  assert.equal(auroc(new Float32Array([1, 2]), new Uint8Array([0, 1])), 1);
});

test('AUROC is rank-based on raw scores: huge and negative scores are never squashed into ties', () => {
  // A sigmoid would map 1e6 and 2e6 to the same 1.0; ranks keep them apart.
  assert.equal(auroc([1e6, 2e6, -1e9, 3e6], [0, 1, 0, 1]), 1);
  // Infinities are refused like NaN (sklearn: "Input contains infinity"): they mean an overflow upstream.
  assert.throws(() => auroc([-Infinity, Infinity], [0, 1]), /scores: -Infinity at index 0; scores must be finite/);
});

test('AUROC agrees with a brute-force pair count on seeded data with many ties', () => {
  const rng = createRng(11);
  const n = 400;
  const s = Array.from({ length: n }, () => Math.round(rng.normal() * 4) / 4);
  const y = Array.from({ length: n }, (_, i) => (rng.next() < 0.3 + 0.1 * s[i] ? 1 : 0));
  assert.ok(Math.abs(auroc(s, y) - pairAuroc(s, y)) < 1e-12);
  const f = new Float32Array(s.map((v) => v + 0.1));
  const m = new Uint8Array(y);
  assert.ok(Math.abs(pixelAuroc(f, m) - pairAuroc(f, m)) < 1e-12);
});

test('AUROC bad input: length mismatch, non-binary labels, one class only, NaN', () => {
  assert.throws(() => auroc([1, 2, 3], [0, 1]), /scores has 3 values but labels has 2/);
  assert.throws(() => auroc([1, 2], [0, 2]), /labels: value 2 at index 1; labels must be binary/);
  assert.throws(() => auroc([1, 2], [1, 1]), /only positives/);
  assert.throws(() => auroc([1, 2], [0, 0]), /only negatives/);
  assert.throws(() => auroc([], []), /no values/);
  assert.throws(() => auroc([1, NaN], [0, 1]), /scores: NaN at index 1/);
  assert.throws(
    () => pixelAuroc(new Float32Array([0.1, 0.2]), new Uint8Array([0, 255])),
    /masks: value 255 at index 1/,
  );
});
