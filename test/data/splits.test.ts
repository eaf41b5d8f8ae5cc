import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  buildSplit,
  paretoPmf,
  paretoSizes,
  serializeManifest,
  writeManifest,
  readManifest,
  trainItems,
  testItems,
  formatSplitTable,
} from '../../src/data/splits';
import { roundHalfEven } from '../../src/data/splits/round';
import { Manifest } from '../../src/data/types';
import { OptionError } from '../../src/util/errors';
import { fakeMvtec, fakeClass, MVTEC_TRAIN } from './fake';

/** Every injected path is a test anomaly of the same class; kept paths are that class's training images. */
function assertConsistent(m: Manifest, ds = fakeMvtec()): void {
  for (const c of m.classes) {
    const info = ds.classes.find((x) => x.name === c.name)!;
    const anomalies = new Set(info.test.filter((t) => t.label === 1).map((t) => t.rel));
    for (const r of c.injected) assert.ok(anomalies.has(r), `${r} is a test anomaly of ${c.name}`);
    const train = new Set(info.train.map((t) => t.rel));
    for (const r of c.trainGood) assert.ok(train.has(r), `${r} is a training image of ${c.name}`);
    assert.equal(new Set(c.trainGood).size, c.trainGood.length);
    assert.equal(new Set(c.injected).size, c.injected.length);
    assert.deepEqual(c.trainGood, c.trainGood.slice().sort());
  }
}

test('roundHalfEven is Python round: the official noise counts (leather 245 -> 24, hazelnut 391 -> 39)', () => {
  assert.equal(roundHalfEven(0.1 * 245), 24);
  assert.equal(roundHalfEven(0.1 * 391), 39);
  assert.equal(roundHalfEven(0.1 * 60), 6);
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(15 * 0.6), 9);
  assert.equal(roundHalfEven(12 * 0.6), 7);
});

test('step K=1 on MVTec counts: 9 tail classes keep 1 image and get no noise; 6 head classes keep all plus min(#anomalies, round(0.1 n))', () => {
  const m = buildSplit(fakeMvtec(), { tailType: 'step', k: 1, seed: 1 });
  assert.deepEqual(
    m.classes.map((c) => c.name),
    Object.keys(MVTEC_TRAIN).sort(),
  );
  const tail = m.classes.filter((c) => c.isTail);
  assert.equal(tail.length, 9);
  for (const c of tail) {
    assert.equal(c.trainGood.length, 1);
    assert.equal(c.injected.length, 0);
  }
  for (const c of m.classes.filter((x) => !x.isTail)) {
    assert.equal(c.trainGood.length, MVTEC_TRAIN[c.name]);
    assert.equal(c.injected.length, Math.min(60, roundHalfEven(0.1 * MVTEC_TRAIN[c.name])));
  }
  assertConsistent(m);
});

test('step K=4: tail classes keep 4; the anomaly count caps the noise (40% noise, 30 anomalies)', () => {
  const m = buildSplit(fakeMvtec(30), { tailType: 'step', k: 4, noiseRatio: 0.4, seed: 2, noiseShortfall: 'allow' });
  for (const c of m.classes) {
    if (c.isTail) {
      assert.equal(c.trainGood.length, 4);
      assert.equal(c.injected.length, 0);
    } else assert.equal(c.injected.length, Math.min(30, roundHalfEven(0.4 * MVTEC_TRAIN[c.name])));
  }
  assertConsistent(m, fakeMvtec(30));
});

