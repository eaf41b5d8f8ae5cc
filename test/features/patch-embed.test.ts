import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptivePoolWindows, adaptiveAvgPool1d, unfold, patchEmbed } from '../../src/features/patch-embed';
import { alignCornersFalseTaps, resizeBilinearHwc } from '../../src/features/resize';
import { LayerMap } from '../../src/features/types';
import { createRng } from '../../src/util/rng';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

test('adaptive pooling windows match PyTorch: [floor(i*L/D), ceil((i+1)*L/D))', () => {
  const w = adaptivePoolWindows(5, 3);
  assert.deepEqual([...w.start], [0, 1, 3]);
  assert.deepEqual([...w.end], [2, 4, 5]);
  close(adaptiveAvgPool1d([1, 2, 3, 4, 5], 3), [1.5, 3, 4.5]);
  // WRN50 layer2: 4608 -> 1024 gives overlapping windows of 5; layer3: 9216 -> 1024 exactly 9 (docs/method.md §1.3).
  const l2 = adaptivePoolWindows(4608, 1024);
  assert.deepEqual([l2.start[0], l2.end[0], l2.start[1], l2.end[1]], [0, 5, 4, 9]);
  const l3 = adaptivePoolWindows(9216, 1024);
  for (let i = 0; i < 1024; i++) assert.equal(l3.end[i] - l3.start[i], 9);
  // Fusion 2048 -> 1024 averages adjacent pairs.
  const f = adaptivePoolWindows(2048, 1024);
  assert.deepEqual([f.start[511], f.end[511], f.start[512], f.end[512]], [1022, 1024, 1024, 1026]);
});

test('unfold order is c*9 + ky*3 + kx with zero padding, positions row-major', () => {
  // 3x3 map, 2 channels, value(y, x, c) = 100c + 10y + x + 1 (the +1 keeps real values away from the padding zeros).
  const data = new Float32Array(3 * 3 * 2);
  for (let y = 0; y < 3; y++)
    for (let x = 0; x < 3; x++) for (let c = 0; c < 2; c++) data[(y * 3 + x) * 2 + c] = 100 * c + 10 * y + x + 1;
  const u = unfold({ data, height: 3, width: 3, channels: 2 });
  assert.equal(u.rows, 9);
  assert.equal(u.cols, 18);
  const at = (pos: number, c: number, ky: number, kx: number) => u.data[pos * 18 + c * 9 + ky * 3 + kx];
  // position (0,0): the top row and left column of its window are padding.
  assert.equal(at(0, 0, 0, 0), 0);
  assert.equal(at(0, 0, 1, 0), 0);
  assert.equal(at(0, 1, 1, 1), 101); // centre, channel 1 = value(0,0,1)
  assert.equal(at(0, 0, 2, 2), 12); // value(1,1,0)
  // position (1,2) = row 5: neighbour (ky=0,kx=0) is (0,1); (ky=2,kx=1) is (2,2); kx=2 is padding.
  assert.equal(at(5, 0, 0, 0), 2);
  assert.equal(at(5, 1, 2, 1), 123);
  assert.equal(at(5, 0, 1, 2), 0);
});

test('bilinear align_corners=false on a 2x2 map upsampled to 4x4 (hand-computed)', () => {
  const t = alignCornersFalseTaps(2, 4);
  assert.deepEqual([...t.i0], [0, 0, 0, 1]);
  assert.deepEqual([...t.i1], [1, 1, 1, 1]);
  close(t.w1, [0, 0.25, 0.75, 0.25]); // last: both taps are index 1, so the weight does not matter
  const out = resizeBilinearHwc(Float32Array.from([0, 10, 20, 30]), 2, 2, 1, 4, 4);
  close(out, [0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30]);
});

/** The official order, literally: unfold every layer, interpolate the coarse unfolded maps, pool each, fuse. */
function officialPatchEmbed(maps: LayerMap[], D: number): Float32Array {
  const H0 = maps[0].height,
    W0 = maps[0].width;
  const perLayer = maps.map((m) => {
    const u = unfold(m); // (H*W) x (C*9) = an HWC map with C*9 channels
    const aligned = resizeBilinearHwc(u.data, m.width, m.height, u.cols, W0, H0);
    const pooled = new Float32Array(H0 * W0 * D);
    for (let p = 0; p < H0 * W0; p++)
      pooled.set(adaptiveAvgPool1d(aligned.subarray(p * u.cols, (p + 1) * u.cols), D), p * D);
    return pooled;
  });
  const out = new Float32Array(H0 * W0 * D);
  for (let p = 0; p < H0 * W0; p++) {
    const cat = new Float32Array(maps.length * D);
    perLayer.forEach((l, i) => cat.set(l.subarray(p * D, (p + 1) * D), i * D));
    out.set(adaptiveAvgPool1d(cat, D), p * D);
  }
  return out;
}

test('patchEmbed equals the official unfold -> align -> pool -> fuse order on random maps', () => {
  const rng = createRng(3);
  const mk = (h: number, w: number, c: number): LayerMap => {
    const data = new Float32Array(h * w * c);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    return { data, height: h, width: w, channels: c };
  };
  const maps = [mk(6, 8, 5), mk(3, 4, 7)];
  for (const D of [4, 10, 64]) {
    const got = patchEmbed(maps, { targetDim: D });
    assert.equal(got.rows, 48);
    assert.equal(got.cols, D);
    close(got.data, officialPatchEmbed(maps, D), 1e-4);
  }
});

test('fusion: with one channel per layer and D=2, dim 0 is the first layer 3x3 mean, dim 1 the second', () => {
  // Constant maps: layer A = 9 everywhere (4x4), layer B = 18 everywhere (2x2). At the interior position (1,1)
  // the 3x3 window is complete, so A pools to 9 and B (upsampled) to 18; at corner (0,0) A sees 4 of 9 values.
  const A: LayerMap = { data: new Float32Array(16).fill(9), height: 4, width: 4, channels: 1 };
  const B: LayerMap = { data: new Float32Array(4).fill(18), height: 2, width: 2, channels: 1 };
  const f = patchEmbed([A, B], { targetDim: 2 });
  // Layer A: L = 9 -> D = 2: windows [0,5) and [4,9). Interior: both 9 -> fused dim 0 = mean(9, 9) = 9.
  assert.ok(Math.abs(f.data[(1 * 4 + 1) * 2] - 9) < 1e-6);
  // Corner (0,0) of A: kernel entries 4,5,7,8 are real (value 9). Window [0,5) holds entry 4 -> 9/5; [4,9) holds 4,5,7,8 -> 36/5.
  assert.ok(Math.abs(f.data[0] - (9 / 5 + 36 / 5) / 2) < 1e-6);
  // Layer B on its 2x2 grid: every position has 4 real entries; corners like A: (18/5 + 72/5) / 2 = 9, then upsampled.
  assert.ok(Math.abs(f.data[1] - 9) < 1e-5);
});
