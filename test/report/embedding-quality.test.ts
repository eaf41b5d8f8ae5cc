import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestClassMeanAccuracy, noisyOracleEmbedding } from '../../src/report/embedding-quality';
import { fromRows } from '../../src/linalg/matrix';
import { createRng } from '../../src/util/rng';

test('noisy oracle: about the set share keeps its class, a wrong class otherwise; its class-mean accuracy rises with it', () => {
  const names = Array.from({ length: 2000 }, (_, i) => `c${i % 5}`);
  const ncm: number[] = [];
  for (const a of [0, 0.5, 1]) {
    const o = noisyOracleEmbedding(names, a, createRng(`oracle-${a}`));
    assert.deepEqual(o.classes, ['c0', 'c1', 'c2', 'c3', 'c4']);
    let kept = 0;
    names.forEach((c, i) => {
      if (o.classes[o.assigned[i]] === c) kept++;
      // the assigned class's dimension is the row's largest
      const row = Array.from(o.embeddings.data.subarray(i * 5, i * 5 + 5));
      assert.equal(row.indexOf(Math.max(...row)), o.assigned[i]);
    });
    assert.ok(Math.abs(kept / names.length - a) < 0.04, `accuracy ${a}: kept ${kept}`);
    const all = names.map(() => true);
    ncm.push(nearestClassMeanAccuracy(o.embeddings, names, all));
  }
  // Not equal to the set share at the low end: with every image moved, a class mean still leans towards its own
  // images' other classes, so about 1 in 4 (5 classes) lands back on the true class by chance.
  assert.ok(ncm[0] < ncm[1] && ncm[1] < ncm[2], ncm.join(' < '));
  assert.equal(ncm[2], 1);
  assert.ok(Math.abs(ncm[1] - 0.5) < 0.1, `${ncm[1]}`);
  assert.throws(() => noisyOracleEmbedding(names, 1.5, createRng('x')), /not in \[0, 1\]/);
});

test('nearest-class-mean accuracy: counts only the chosen images (hand case)', () => {
  // class a around (1, 0), class b around (0, 1); the third image of a points at b.
  const X = fromRows([
    [1, 0],
    [1, 0.1],
    [0.1, 1],
    [0, 1],
    [0.1, 1],
  ]);
  const names = ['a', 'a', 'a', 'b', 'b'];
  assert.equal(nearestClassMeanAccuracy(X, names, [true, true, false, true, true]), 1);
  assert.equal(nearestClassMeanAccuracy(X, names, [false, false, true, false, false]), 0);
  assert.throws(() => nearestClassMeanAccuracy(X, names, [false, false, false, false, false]), /no image chosen/);
});
