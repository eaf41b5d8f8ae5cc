import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp, { Sharp } from 'sharp';
import { loadDataset } from '../../src/data/mvtec';
import { openDataset, validateImages } from '../../src/data/validate';
import { generateSynthetic } from '../../src/data/synth';
import { readMask } from '../../src/data/images';
import { InputError } from '../../src/util/errors';

let tmp = '';
let root = '';
const TINY = {
  seed: 5,
  classes: ['fabric', 'screw'],
  size: 64,
  trainCount: 4,
  testGood: 1,
  defectsPerType: 1,
  quiet: true,
};

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-masks-'));
  root = path.join(tmp, 'synth');
  await generateSynthetic({ out: root, ...TINY });
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let copies = 0;
function copy(): string {
  const dst = path.join(tmp, `c${copies++}`);
  fs.cpSync(root, dst, { recursive: true });
  return dst;
}

/** The first mask of a class (ground_truth/<first defect>/000_mask.png). */
function firstMask(r: string, cls: string): string {
  const gt = path.join(r, cls, 'ground_truth');
  return path.join(gt, fs.readdirSync(gt).sort()[0], '000_mask.png');
}

async function rewrite(file: string, f: (s: Sharp) => Sharp): Promise<void> {
  const buf = await f(sharp(fs.readFileSync(file)))
    .png()
    .toBuffer();
  fs.writeFileSync(file, buf);
}

const oneLine = (e: Error) => !e.message.includes('\n');

test('a valid set passes; masks of 0/1 are accepted and read as the same mask as 0/255', async () => {
  const ds = await openDataset(root);
  const counts = await validateImages(ds, { images: 'header' });
  assert.equal(counts.masks, ds.classes.flatMap((c) => c.test).filter((t) => t.label === 1).length);
  const r = copy();
  const m = firstMask(r, 'fabric');
  const before01 = await readMask(m);
  const { data, info } = await sharp(m).greyscale().raw().toBuffer({ resolveWithObject: true });
  const ones = Buffer.from(data.map((v) => (v === 255 ? 1 : v)));
  await sharp(ones, { raw: { width: info.width, height: info.height, channels: 1 } })
    .png()
    .toFile(m + '.new');
  fs.renameSync(m + '.new', m);
  assert.deepEqual(await readMask(m), before01);
  await openDataset(r); // accepted
});

test('a mask of the wrong size or aspect is refused (never resized), naming the mask and both sizes', async () => {
  const r = copy();
  const m = firstMask(r, 'screw');
  await rewrite(m, (s) => s.resize(64, 48, { fit: 'fill', kernel: 'nearest' }));
  await assert.rejects(
    openDataset(r),
    (e: Error) =>
      e instanceof InputError &&
      oneLine(e) &&
      new RegExp(
        `1 bad file\\(s\\): mask ${path.relative(r, m).replace(/\//g, '\\/')} is 64x48 but its image is 64x64`,
      ).test(e.message),
  );
});

test('a grey (non-binary) mask is refused, not thresholded; so is a mask mixing 1 and 255', async () => {
  const r = copy();
  const m = firstMask(r, 'fabric');
  await rewrite(m, (s) => s.blur(2)); // soft edges: grey levels
  await assert.rejects(
    openDataset(r),
    (e: Error) =>
      e instanceof InputError &&
      /mask fabric\/ground_truth\/.*is not binary: it holds \d+ grey level\(s\)/.test(e.message),
  );
  await assert.rejects(
    readMask(m),
    (e: Error) => e instanceof InputError && /is not binary/.test(e.message) && e.message.includes(m),
  );
  const r2 = copy();
  const m2 = firstMask(r2, 'fabric');
  const { data, info } = await sharp(m2).greyscale().raw().toBuffer({ resolveWithObject: true });
  data[0] = 1; // a 1 among 0/255
  await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
    .png()
    .toFile(m2 + '.new');
  fs.renameSync(m2 + '.new', m2);
  await assert.rejects(openDataset(r2), /mixes the values 1 and 255/);
});

test('a truncated mask fails before any work, naming the file', async () => {
  const r = copy();
  const m = firstMask(r, 'screw');
  const bytes = fs.readFileSync(m);
  fs.writeFileSync(m, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(
    openDataset(r),
    (e: Error) =>
      e instanceof InputError &&
      oneLine(e) &&
      /mask screw\/ground_truth\/.*000_mask\.png cannot be decoded \(.*\): truncated/.test(e.message),
  );
});

test('an orphan mask (no test image of that name) and a mask for a good image are refused by loadDataset', () => {
  const r = copy();
  const m = firstMask(r, 'fabric');
  fs.copyFileSync(m, path.join(path.dirname(m), '077_mask.png'));
  fs.mkdirSync(path.join(r, 'screw', 'ground_truth', 'good'));
  fs.copyFileSync(m, path.join(r, 'screw', 'ground_truth', 'good', '000_mask.png'));
  assert.throws(
    () => loadDataset(r),
    (e: Error) =>
      e instanceof InputError &&
      oneLine(e) &&
      /2 orphan mask file\(s\) with no anomalous test image of that name: .*fabric\/ground_truth\/.*077_mask\.png; .*screw\/ground_truth\/good\/000_mask\.png/.test(
        e.message,
      ),
  );
});

test('many problems: one line lists the first three in dataset order and counts the rest', async () => {
  const r = copy();
  const all = ['fabric', 'screw'].flatMap((c) => {
    const gt = path.join(r, c, 'ground_truth');
    return fs
      .readdirSync(gt)
      .sort()
      .map((d) => path.join(gt, d, '000_mask.png'));
  });
  assert.ok(all.length >= 5);
  for (const m of all) await rewrite(m, (s) => s.resize(32, 32, { kernel: 'nearest' }));
  await assert.rejects(
    openDataset(r),
    (e: Error) =>
      e instanceof InputError &&
      oneLine(e) &&
      e.message.includes(`${all.length} bad file(s): mask ${path.relative(r, all[0])} is 32x32`) &&
      e.message.includes(`; and ${all.length - 3} more.`),
  );
});

test('CLI: npm run split on a dataset with a bad mask exits 2 with one line and writes nothing', async () => {
  const r = copy();
  await rewrite(firstMask(r, 'screw'), (s) => s.resize(64, 32, { fit: 'fill', kernel: 'nearest' }));
  const out = path.join(tmp, 'manifest.json');
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.resolve('scripts/split.ts'), '--data', r, '--tail', 'step', '--out', out],
    { encoding: 'utf8' },
  );
  assert.equal(res.status, 2, res.stderr);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, res.stderr);
  assert.match(
    lines[0],
    /^split: error: dataset .*: 1 bad file\(s\): mask screw\/ground_truth\/.*000_mask\.png is 64x32 but its image is 64x64\. Masks must be binary/,
  );
  assert.equal(fs.existsSync(out), false);
});
