import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  loadOfficialManifest,
  loadOfficialSplit,
  officialManifestDir,
  parseOfficialSetting,
  detectBenchmark,
} from '../../src/data/official';
import { buildSplit, spreadNoise, trainItems } from '../../src/data/splits';
import { createRng } from '../../src/util/rng';
import { InputError, OptionError } from '../../src/util/errors';
import { fakeClass, fakeMvtec } from './fake';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tc-off-'));

function write(dir: string, prune: string[], inject: string[]): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'prune_good.txt'), prune.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'inject_defects.txt'), inject.join('\n') + '\n');
  return dir;
}

/** Three classes; grid has a defect type with an underscore (metal_contamination), as in MVTec AD. */
const dataset = () => ({
  root: '/fake',
  classes: [
    fakeClass('bottle', 10, 4, 2, ['broken_large']),
    fakeClass('grid', 10, 4, 2, ['bent', 'metal_contamination']),
    fakeClass('zipper', 10, 4, 2, ['squeezed_teeth']),
  ],
});

test("step manifest in the authors' format: training-copy names resolve to test images; tail type, K, noise ratio kept", () => {
  const root = tmp();
  const ds = dataset();
  // bottle is tail (keeps 001 only); grid and zipper keep all 10 and inject 1 each (ratio 0.1)
  const dir = write(
    path.join(root, 'manifest', 'step_k1', 'seed02'),
    ['000', '002', '003', '004', '005', '006', '007', '008', '009'].map((f) => `bottle/train/good/${f}.png`),
    ['grid/train/good/metal_contamination_001.png', 'mvtec/zipper/test/squeezed_teeth/000.png'],
  );
  const m = loadOfficialManifest(dir, ds);
  assert.equal(m.seed, 2);
  assert.deepEqual(m.options, {
    source: 'official',
    setting: 'step_k1',
    tail: 'step',
    noiseRatio: 0.1,
    overlap: true,
    k: 1,
  });
  assert.deepEqual(
    m.classes.map((c) => [c.name, c.isTail, c.trainGood.length, c.injected]),
    [
      ['bottle', true, 1, []],
      ['grid', false, 10, ['grid/test/metal_contamination/001.png']],
      ['zipper', false, 10, ['zipper/test/squeezed_teeth/000.png']],
    ],
  );
  assert.deepEqual(m.classes[0].trainGood, ['bottle/train/good/001.png']);
  // the training list is the official order: classes alphabetical, goods then injected
  const items = trainItems(ds, m);
  assert.equal(items.length, 1 + 11 + 11);
  assert.deepEqual(
    items.filter((t) => t.isNoise).map((t) => t.image.rel),
    ['grid/test/metal_contamination/001.png', 'zipper/test/squeezed_teeth/000.png'],
  );
});

test('pareto manifest: tail by the size rule, noise ratio over all classes; options override the folder name', () => {
  const root = tmp();
  const ds = dataset();
  const keep = (cls: string, n: number) =>
    Array.from({ length: 10 - n }, (_, i) => `${cls}/train/good/${String(9 - i).padStart(3, '0')}.png`);
  // kept 10 + 5 + 5 = 20, 2 injected -> 0.1
  const dir = write(
    path.join(root, 'pareto', 'seed01'),
    [...keep('grid', 5), ...keep('zipper', 5)],
    ['bottle/train/good/broken_large_000.png', 'bottle/train/good/broken_large_002.png'],
  );
  const m = loadOfficialManifest(dir, ds, { tailMaxCount: 5 });
  assert.deepEqual(m.options, {
    source: 'official',
    setting: 'pareto',
    tail: 'pareto',
    noiseRatio: 0.1,
    overlap: true,
    tailMaxCount: 5,
  });
  assert.deepEqual(
    m.classes.map((c) => [c.isTail, c.trainGood.length, c.injected.length]),
    [
      [false, 10, 2],
      [true, 5, 0],
      [true, 5, 0],
    ],
  );
  assert.equal(loadOfficialManifest(dir, ds, { noiseRatio: 0.05 }).options.noiseRatio, 0.05);
  // a folder that is not a setting name needs the tail type
  const other = write(path.join(root, 'custom', 'seed01'), keep('bottle', 4), []);
  assert.throws(
    () => loadOfficialManifest(other, ds),
    /setting folder "custom" is not step_k<N> or pareto; pass the option tail/,
  );
  assert.deepEqual(loadOfficialManifest(other, ds, { tail: 'step', k: 4 }).options.k, 4);
  assert.throws(
    () => loadOfficialManifest(dir, ds, { foo: 1 } as never),
    (e: Error) => e instanceof OptionError && /unknown option "foo"/.test(e.message),
  );
});

