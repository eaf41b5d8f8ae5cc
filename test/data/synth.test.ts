import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSynthetic, renderSample, SYNTH_CLASS_NAMES } from '../../src/data/synth';
import { SYNTH_CLASSES } from '../../src/data/synth/classes';
import { Noise } from '../../src/data/synth/noise';
import { createRng } from '../../src/util/rng';

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

test('the default class table: 12 classes, half textures, 60-200 train, 30-60 defective, >= 4 defect kinds overall', () => {
  assert.equal(SYNTH_CLASS_NAMES.length, 12);
  assert.equal(SYNTH_CLASSES.filter((c) => c.product.kind === 'texture').length, 6);
  const kinds = new Set<string>();
  for (const c of SYNTH_CLASSES) {
    assert.ok(c.train >= 60 && c.train <= 200, c.product.name);
    const bad = Object.values(c.defects).reduce((a, b) => a + (b ?? 0), 0);
    assert.ok(bad >= 30 && bad <= 60, `${c.product.name}: ${bad}`);
    Object.keys(c.defects).forEach((k) => kinds.add(k));
  }
  assert.ok(kinds.size >= 6, [...kinds].join(','));
  assert.ok(new Set(SYNTH_CLASSES.map((c) => c.train)).size > 6, 'class sizes differ');
});

test('same seed: byte-identical files; another seed: different pixels', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-synth-'));
  try {
    const opts = { classes: ['wood', 'pcb'], size: 48, trainCount: 2, testGood: 1, defectsPerType: 1, quiet: true };
    await generateSynthetic({ out: path.join(tmp, 'a'), seed: 5, ...opts });
    await generateSynthetic({ out: path.join(tmp, 'b'), seed: 5, ...opts });
    await generateSynthetic({ out: path.join(tmp, 'c'), seed: 6, ...opts });
    const fa = files(path.join(tmp, 'a'));
    assert.deepEqual(fa, files(path.join(tmp, 'b')));
    assert.ok(fa.includes('pcb/ground_truth/missing/000_mask.png'));
    for (const f of fa)
      assert.ok(fs.readFileSync(path.join(tmp, 'a', f)).equals(fs.readFileSync(path.join(tmp, 'b', f))), f);
    assert.ok(
      !fs
        .readFileSync(path.join(tmp, 'a', 'wood/train/good/000.png'))
        .equals(fs.readFileSync(path.join(tmp, 'c', 'wood/train/good/000.png'))),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('masks are pixel-exact: a defect changes no pixel outside its mask, and most pixels inside', () => {
  const noise = new Noise(createRng('t/noise'));
  for (const cls of SYNTH_CLASSES) {
    for (const d of Object.keys(cls.defects)) {
      const s = renderSample(cls.product, noise, createRng(`t/${cls.product.name}/${d}`), 64, d as never, true);
      let inside = 0,
        changedInside = 0;
      for (let i = 0; i < s.mask!.length; i++) {
        const diff =
          Math.abs(s.rgb[3 * i] - s.clean![3 * i]) +
          Math.abs(s.rgb[3 * i + 1] - s.clean![3 * i + 1]) +
          Math.abs(s.rgb[3 * i + 2] - s.clean![3 * i + 2]);
        if (s.mask![i]) {
          inside++;
          if (diff > 0) changedInside++;
        } else assert.equal(diff, 0, `${cls.product.name}/${d} pixel ${i} outside the mask changed`);
      }
      assert.ok(inside >= 6, `${cls.product.name}/${d}: mask of ${inside} px`);
      assert.ok(changedInside >= 0.8 * inside, `${cls.product.name}/${d}: ${changedInside}/${inside} changed`);
    }
  }
});

test('normal samples of a class vary (pose, phase, lighting, noise) but stay alike', () => {
  const noise = new Noise(createRng('t/noise'));
  for (const cls of SYNTH_CLASSES) {
    const a = renderSample(cls.product, noise, createRng('v/1'), 64).rgb;
    const b = renderSample(cls.product, noise, createRng('v/2'), 64).rgb;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
    assert.ok(diff / a.length > 2, `${cls.product.name}: two normal samples are near copies`);
  }
});
