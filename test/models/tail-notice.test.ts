import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateCoresetSeconds, impliedTailImages, tailNotice } from '../../src/models/tail-notice';

test('implied tail: estimated classes <= max K times their median size', () => {
  assert.equal(impliedTailImages([200, 55, 1, 1, 1, 1, 1, 1, 1], 55), 8); // 8 classes, median 1
  assert.equal(impliedTailImages([200, 20, 14, 10, 7, 5, 3, 2, 1], 20), 48); // 8 classes, median (5 + 7) / 2
  assert.equal(impliedTailImages([200, 100], 20), 0);
});

test('coreset time scales with rows x picks from a measured run; no estimate without one', () => {
  assert.equal(estimateCoresetSeconds(2000, 200, { rows: 1000, picks: 100, ms: 1000 }), 4);
  assert.equal(estimateCoresetSeconds(2000, 200, null), null);
  assert.equal(estimateCoresetSeconds(2000, 200, { rows: 0, picks: 0, ms: 5 }), null);
});

test('the notice names images, views, rows, elbow and max K; the warning fires only past 3x the implied tail', () => {
  const base = {
    views: 47,
    patchesPerImage: 196,
    picks: 78086,
    reference: { rows: 100000, picks: 10000, ms: 60000 },
  };
  // Issue 17's real-image cell: 83 images x 48 views x 196 patches, elbow 55 over seven singletons.
  const blown = tailNotice({
    ...base,
    selected: 83,
    rows: 780864,
    sampler: { kElbow: 55, maxK: 55, classHistogram: [171, 156, 55, 1, 1, 1, 1, 1, 1, 1], guard: 'paper' },
  });
  assert.match(blown.line, /83 images x 48 views \(base \+ 47 augmented\) x 196 patches = 780864 tail bank rows/);
  assert.match(blown.line, /elbow K 55, max K 55 \(guard 'paper'\)/);
  assert.match(blown.line, /estimated \d+h\d\dm/);
  assert.ok(blown.warning);
  assert.match(blown.warning, /83 tail images, more than 3x the 8/);
  assert.match(blown.warning, /guard/);
  const fine = tailNotice({
    ...base,
    selected: 7,
    rows: 65856,
    picks: 6585,
    sampler: { kElbow: 55, maxK: 1, classHistogram: [171, 156, 55, 1, 1, 1, 1, 1, 1, 1], guard: 'bound' },
  });
  assert.equal(fine.warning, null);
  const oracle = tailNotice({ ...base, selected: 7, rows: 65856, picks: 6585, sampler: null, reference: null });
  assert.match(oracle.line, /\(oracle\); estimated \?/);
  assert.equal(oracle.warning, null);
});
