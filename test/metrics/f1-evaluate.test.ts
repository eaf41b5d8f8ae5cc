import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f1Max } from '../../src/metrics/f1-max';
import { evaluateClass } from '../../src/metrics/evaluate';
import { auroc, pixelAuroc } from '../../src/metrics/auroc';
import { aupro } from '../../src/metrics/aupro';

test('F1-max by hand', () => {
  // Thresholds (score >= t): 0.8 -> P 1, R .5, F1 2/3; 0.4 -> .5; 0.35 -> P 2/3, R 1, F1 .8; 0.1 -> 2/3.
  const r = f1Max([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
  assert.ok(Math.abs(r.f1 - 0.8) < 1e-9);
  assert.equal(r.threshold, 0.35);
  // Equal maxima at t = 4 (P 1, R .5) and t = 1 (P .5, R 1): the lowest threshold wins (first argmax, ascending).
  const t = f1Max([4, 3, 2, 1], [1, 0, 0, 1]);
  assert.ok(Math.abs(t.f1 - 2 / 3) < 1e-9);
  assert.equal(t.threshold, 1);
  // Perfect separation, and no squashing of large scores.
  assert.deepEqual(f1Max([1e9, 2e9, 3e9], [0, 1, 1]), { f1: 2 / (2 + 1e-10), threshold: 2e9 });
});

test('F1-max bad input', () => {
  assert.throws(() => f1Max([1, 2], [0, 0]), /no positive/);
  assert.throws(() => f1Max([1, 2], [0, 3]), /must be binary/);
  assert.throws(() => f1Max([1], [0, 1]), /must match/);
  assert.throws(() => f1Max([NaN, 1], [0, 1]), /NaN at index 0/);
});

test('evaluateClass: image metrics always, pixel metrics with maps and masks, names as the kit reports them', () => {
  const imageScores = [0.2, 0.9, 0.4];
  const labels = [0, 1, 1];
  assert.deepEqual(Object.keys(evaluateClass({ imageScores, labels })).sort(), ['f1_max', 'image_auroc']);
  // Three 2x2 maps; the defect is pixel 0 of image 1 and pixels 2,3 of image 2.
  const maps = new Float32Array([0, 0.1, 0, 0.2, /**/ 0.9, 0.1, 0, 0, /**/ 0.1, 0, 0.8, 0.3]);
  const masks = new Uint8Array([0, 0, 0, 0, /**/ 1, 0, 0, 0, /**/ 0, 0, 1, 1]);
  const m = evaluateClass({ imageScores, labels, maps, masks, width: 2, height: 2 });
  assert.equal(m.image_auroc, auroc(imageScores, labels));
  assert.equal(m.pixel_auroc, pixelAuroc(maps, masks));
  assert.equal(m.aupro, aupro(maps, masks, { width: 2, height: 2 }));
  assert.equal(m.image_auroc, 1);
  assert.throws(() => evaluateClass({ imageScores, labels, maps }), /maps given without masks/);
  assert.throws(() => evaluateClass({ imageScores, labels, maps, masks }), /width and height/);
  assert.throws(
    () => evaluateClass({ imageScores: [1, 2], labels: [0, 1], maps, masks, width: 2, height: 2 }),
    /3 anomaly maps of 2x2 but 2 image scores/,
  );
});