test('loadOfficialSplit: cell -> <setting>/seedNN; missing seeds and bad lines are errors naming the file', () => {
  const root = tmp();
  const ds = dataset();
  assert.equal(officialManifestDir('/m', 'step', 4, 3), path.join('/m', 'step_k4', 'seed03'));
  assert.equal(officialManifestDir('/m', 'pareto', null, 5), path.join('/m', 'pareto', 'seed05'));
  assert.deepEqual(parseOfficialSetting('step_k4'), { tail: 'step', k: 4 });
  assert.equal(parseOfficialSetting('steps'), null);
  assert.deepEqual(parseOfficialSetting('mvtecad-step_k1'), { tail: 'step', k: 1 });
  assert.equal(parseOfficialSetting('nonpareto'), null);
  write(
    path.join(root, 'step_k1', 'seed01'),
    Array.from({ length: 9 }, (_, i) => `bottle/train/good/${String(i).padStart(3, '0')}.png`),
    [],
  );
  const m = loadOfficialSplit(root, ds, { tail: 'step', k: 1, seed: 1 });
  assert.deepEqual([m.seed, m.options.k, m.options.noiseRatio], [1, 1, 0]);
  assert.throws(
    () => loadOfficialSplit(root, ds, { tail: 'step', k: 1, seed: 2 }),
    (e: Error) =>
      e instanceof InputError &&
      /no official manifest for step_k1 seed 2: .*seed02 does not exist \(found seed01\)/.test(e.message),
  );
  assert.throws(
    () => loadOfficialSplit(root, ds, { tail: 'pareto', k: null, seed: 1 }),
    /no official manifest for pareto seed 1.*settings found in .*: step_k1/,
  );
  assert.throws(
    () => loadOfficialSplit(root, ds, { tail: 'step', k: 1, seed: 0 }),
    /seed 0 has no folder \(use seeds 1-5/,
  );
  const bad = write(
    path.join(root, 'step_k4', 'seed01'),
    ['bottle/train/good/000.png', 'bottle/train/good/099.png'],
    [],
  );
  assert.throws(
    () => loadOfficialManifest(bad, ds),
    new RegExp(`prune_good.txt line 2: "bottle/train/good/099.png" is not a training image`),
  );
  const badInject = write(path.join(root, 'step_k4', 'seed02'), [], ['grid/train/good/crack_000.png']);
  assert.throws(
    () => loadOfficialManifest(badInject, ds),
    /inject_defects.txt line 1: "grid\/train\/good\/crack_000.png" is not an anomalous test image/,
  );
});

test('detectBenchmark: MVTec AD and VisA class lists', () => {
  assert.equal(detectBenchmark(['bottle', 'screw']), 'mvtec');
  assert.equal(detectBenchmark(['candle', 'pcb1', 'pipe_fryum']), 'visa');
  assert.equal(detectBenchmark(['bottle', 'candle']), null);
  assert.equal(detectBenchmark(['a']), null);
});

test('Pareto noise cap: the official rule counts draws, then caps at the anomalies (fewer injected); redistribute keeps drawing', () => {
  // class 0 is big but has 3 anomalies; class 1 has plenty; class 2 is too small to get noise
  const kept = [100, 50, 10];
  const anomalies = [3, 100, 100];
  const eligible = [true, true, false];
  const official = spreadNoise(kept, anomalies, eligible, 40, createRng('cap'));
  const redistributed = spreadNoise(kept, anomalies, eligible, 40, createRng('cap'), 'redistribute');
  assert.equal(official[0], 3);
  assert.equal(official[2], 0);
  assert.equal(redistributed[2], 0);
  assert.deepEqual(
    redistributed.reduce((a, b) => a + b, 0),
    40,
  );
  const total = official.reduce((a, b) => a + b, 0);
  assert.ok(total < 40, `official total ${total} should lose the draws that hit class 0's missing anomalies`);
  // same shuffle: class 1's draws are the same until the total is reached, so the official count of class 1 is a lower bound
  assert.ok(official[1] <= redistributed[1]);
  assert.deepEqual(spreadNoise(kept, anomalies, eligible, 0, createRng('cap')), [0, 0, 0]);
});

test('buildSplit Pareto at 40 % noise: the official cap is the default and injects fewer than the redistributing option', () => {
  const ds = fakeMvtec(12); // few anomalies per class, so the cap binds
  let fewer = 0;
  for (const seed of [0, 1, 2]) {
    // 'allow': the cap makes the split fall short of 0.4, which is an error by default (test/data/noise-shortfall.test.ts)
    const off = buildSplit(ds, { tailType: 'pareto', noiseRatio: 0.4, seed, noiseShortfall: 'allow' });
    const red = buildSplit(ds, {
      tailType: 'pareto',
      noiseRatio: 0.4,
      seed,
      paretoNoiseCap: 'redistribute',
      noiseShortfall: 'allow',
    });
    assert.equal(off.options.paretoNoiseCap, 'official');
    const inj = (m: typeof off) => m.classes.reduce((s, c) => s + c.injected.length, 0);
    const kept = off.classes.reduce((s, c) => s + c.trainGood.length, 0);
    assert.ok(inj(off) <= Math.round(0.4 * kept));
    assert.ok(inj(off) <= inj(red));
    if (inj(off) < inj(red)) fewer++;
    for (const c of off.classes) assert.ok(c.injected.length <= 12);
  }
  assert.ok(fewer > 0, 'at 40 % with 12 anomalies per class the cap must bind in at least one seed');
  assert.throws(
    () => buildSplit(ds, { tailType: 'pareto', paretoNoiseCap: 'spill' as never }),
    /paretoNoiseCap must be one of official, redistribute/,
  );
});
