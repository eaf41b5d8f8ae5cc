import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSynthetic, SYNTH_VERSION } from '../../src/data/synth';
import { prepareSynthFolder, readSynthMarker, SYNTH_MARKER } from '../../src/data/synth/marker';
import { InputError } from '../../src/util/errors';

const REPO = path.resolve(__dirname, '..', '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tc-stamp-'));
const small = { classes: ['wood'], size: 32, trainCount: 2, testGood: 1, defectsPerType: 1, quiet: true };

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

test("a user's own smaller synthetic set is never replaced by a request with other options (issue 19: loss)", async () => {
  const dir = path.join(tmp(), 'mine');
  await generateSynthetic({ out: dir, seed: 0, ...small });
  const before = snapshot(dir);
  // What the runner does for a config with "synthetic": true and no syntheticOptions: the default set.
  await assert.rejects(
    generateSynthetic({ out: dir, quiet: true }),
    (e: unknown) =>
      e instanceof InputError &&
      /refusing to replace the synthetic set in .*mine: it was made with other options \(.*size 32.*trainCount 2/.test(
        e.message,
      ) &&
      !e.message.includes('\n'),
  );
  assert.deepEqual(snapshot(dir), before);
  // The same options reuse it untouched; replace: true (npm run synth -- --force) is the explicit way to overwrite.
  assert.equal((await generateSynthetic({ out: dir, seed: 0, ...small })).reused, true);
  const r = await generateSynthetic({ out: dir, seed: 1, ...small, replace: true });
  assert.equal(r.reused, false);
  assert.equal(readSynthMarker(dir)!.options.seed, 1);
});

test('a folder without the stamp is never touched; a half-written set with the same options is finished', async () => {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, 'wood', 'train', 'good'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'wood', 'train', 'good', 'mine.png'), 'x');
  await assert.rejects(
    generateSynthetic({ out: dir, seed: 0, ...small, replace: true }),
    /no \.tailedcore-synth\.json/,
  );
  assert.ok(fs.existsSync(path.join(dir, 'wood', 'train', 'good', 'mine.png')));
  const half = path.join(tmp(), 'half');
  await generateSynthetic({ out: half, seed: 0, ...small });
  const m = readSynthMarker(half)!;
  fs.writeFileSync(path.join(half, SYNTH_MARKER), JSON.stringify({ ...m, status: 'writing' }));
  assert.equal((await generateSynthetic({ out: half, seed: 0, ...small })).reused, false);
  assert.equal(readSynthMarker(half)!.status, 'complete');
});

test("the stamps of existing generated sets (today's marker, both families) are recognised and reused", () => {
  // Copies of the two markers the shipped sets carry (data/synthetic, data/synth-lookalike), in a scratch folder.
  const classes12 = [
    'fabric',
    'wood',
    'leather',
    'mesh',
    'tile',
    'carpet',
    'bottle',
    'screw',
    'hex_nut',
    'capsule',
    'cable',
    'pcb',
  ];
  const dflt = { seed: 0, size: 256, classes: classes12, trainCount: null, testGood: 20, defectsPerType: null };
  for (const options of [dflt, { family: 'lookalike', ...dflt }]) {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'wood'));
    const marker = { generator: 'tailedcore-kit synth', version: SYNTH_VERSION, options, classes: classes12 };
    fs.writeFileSync(path.join(dir, SYNTH_MARKER), JSON.stringify({ ...marker, status: 'complete' }));
    assert.equal(
      prepareSynthFolder(dir, { version: SYNTH_VERSION, options }, { reuse: true, replace: false }),
      'reuse',
    );
    assert.throws(
      () =>
        prepareSynthFolder(
          dir,
          { version: SYNTH_VERSION, options: { ...options, size: 64 } },
          { reuse: true, replace: false },
        ),
      /refusing to replace/,
    );
    assert.ok(fs.existsSync(path.join(dir, 'wood')));
  }
});

test('npm run synth -- --family lookalike (documented in the README) writes the look-alike family', () => {
  const out = path.join(tmp(), 'look');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO, 'scripts', 'synth.ts'),
      '--out',
      out,
      '--family',
      'lookalike',
      '--classes',
      'wood_oak',
      '--size',
      '32',
      '--train',
      '1',
    ],
    { encoding: 'utf8', cwd: REPO },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readSynthMarker(out)!.options.family, 'lookalike');
  assert.ok(fs.existsSync(path.join(out, 'wood_oak', 'train', 'good', '000.png')));
});
