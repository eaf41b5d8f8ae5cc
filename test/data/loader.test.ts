import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDataset } from '../../src/data/mvtec';
import { validateImages } from '../../src/data/validate';
import { generateSynthetic } from '../../src/data/synth';
import { readMask } from '../../src/data/images';
import { InputError } from '../../src/util/errors';

let tmp = '';
let root = '';
const TINY = {
  seed: 3,
  classes: ['fabric', 'screw', 'cable'],
  size: 64,
  trainCount: 6,
  testGood: 2,
  defectsPerType: 1,
  quiet: true,
};

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-data-'));
  root = path.join(tmp, 'synth');
  await generateSynthetic({ out: root, ...TINY });
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the tiny dataset to break. */
function copy(name: string): string {
  const dst = path.join(tmp, name);
  fs.cpSync(root, dst, { recursive: true });
  return dst;
}

test('loads a generated dataset: classes sorted, train/test/masks in the MVTec layout', async () => {
  const ds = loadDataset(root);
  assert.deepEqual(
    ds.classes.map((c) => c.name),
    ['cable', 'fabric', 'screw'],
  );
  const cable = ds.classes[0];
  assert.equal(cable.train.length, 6);
  assert.equal(cable.train[0].rel, 'cable/train/good/000.png');
  // cable has 5 defect types x 1 + 2 good; folders sorted, then files
  assert.deepEqual(
    cable.test.map((t) => t.defect),
    ['color', 'crack', 'good', 'good', 'misplaced', 'missing', 'stain'],
  );
  for (const t of cable.test) {
    assert.equal(t.label, t.defect === 'good' ? 0 : 1);
    if (t.label) assert.equal(t.maskPath, path.join(root, 'cable', 'ground_truth', t.defect, '000_mask.png'));
  }
  assert.deepEqual(await validateImages(ds), { images: 3 * 8 + 5 + 4 + 5, masks: 14 });
  const only = loadDataset(root, { classes: ['screw'] });
  assert.deepEqual(
    only.classes.map((c) => c.name),
    ['screw'],
  );
  assert.throws(
    () => loadDataset(root, { classes: ['nope'] }),
    /class "nope" not found .* \(available: cable, fabric, screw\)/,
  );
});

test('masks are binary and non-empty for every defective image', async () => {
  const ds = loadDataset(root);
  for (const c of ds.classes)
    for (const t of c.test.filter((x) => x.label === 1)) {
      const m = await readMask(t.maskPath!);
      const on = m.data.reduce((s, v) => s + v, 0);
      assert.ok(on >= 6 && on < m.data.length, `${t.rel}: ${on} mask pixels`);
    }
});

test('a missing dataset root or an empty folder is an InputError naming the path', () => {
  assert.throws(
    () => loadDataset(path.join(tmp, 'absent')),
    (e: Error) => e instanceof InputError && /dataset folder not found: .*absent/.test(e.message),
  );
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty);
  assert.throws(() => loadDataset(empty), /no class folders in .*empty: expected <class>\/train\/good/);
});

test('a class without train/good, or with an empty train/good, is an error naming the folder', () => {
  const a = copy('no-train');
  fs.rmSync(path.join(a, 'fabric', 'train'), { recursive: true });
  assert.throws(() => loadDataset(a), /class "fabric" has no training folder: expected .*fabric\/train\/good/);
  const b = copy('empty-class');
  for (const f of fs.readdirSync(path.join(b, 'screw', 'train', 'good')))
    fs.rmSync(path.join(b, 'screw', 'train', 'good', f));
  assert.throws(() => loadDataset(b), /class "screw" is empty: .*screw\/train\/good holds no images/);
});

test('an anomalous test image without its mask names both paths', () => {
  const a = copy('no-mask');
  fs.rmSync(path.join(a, 'screw', 'ground_truth', 'dent', '000_mask.png'));
  assert.throws(
    () => loadDataset(a),
    /anomalous test image .*screw\/test\/dent\/000.png has no mask: expected .*screw\/ground_truth\/dent\/000_mask.png/,
  );
});

test('a non-image file is rejected by extension; a corrupt PNG by validateImages, naming the file', async () => {
  const a = copy('txt');
  fs.writeFileSync(path.join(a, 'cable', 'train', 'good', 'notes.txt'), 'hello');
  assert.throws(() => loadDataset(a), /not an image file: .*cable\/train\/good\/notes.txt/);
  const b = copy('corrupt');
  const bad = path.join(b, 'fabric', 'test', 'good', '001.png');
  fs.writeFileSync(bad, Buffer.concat([fs.readFileSync(bad).subarray(0, 60), Buffer.from('garbage')]));
  const ds = loadDataset(b);
  await assert.rejects(
    validateImages(ds),
    (e: Error) =>
      e instanceof InputError &&
      e.message.includes(b) &&
      /image fabric\/test\/good\/001\.png cannot be decoded .*Replace or remove these files$/.test(e.message),
  );
});

test('the generator refuses a non-empty folder that is not its own output, and reuses a complete identical one', async () => {
  const user = path.join(tmp, 'user');
  fs.mkdirSync(user);
  fs.writeFileSync(path.join(user, 'thesis.tex'), 'precious');
  await assert.rejects(generateSynthetic({ out: user, ...TINY }), /refusing to write into .*user: it is not empty/);
  assert.equal(fs.readFileSync(path.join(user, 'thesis.tex'), 'utf8'), 'precious');
  const again = await generateSynthetic({ out: root, ...TINY });
  assert.equal(again.reused, true);
  await assert.rejects(generateSynthetic({ out: root, ...TINY, size: 8 }), /option size/);
  await assert.rejects(generateSynthetic({ out: root, ...TINY, classes: ['unicorn'] }), /unknown class "unicorn"/);
});

test('an interrupted synthetic set (marker still "writing") is refused by the loader', () => {
  const a = copy('interrupted');
  const mf = path.join(a, '.tailedcore-synth.json');
  fs.writeFileSync(mf, fs.readFileSync(mf, 'utf8').replace('"complete"', '"writing"'));
  assert.throws(() => loadDataset(a), /incomplete \(its generation was interrupted\)/);
});
