import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSplit, trainItems, trainTruth } from '../../src/data/splits';
import { fakeMvtec } from './fake';

test('trainTruth: class sizes count kept + injected images, noise flags and tail flags, in training order', () => {
  const ds = fakeMvtec();
  const m = buildSplit(ds, { tailType: 'step', k: 1, noiseRatio: 0.1, seed: 3 });
  const t = trainTruth(ds, m);
  const items = trainItems(ds, m);
  assert.deepEqual(
    t.paths,
    items.map((i) => i.image.path),
  );
  for (const c of m.classes) {
    const idx = t.classNames.flatMap((n, i) => (n === c.name ? [i] : []));
    assert.equal(idx.length, c.trainGood.length + c.injected.length, c.name);
    for (const i of idx) {
      assert.equal(t.classSizes[i], idx.length);
      assert.equal(t.isTail[i], c.isTail ? 1 : 0, `${c.name}: the manifest's step tail agrees with the <= 20 rule`);
    }
    assert.equal(idx.filter((i) => t.isNoise[i] === 1).length, c.injected.length, c.name);
  }
  // The rule is an option: with tailMaxCount 0 no class is tail.
  assert.ok(trainTruth(ds, m, 0).isTail.every((v) => v === 0));
});
