import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { convertVisa } from '../../src/data/visa';
import { loadDataset } from '../../src/data/mvtec';
import { readMask } from '../../src/data/images';
import { loadOfficialManifest } from '../../src/data/official';
import { trainItems } from '../../src/data/splits';
import { fakeMvtec } from './fake';

async function png(file: string, value: number, channels: 1 | 3 = 3): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(Buffer.alloc(8 * 8 * channels, value), { raw: { width: 8, height: 8, channels } })
    .png()
    .toFile(file);
}

test('convertVisa: split_csv/1cls.csv to the MVTec layout; JPG kept byte for byte; label-valued masks become 0/255', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-visa-'));
  try {
    const v = path.join(tmp, 'VisA');
    const jpg = (f: string) => {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      return sharp(Buffer.alloc(8 * 8 * 3, 120), { raw: { width: 8, height: 8, channels: 3 } })
        .jpeg()
        .toFile(f);
    };
    const rows = ['object,split,label,image,mask'];
    for (const obj of ['candle', 'pcb1']) {
      for (const n of ['000', '001', '002']) {
        await jpg(path.join(v, obj, 'Data/Images/Normal', `${n}.JPG`));
        rows.push(`${obj},train,normal,${obj}/Data/Images/Normal/${n}.JPG,`);
      }
      await jpg(path.join(v, obj, 'Data/Images/Normal', '100.JPG'));
      rows.push(`${obj},test,normal,${obj}/Data/Images/Normal/100.JPG,`);
      await jpg(path.join(v, obj, 'Data/Images/Anomaly', '000.JPG'));
      await png(path.join(v, obj, 'Data/Masks/Anomaly', '000.png'), 1, 1); // VisA stores small label values
      rows.push(`${obj},test,anomaly,${obj}/Data/Images/Anomaly/000.JPG,${obj}/Data/Masks/Anomaly/000.png`);
    }
    fs.mkdirSync(path.join(v, 'split_csv'));
    fs.writeFileSync(path.join(v, 'split_csv', '1cls.csv'), rows.join('\n') + '\n');
    const out = path.join(tmp, 'visa_mvtec');
    const counts = await convertVisa(v, out);
    assert.deepEqual(counts, {
      candle: { train: 3, testGood: 1, testBad: 1 },
      pcb1: { train: 3, testGood: 1, testBad: 1 },
    });
    assert.ok(
      fs
        .readFileSync(path.join(out, 'pcb1/train/good/001.JPG'))
        .equals(fs.readFileSync(path.join(v, 'pcb1/Data/Images/Normal/001.JPG'))),
    );
    const ds = loadDataset(out);
    assert.deepEqual(
      ds.classes.map((c) => [c.name, c.train.length, c.test.length]),
      [
        ['candle', 3, 2],
        ['pcb1', 3, 2],
      ],
    );
    const bad = ds.classes[0].test.find((t) => t.label === 1)!;
    assert.equal(bad.maskPath, path.join(out, 'candle/ground_truth/bad/000_mask.png'));
    const m = await readMask(bad.maskPath!);
    assert.equal(
      m.data.reduce((s, x) => s + x, 0),
      64,
    );
    await assert.rejects(convertVisa(v, out), /refusing to convert into .*: it is not empty/);
    fs.writeFileSync(path.join(v, 'split_csv', 'broken.csv'), 'object,split,label,image\ncandle,val,normal,a.JPG\n');
    await assert.rejects(
      convertVisa(v, path.join(tmp, 'o2'), { splitCsv: path.join(v, 'split_csv', 'broken.csv') }),
      /no "mask" column/,
    );
    fs.rmSync(path.join(v, 'pcb1/Data/Masks/Anomaly/000.png'));
    await assert.rejects(convertVisa(v, path.join(tmp, 'o3')), /VisA mask listed for .*pcb1.*000.JPG is missing/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('loadOfficialManifest: pruned train files and injected test anomalies become our manifest, checked against the dataset', () => {
  const ds = fakeMvtec(10);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-off-'));
  try {
    const dir = path.join(tmp, 'mvtec_step_k1', 'seed03');
    fs.mkdirSync(dir, { recursive: true });
    // Every class but bottle and wood keeps only 000.png; bottle keeps all and gets two injected anomalies.
    const prune: string[] = ['# pruned', ''];
    for (const c of ds.classes)
      if (c.name !== 'bottle' && c.name !== 'wood') for (const t of c.train.slice(1)) prune.push(`mvtec/${t.rel}`);
    fs.writeFileSync(path.join(dir, 'prune_good.txt'), prune.join('\n'));
    fs.writeFileSync(
      path.join(dir, 'inject_defects.txt'),
      'bottle/test/crack/001.png\nbottle/train/good/stain_000.png\n',
    );
    const m = loadOfficialManifest(dir, ds);
    assert.equal(m.seed, 3);
    const bottle = m.classes.find((c) => c.name === 'bottle')!;
    assert.equal(bottle.trainGood.length, 209);
    assert.deepEqual(bottle.injected, ['bottle/test/crack/001.png', 'bottle/test/stain/000.png']);
    assert.equal(bottle.isTail, false);
    const pill = m.classes.find((c) => c.name === 'pill')!;
    assert.deepEqual(pill.trainGood, ['pill/train/good/000.png']);
    assert.equal(pill.isTail, true);
    assert.equal(trainItems(ds, m).length, 209 + 247 + 13 + 2);

    fs.writeFileSync(path.join(dir, 'inject_defects.txt'), 'bottle/test/crack/099.png\n');
    assert.throws(
      () => loadOfficialManifest(dir, ds),
      /inject_defects.txt line 1: "bottle\/test\/crack\/099.png" is not an anomalous test image/,
    );
    fs.writeFileSync(path.join(dir, 'inject_defects.txt'), '');
    fs.appendFileSync(path.join(dir, 'prune_good.txt'), '\nunicorn/train/good/000.png\n');
    assert.throws(
      () => loadOfficialManifest(dir, ds),
      /prune_good.txt line \d+: "unicorn\/train\/good\/000.png" is not a training image/,
    );
    assert.throws(() => loadOfficialManifest(path.join(tmp, 'nope'), ds), /official manifest folder not found/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
