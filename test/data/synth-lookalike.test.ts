import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSynthetic, renderSample, LOOKALIKE_CLASS_NAMES } from '../../src/data/synth';
import { LOOKALIKE_CLASSES } from '../../src/data/synth/lookalike';
import { readSynthMarker } from '../../src/data/synth/marker';
import { Noise } from '../../src/data/synth/noise';
import { createRng } from '../../src/util/rng';
import { OptionError } from '../../src/util/errors';

const mean = (a: Uint8Array, ch: number) => {
  let s = 0;
  for (let i = ch; i < a.length; i += 3) s += a[i];
  return s / (a.length / 3);
};

test('the look-alike family: 12 classes in look-alike groups, names of their own, 40-150 train images each', () => {
  assert.equal(LOOKALIKE_CLASS_NAMES.length, 12);
  const groups = new Map<string, number>();
  for (const n of LOOKALIKE_CLASS_NAMES) groups.set(n.split('_')[0], (groups.get(n.split('_')[0]) ?? 0) + 1);
  assert.equal(groups.get('wood'), 3);
  for (const g of ['weave', 'stone', 'screw', 'nut']) assert.equal(groups.get(g), 2, g);
  for (const c of LOOKALIKE_CLASSES) {
    assert.ok(c.train >= 40 && c.train <= 150, c.product.name);
    assert.ok(
      Object.values(c.defects).reduce((a, b) => a + (b ?? 0), 0) >= 15,
      `${c.product.name}: enough anomalies for 10 % noise`,
    );
  }
});

test('look-alike classes are alike but not identical: two woods differ less than a wood and a screw', () => {
  const noise = new Noise(createRng('t/noise'));
  const by = (n: string) => LOOKALIKE_CLASSES.find((c) => c.product.name === n)!.product;
  const img = (n: string) => renderSample(by(n), noise, createRng(`la/${n}`), 64).rgb;
  const colour = (a: Uint8Array) => [0, 1, 2].map((c) => mean(a, c));
  const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  const oak = colour(img('wood_oak')),
    walnut = colour(img('wood_walnut')),
    screw = colour(img('screw_steel'));
  assert.ok(dist(oak, walnut) > 5, 'two woods must not be copies');
  assert.ok(dist(oak, walnut) < dist(oak, screw));
});

test('look-alike masks are pixel-exact (the colour cast is applied before the defect, as lighting is)', () => {
  const noise = new Noise(createRng('t/noise'));
  for (const cls of LOOKALIKE_CLASSES) {
    const d = Object.keys(cls.defects)[0];
    const s = renderSample(cls.product, noise, createRng(`t/${cls.product.name}/${d}`), 64, d as never, true);
    let inside = 0;
    for (let i = 0; i < s.mask!.length; i++) {
      const diff =
        Math.abs(s.rgb[3 * i] - s.clean![3 * i]) +
        Math.abs(s.rgb[3 * i + 1] - s.clean![3 * i + 1]) +
        Math.abs(s.rgb[3 * i + 2] - s.clean![3 * i + 2]);
      if (s.mask![i]) inside++;
      else assert.equal(diff, 0, `${cls.product.name}/${d} pixel ${i} outside the mask changed`);
    }
    assert.ok(inside >= 6, `${cls.product.name}/${d}: mask of ${inside} px`);
  }
});

test('generateSynthetic family lookalike: deterministic, marked as its own family; unknown family refused', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-la-'));
  try {
    const opts = {
      family: 'lookalike' as const,
      classes: ['wood_oak', 'nut_brass'],
      size: 40,
      trainCount: 2,
      testGood: 1,
      defectsPerType: 1,
      quiet: true,
    };
    await generateSynthetic({ out: path.join(tmp, 'a'), seed: 3, ...opts });
    await generateSynthetic({ out: path.join(tmp, 'b'), seed: 3, ...opts });
    for (const f of [
      'wood_oak/train/good/001.png',
      'nut_brass/test/dent/000.png',
      'nut_brass/ground_truth/dent/000_mask.png',
    ]) {
      assert.ok(fs.readFileSync(path.join(tmp, 'a', f)).equals(fs.readFileSync(path.join(tmp, 'b', f))), f);
    }
    assert.equal((readSynthMarker(path.join(tmp, 'a'))!.options as Record<string, unknown>).family, 'lookalike');
    // The default family's marker keeps its old form (no family key), so existing folders are reused as before.
    await generateSynthetic({
      out: path.join(tmp, 'd'),
      seed: 3,
      classes: ['wood'],
      size: 40,
      trainCount: 1,
      testGood: 1,
      defectsPerType: 1,
      quiet: true,
    });
    assert.ok(!('family' in (readSynthMarker(path.join(tmp, 'd'))!.options as Record<string, unknown>)));
    await assert.rejects(
      generateSynthetic({ out: path.join(tmp, 'e'), family: 'marble' as never, quiet: true }),
      OptionError,
    );
    await assert.rejects(
      generateSynthetic({ out: path.join(tmp, 'e'), family: 'lookalike', classes: ['wood'], quiet: true }),
      OptionError,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
