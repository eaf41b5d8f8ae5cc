import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AUGMENTATION_VIEWS,
  augmentationViews,
  hflip,
  renderView,
  replicatePad,
  rotateNearest,
  rotationPadding,
  viewKey,
} from '../../src/features/augment';
import { FloatImage } from '../../src/features/preprocess';

function ramp(w: number, h: number): FloatImage {
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = i + 1000 * c;
  return { data, width: w, height: h };
}
const px = (im: FloatImage, x: number, y: number, c = 0) => im.data[(y * im.width + x) * 3 + c];

test('padding before rotation is 47 px at crop 224 (docs/method.md §3.3)', () => {
  assert.equal(rotationPadding(224), 47);
  assert.equal(rotationPadding(112), 24);
});

test('views: counts and the official order (angle outer, flip inner, identity excluded)', () => {
  assert.equal(augmentationViews('rot15flip').length, 47);
  assert.equal(augmentationViews('rot30flip').length, 23);
  assert.equal(augmentationViews('rot45flip').length, 15);
  assert.deepEqual({ ...AUGMENTATION_VIEWS }, { rot15flip: 47, rot30flip: 23, rot45flip: 15, rotflip: 7 }); // derived from the views
  const rf = augmentationViews('rotflip');
  assert.deepEqual(
    rf.map((v) => [v.angle, v.flip]),
    [
      [0, true],
      [90, false],
      [90, true],
      [180, false],
      [180, true],
      [270, false],
      [270, true],
    ],
  );
  // rot30flip's views are a subset of rot15flip's, so their cache entries are shared.
  const k15 = new Set(augmentationViews('rot15flip').map(viewKey));
  for (const v of augmentationViews('rot30flip')) assert.ok(k15.has(viewKey(v)));
});

test('rotation by 90 with nearest sampling is an exact counter-clockwise rot90', () => {
  for (const [w, h] of [
    [4, 4],
    [5, 5],
  ]) {
    const im = ramp(w, h);
    const r = rotateNearest(im, 90);
    // CCW quarter turn of a square: out(x, y) = in(w-1-y, x).
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) assert.equal(px(r, x, y, 2), px(im, w - 1 - y, x, 2));
    const r4 = rotateNearest(rotateNearest(r, 180), 90);
    assert.deepEqual(r4.data, im.data);
  }
});

test('a small rotation is counter-clockwise: the right-middle pixel moves up', () => {
  const im: FloatImage = { data: new Float32Array(9 * 9 * 3), width: 9, height: 9 };
  im.data[(4 * 9 + 8) * 3] = 1; // (x=8, y=4): right of centre
  const r = rotateNearest(im, 30);
  // cos30*4 = 3.46 -> 3, -sin30*4 = -2 -> source (8,4) lands on (x=4+3, y=4-2)
  assert.equal(px(r, 7, 2), 1);
});

test('hflip mirrors columns; replicate pad copies edges', () => {
  const im = ramp(3, 2);
  const f = hflip(im);
  assert.equal(px(f, 0, 0), px(im, 2, 0));
  assert.equal(px(f, 2, 1, 1), px(im, 0, 1, 1));
  const p = replicatePad(im, 2);
  assert.equal(p.width, 7);
  assert.equal(p.height, 6);
  assert.equal(px(p, 0, 0), px(im, 0, 0));
  assert.equal(px(p, 6, 5), px(im, 2, 1));
  assert.equal(px(p, 3, 2), px(im, 1, 0));
});

test('rotXflip view (0 deg, flip) is the flipped centre crop of the resize-only image; 90 deg views crop the rotated padded image', () => {
  const resized = ramp(10, 12); // 10 wide, 12 high; crop 8 -> offsets top 2, left 1
  const v = renderView({ angle: 0, flip: true, source: 'resized' }, { resized }, 8);
  assert.equal(v.width, 8);
  assert.equal(px(v, 0, 0), px(hflip(resized), 1, 2));
  const r = renderView({ angle: 90, flip: false, source: 'resized' }, { resized }, 8);
  const pad = rotationPadding(8); // 2
  const big = rotateNearest(replicatePad(resized, pad), 90); // 14 x 16, crop offsets top 4, left 3
  assert.equal(px(r, 5, 6, 1), px(big, 3 + 5, 4 + 6, 1));
});
