import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, preprocessMask, normalizeRgb, preprocessResizeOnly } from '../../src/features/preprocess';
import { centerCropOffsets, shorterSideSize, resizeBilinearU8, roundHalfEven } from '../../src/features/resize';
import { OptionError } from '../../src/util/errors';

test('shorter side to 256 and centre-crop offsets follow torchvision (int() and round half to even)', () => {
  assert.deepEqual(shorterSideSize(1024, 1024, 256), { width: 256, height: 256 });
  assert.deepEqual(shorterSideSize(300, 200, 256), { width: 384, height: 256 });
  assert.deepEqual(shorterSideSize(200, 301, 256), { width: 256, height: 385 }); // int(256*301/200) = int(385.28)
  assert.deepEqual(centerCropOffsets(256, 256, 224), { top: 16, left: 16 });
  assert.deepEqual(centerCropOffsets(257, 258, 224), { top: 16, left: 17 }); // round(16.5) = 16, round(17) = 17
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(-0.5), -0);
});

test('PIL-style bilinear: a 2x downscale of a 1-D ramp averages with the widened triangle filter (hand-computed)', () => {
  // 4 -> 2 pixels, scale 2, support 2: output 0 centre 1.0 covers inputs 0..2 with weights (0.75, 0.75, 0.25)/1.75.
  const out = resizeBilinearU8(Uint8Array.from([0, 40, 80, 120]), 4, 1, 1, 2, 1);
  assert.deepEqual(
    [...out],
    [Math.round((0 * 0.75 + 40 * 0.75 + 80 * 0.25) / 1.75), Math.round((40 * 0.25 + 80 * 0.75 + 120 * 0.75) / 1.75)],
  );
  // constant images stay constant at any scale
  assert.deepEqual([...resizeBilinearU8(new Uint8Array(7 * 5).fill(77), 7, 5, 1, 3, 4)], new Array(12).fill(77));
});

test('resizeBilinearU8 is byte-identical to Pillow 9.4 Image.resize(BILINEAR), down and up (reference bytes from Pillow)', () => {
  const src = Uint8Array.from([
    130, 183, 14, 238, 127, 26, 80, 57, 190, 240, 126, 194, 52, 127, 6, 110, 208, 143, 93, 199, 81, 36, 71, 227, 64, 67,
    0, 2, 107, 110, 84, 85, 148, 160, 101, 104, 93, 100, 196, 152, 11, 184, 212, 84, 74, 135, 33, 169, 154, 1, 173, 33,
    158, 181, 156, 246, 161, 94, 246, 241, 90, 29, 131, 11, 183, 206, 9, 214, 187, 192, 4, 231, 23, 92, 100, 60, 125,
    236, 176, 181, 128, 236, 55, 188, 151, 18, 221, 46, 106, 174,
  ]);
  const down = [
    129, 157, 69, 106, 82, 115, 107, 109, 122, 107, 142, 104, 109, 125, 179, 131, 72, 126, 96, 76, 156, 100, 95, 174,
    78, 165, 168, 118, 135, 173, 123, 108, 192, 101, 77, 202,
  ];
  assert.deepEqual([...resizeBilinearU8(src, 6, 5, 3, 4, 3)], down);
  const up = resizeBilinearU8(src, 6, 5, 3, 9, 7);
  assert.deepEqual(
    [...up.subarray(0, 24)],
    [130, 183, 14, 184, 155, 20, 212, 115, 53, 106, 69, 163, 160, 92, 192, 209, 126, 163, 83, 127, 37, 81, 168, 75],
  );
  assert.deepEqual([...up.subarray(up.length - 9)], [165, 24, 215, 99, 62, 198, 46, 106, 174]);
});

test('normalisation: MobileNetV2 x/127.5-1 and ImageNet mean/std', () => {
  const m = normalizeRgb(Uint8Array.from([0, 255, 127]), 'mobilenet');
  assert.deepEqual(
    [...m].map((v) => +v.toFixed(4)),
    [-1, 1, -0.0039],
  );
  const i = normalizeRgb(Uint8Array.from([255, 0, 0]), 'imagenet');
  assert.ok(Math.abs(i[0] - (1 - 0.485) / 0.229) < 1e-5);
  assert.ok(Math.abs(i[1] - -0.456 / 0.224) < 1e-5);
});

test('preprocess gives crop x crop x 3 and rejects crop > resize', () => {
  const img = { data: new Uint8Array(40 * 30 * 3).fill(255), width: 40, height: 30 };
  const p = preprocess(img, { resize: 32, crop: 28 });
  assert.equal(p.width, 28);
  assert.equal(p.data.length, 28 * 28 * 3);
  assert.ok(p.data.every((v) => v === 1));
  const r = preprocessResizeOnly(img, { resize: 32, crop: 28 });
  assert.deepEqual([r.width, r.height], [42, 32]);
  assert.throws(() => preprocess(img, { resize: 32, crop: 40 }), OptionError);
  assert.throws(() => preprocess(img, { resize: 32, crop: 28, size: 3 } as never), /unknown option "size"/);
});

test("mask 'official' mode erodes the edges (only pixels that stay exactly 1.0 survive); 'nearest' does not", () => {
  // 16x16 mask with an 8x8 square at (4..11), resized to 12 then cropped to 12 (no crop offset).
  const data = new Uint8Array(16 * 16);
  for (let y = 4; y < 12; y++) for (let x = 4; x < 12; x++) data[y * 16 + x] = 1;
  const mask = { data, width: 16, height: 16 };
  const off = preprocessMask(mask, { resize: 12, crop: 12, mode: 'official' });
  const near = preprocessMask(mask, { resize: 12, crop: 12, mode: 'nearest' });
  const count = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
  // nearest keeps the square's area scaled by (12/16)^2: 6x6 = 36 pixels
  assert.equal(count(near), 36);
  // official: the blurred border row/column on each side falls below 255 and is dropped -> 4x4 core
  assert.equal(count(off), 16);
  for (let i = 0; i < off.length; i++) if (off[i]) assert.equal(near[i], 1); // eroded, never grown
});