test('Pareto PMF for 15 classes matches the official list (docs/method.md §5.2), and sums to 1', () => {
  const p = paretoPmf(15, 6);
  const want = [1, 0.606, 0.38, 0.245, 0.162, 0.11, 0.076, 0.054, 0.038, 0.028, 0.021, 0.015, 0.012, 0.009, 0.007];
  want.forEach((w, i) => assert.ok(Math.abs(p[i] / p[0] - w) < 0.0015, `bin ${i}: ${p[i] / p[0]} vs ${w}`));
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('paretoSizes: the largest-share class keeps all; others min(n, round(p*factor)), at least 5', () => {
  // factor = 100 / 0.5 = 200: 0.3*200 = 60 -> capped by its 50; 0.15*200 = 30; 0.05*200 = 10; 0.001*200 -> 5
  assert.deepEqual(paretoSizes([100, 50, 80, 40, 300], [0.5, 0.3, 0.15, 0.05, 0.001], 5), [100, 50, 30, 10, 5]);
});

test('Pareto on MVTec counts: one class keeps all, every class >= 5, noise total round(0.1 kept) only on classes >= 20', () => {
  const m = buildSplit(fakeMvtec(), { tailType: 'pareto', seed: 3 });
  const kept = m.classes.reduce((s, c) => s + c.trainGood.length, 0);
  const noise = m.classes.reduce((s, c) => s + c.injected.length, 0);
  assert.ok(m.classes.some((c) => c.trainGood.length === MVTEC_TRAIN[c.name]));
  for (const c of m.classes) {
    assert.ok(c.trainGood.length >= 5);
    if (c.trainGood.length < 20) assert.equal(c.injected.length, 0, c.name);
    assert.equal(c.isTail, c.trainGood.length <= 20);
  }
  assert.equal(noise, roundHalfEven(0.1 * kept));
  // The class holding the largest share keeps all its images, and no class keeps more than it.
  const maxKept = Math.max(...m.classes.map((c) => c.trainGood.length));
  assert.ok(m.classes.some((c) => c.trainGood.length === maxKept && maxKept === MVTEC_TRAIN[c.name]));
  assertConsistent(m);
});

test('same inputs and seed give a byte-identical manifest file; another seed gives another split', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-split-'));
  try {
    const a = path.join(dir, 'a.json'),
      b = path.join(dir, 'b.json');
    writeManifest(a, buildSplit(fakeMvtec(), { tailType: 'pareto', seed: 7 }));
    writeManifest(b, buildSplit(fakeMvtec(), { tailType: 'pareto', seed: 7 }));
    assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
    assert.notEqual(
      serializeManifest(buildSplit(fakeMvtec(), { tailType: 'pareto', seed: 8 })),
      fs.readFileSync(a, 'utf8'),
    );
    const back = readManifest(a);
    assert.equal(serializeManifest(back), fs.readFileSync(a, 'utf8'));
    assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(a, 'utf8'))), ['seed', 'options', 'classes']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('impossible options are OptionErrors naming the option', () => {
  const ds = fakeMvtec();
  assert.throws(
    () => buildSplit(ds, { noiseRatio: 1 }),
    (e: Error) => e instanceof OptionError && /noiseRatio/.test(e.message),
  );
  assert.throws(() => buildSplit(ds, { noiseRatio: -0.1 }), /noiseRatio/);
  assert.throws(() => buildSplit(ds, { k: 61 }), /option k=61 is larger than class "toothbrush"'s 60/);
  assert.throws(() => buildSplit(ds, { k: 0 }), /option k/);
  assert.throws(() => buildSplit(ds, { tailType: 'zipf' as never }), /option tailType must be one of step, pareto/);
  assert.throws(() => buildSplit(ds, { ratio: 0.1 } as never), /unknown option "ratio"/);
  assert.throws(() => buildSplit({ root: '/x', classes: [fakeClass('a', 10, 5)] }, {}), /at least 2 classes/);
  assert.throws(
    () => buildSplit({ root: '/x', classes: [fakeClass('a', 10, 5), fakeClass('b', 10, 5)] }, { tailRatio: 0.1 }),
    /tailRatio/,
  );
});

test('trainItems: classes alphabetical, kept goods then injected, each sorted; unknown paths are errors', () => {
  const ds = fakeMvtec();
  const m = buildSplit(ds, { tailType: 'step', k: 4, seed: 4 });
  const items = trainItems(ds, m);
  assert.equal(
    items.length,
    m.classes.reduce((s, c) => s + c.trainGood.length + c.injected.length, 0),
  );
  const expected = m.classes.flatMap((c) => [...c.trainGood, ...c.injected]);
  assert.deepEqual(
    items.map((i) => i.image.rel),
    expected,
  );
  assert.ok(items.every((i) => i.isNoise === (i.image.label === 1)));
  const bad: Manifest = {
    ...m,
    classes: m.classes.map((c, i) => (i === 0 ? { ...c, trainGood: ['bottle/train/good/999.png'] } : c)),
  };
  assert.throws(() => trainItems(ds, bad), /"bottle\/train\/good\/999.png" is not in the dataset/);
});

test('testItems keeps injected anomalies in the test set by default and drops them with overlap=false', () => {
  const ds = fakeMvtec();
  const withOverlap = buildSplit(ds, { seed: 5 });
  const without = buildSplit(ds, { seed: 5, overlap: false });
  const a = testItems(ds, withOverlap),
    b = testItems(ds, without);
  for (let i = 0; i < a.length; i++) {
    const mc = without.classes[i];
    assert.equal(a[i].images.length, ds.classes[i].test.length);
    assert.equal(b[i].images.length, ds.classes[i].test.length - mc.injected.length);
    assert.ok(b[i].images.every((t) => !mc.injected.includes(t.rel)));
  }
});

test('formatSplitTable lists every class with role, kept and injected, and a total row', () => {
  const m = buildSplit(fakeMvtec(), { tailType: 'step', k: 1, seed: 1 });
  const t = formatSplitTable(m);
  const hazel = m.classes.find((c) => c.name === 'hazelnut')!;
  const row = t.split('\n').find((l) => l.startsWith('hazelnut'))!;
  assert.deepEqual(row.trim().split(/\s+/), [
    'hazelnut',
    hazel.isTail ? 'tail' : 'head',
    String(hazel.trainGood.length),
    String(hazel.injected.length),
  ]);
  assert.match(t, /total\s+9 tail/);
});
