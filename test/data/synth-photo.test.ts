import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSynthetic, renderSample, PHOTO_CLASS_NAMES } from '../../src/data/synth';
import { PHOTO_CLASSES } from '../../src/data/synth/photo';
import { SYNTH_CLASSES } from '../../src/data/synth/classes';
import { readSynthMarker } from '../../src/data/synth/marker';
import { Noise } from '../../src/data/synth/noise';
import { createRng } from '../../src/util/rng';

const brightness = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;

test('the photo family: 12 classes with names of their own and sizes of their own', () => {
  assert.equal(PHOTO_CLASS_NAMES.length, 12);
  assert.ok(PHOTO_CLASS_NAMES.every((n) => n.startsWith('photo_')));
  const sizes = PHOTO_CLASSES.map((c) => c.train).sort((a, b) => a - b);
  assert.notDeepEqual(
    sizes,
    SYNTH_CLASSES.map((c) => c.train).sort((a, b) => a - b),
  );
  for (const c of PHOTO_CLASSES)
    assert.ok(Object.values(c.defects).reduce((a, b) => a + (b ?? 0), 0) >= 15, `${c.product.name}: enough anomalies`);
});

test('photographs of one class vary more than the default family does (light, zoom, rotation)', () => {
  const noise = new Noise(createRng('t/noise'));
  const spread = (product: (typeof PHOTO_CLASSES)[number]['product']) => {
    const b = Array.from({ length: 12 }, (_, i) =>
      brightness(renderSample(product, noise, createRng(`t/${i}`), 48).rgb),
    );
    return Math.max(...b) - Math.min(...b);
  };
  const photoWood = PHOTO_CLASSES.find((c) => c.product.name === 'photo_wood')!.product;
  const wood = SYNTH_CLASSES.find((c) => c.product.name === 'wood')!.product;
  assert.ok(
    spread(photoWood) > 1.5 * spread(wood),
    `photo ${spread(photoWood).toFixed(1)} vs default ${spread(wood).toFixed(1)}`,
  );
});

test('photo masks are pixel-exact: the shot (warp, light, wear) is applied identically to the clean twin', () => {
  const noise = new Noise(createRng('t/noise'));
  for (const cls of PHOTO_CLASSES) {
    for (const d of Object.keys(cls.defects)) {
      const s = renderSample(cls.product, noise, createRng(`t/${cls.product.name}/${d}`), 48, d as never, true);
      let inside = 0;
      for (let i = 0; i < s.mask!.length; i++) {
        const diff =
          Math.abs(s.rgb[3 * i] - s.clean![3 * i]) +
          Math.abs(s.rgb[3 * i + 1] - s.clean![3 * i + 1]) +
          Math.abs(s.rgb[3 * i + 2] - s.clean![3 * i + 2]);
        if (s.mask![i]) inside++;
        else assert.equal(diff, 0, `${cls.product.name}/${d} pixel ${i} outside the mask changed`);
      }
      assert.ok(inside >= 1, `${cls.product.name}/${d}: empty mask`);
    }
  }
});

test('generateSynthetic family photo: deterministic and marked as its own family', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-photo-'));
  try {
    const opts = {
      family: 'photo' as const,
      classes: ['photo_wood', 'photo_cable'],
      size: 40,
      trainCount: 2,
      testGood: 1,
      defectsPerType: 1,
      quiet: true,
    };
    await generateSynthetic({ out: path.join(tmp, 'a'), seed: 3, ...opts });
    await generateSynthetic({ out: path.join(tmp, 'b'), seed: 3, ...opts });
    for (const f of [
      'photo_wood/train/good/001.png',
      'photo_cable/test/missing/000.png',
      'photo_cable/ground_truth/missing/000_mask.png',
    ]) {
      assert.ok(fs.readFileSync(path.join(tmp, 'a', f)).equals(fs.readFileSync(path.join(tmp, 'b', f))), f);
    }
    assert.equal((readSynthMarker(path.join(tmp, 'a'))!.options as { family?: string }).family, 'photo');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
