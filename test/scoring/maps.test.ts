import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anomalyMaps, anomalyMap, imageMaxScores } from '../../src/scoring/maps';
import { bilinearResize } from '../../src/scoring/upsample';
import { gaussianBlur } from '../../src/scoring/gaussian';
import { makeMemoryBank, scorePatches } from '../../src/scoring/memory-bank';
import { fromRows } from '../../src/linalg/matrix';

test('image score = max of raw patch scores; never clamped or normalised', () => {
  const s = Float32Array.from([1, -3, 250, 2, 0.5, 0.25, 0.125, 7]);
  assert.deepEqual(Array.from(imageMaxScores(s, 2, 4)), [250, 7]);
});

test('maps = blur(upsample(reshape(scores))), per image, at inputSize', () => {
  const s = Float32Array.from([0, 4, 8, 12, 100, 0, 0, 0]);
  const maps = anomalyMaps(s, 2, 2, 2, 4, 1);
  assert.equal(maps.length, 2 * 16);
  const first = gaussianBlur(bilinearResize([0, 4, 8, 12], 2, 2, 4, 4), 4, 4, 1);
  assert.deepEqual(Array.from(maps.subarray(0, 16)), Array.from(first));
  assert.deepEqual(Array.from(maps.subarray(16)), Array.from(anomalyMap([100, 0, 0, 0], 2, 2, 4, 1)));
  // Scores far above 1 stay far above 1 (no squashing).
  assert.ok(maps[16] > 20);
  // sigma 0 = upsample only
  assert.deepEqual(Array.from(anomalyMaps(s, 2, 2, 2, 4, 0).subarray(0, 4)), [0, 1, 3, 4]);
});

test('map shape errors name the numbers', () => {
  assert.throws(() => anomalyMaps(new Float32Array(7), 2, 2, 2, 4), /7 patch scores/);
});

test('scorer: squared L2 to the nearest bank row, times its weight when weighted; bank = [tail; head]', async () => {
  const head = fromRows([
    [0, 0],
    [10, 0],
  ]);
  const tail = fromRows([[0, 10]]);
  const plain = makeMemoryBank(tail, head);
  assert.equal(plain.tailRows, 1);
  assert.deepEqual(Array.from(plain.features.data), [0, 10, 0, 0, 10, 0]);
  const q = fromRows([
    [1, 1],
    [9, 0],
    [0, 7],
  ]);
  const r = await scorePatches(plain, q);
  assert.deepEqual(Array.from(r.scores), [2, 1, 9]); // 1²+1², 1², 3²
  assert.deepEqual(Array.from(r.nearest), [1, 2, 0]);
  const weighted = makeMemoryBank(null, head, Float32Array.from([2, 0.5]));
  const w = await scorePatches(weighted, q);
  // [1,1] -> row0 d=2, x2 = 4; [9,0] -> row1 d=1, x0.5 = 0.5; [0,7] -> row0 d=49, x2 = 98
  assert.deepEqual(Array.from(w.scores), [4, 0.5, 98]);
  assert.deepEqual(Array.from(w.distances), [2, 1, 49]);
  await assert.rejects(scorePatches(plain, fromRows([[1, 2, 3]])), /3 dimensions.*built from 2/);
  assert.throws(() => makeMemoryBank(null, head, Float32Array.from([1])), /1 weights for 2 rows/);
});
