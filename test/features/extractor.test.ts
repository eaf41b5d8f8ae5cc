import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureExtractor, extractMaskBatch } from '../../src/features/extractor';
import { readRgb, writePng } from '../../src/data/images';
import { preprocess } from '../../src/features/preprocess';
import { augmentationViews, renderView } from '../../src/features/augment';
import { patchEmbed } from '../../src/features/patch-embed';
import { createRng } from '../../src/util/rng';

// Tiny sizes keep this fast: resize 72, crop 64 -> stride-8 grid 8x8.
// The previous default embedding (max pool of block_10_expand_relu, from the patch pass); the kit default has its own test.
const sizes = { resize: 72, crop: 64, quiet: true, batchSize: 2, embedding: 'mobilenet-max' as const };

async function makeImages(dir: string): Promise<string[]> {
  const rng = createRng(7);
  const paths: string[] = [];
  for (let k = 0; k < 3; k++) {
    const w = 80,
      h = 72 + 4 * k;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++) {
          data[(y * w + x) * 3 + c] = Math.min(
            255,
            Math.max(0, 128 + 80 * Math.sin((x * (k + 1) + y * c) / 6) + 20 * rng.normal()),
          );
        }
    const p = path.join(dir, `img${k}.png`);
    await writePng(p, { data, width: w, height: h });
    paths.push(p);
  }
  return paths;
}

test('end to end with the bundled backbone: extract, second run from cache, corrupt entry rebuilt, key change, views, masks', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-fx-'));
  const cacheDir = path.join(dir, 'cache');
  try {
    const paths = await makeImages(dir);
    const fx = await FeatureExtractor.create({ ...sizes, cacheDir });
    const D = fx.targetDim;
    const info = fx.describe();
    assert.deepEqual([info.gridH, info.gridW, info.targetDim, info.embedDim], [8, 8, 192, 384]);
    assert.deepEqual(info.patchLayers, ['block_5_add', 'block_10_project_BN']);
    assert.deepEqual(info.layerShapes.block_10_project_BN, [4, 4, 96]);
    assert.match(info.backend, /^(tfjs|onnxruntime)\//);
    assert.equal(info.embeddingPool, 'max');

    const a = await fx.extract(paths);
    assert.deepEqual(fx.stats, { hits: 0, misses: 3, corrupt: 0 });
    assert.deepEqual(
      [a.patches.rows, a.patches.cols, a.embeddings.rows, a.imageCount, a.inputSize],
      [3 * 64, 192, 3, 3, 64],
    );
    assert.ok(a.patches.data.every(Number.isFinite));
    // Max pool of block_10_expand_relu (post-ReLU): the embedding is non-negative (TailSampler's similarities in [0, 1]).
    assert.ok(a.embeddings.data.every((v) => v >= 0));
    // Different images give different features; the cache-free path gives the same numbers.
    assert.notDeepEqual(a.patches.data.subarray(0, D), a.patches.data.subarray(64 * D, 65 * D));
    const decoded = await Promise.all(paths.map((p) => readRgb(p)));
    const direct = await fx.extractImages(decoded);
    assert.deepEqual(direct.patches.data, a.patches.data);

    // Second extractor on the same cache: all hits, identical numbers, order kept for a permuted request.
    const fx2 = await FeatureExtractor.create({ ...sizes, cacheDir });
    const b = await fx2.extract([paths[2], paths[0], paths[1]]);
    assert.deepEqual(fx2.stats, { hits: 3, misses: 0, corrupt: 0 });
    assert.deepEqual(b.patches.data.subarray(64 * D, 128 * D), a.patches.data.subarray(0, 64 * D));
    assert.deepEqual(b.embeddings.data.subarray(0, 384), a.embeddings.data.subarray(2 * 384, 3 * 384));

    // Flip one byte in one entry: detected, recomputed, same numbers.
    const sub = fs.readdirSync(cacheDir).filter((d) => !d.startsWith('.'))[0];
    const entry = path.join(cacheDir, sub, fs.readdirSync(path.join(cacheDir, sub))[0]);
    const buf = fs.readFileSync(entry);
    buf[200] ^= 0xff;
    fs.writeFileSync(entry, buf);
    fx2.resetStats();
    const origWrite = process.stderr.write;
    (process.stderr as { write: unknown }).write = () => true; // keep the expected warning out of the test log
    let c;
    try {
      c = await fx2.extract(paths);
    } finally {
      (process.stderr as { write: unknown }).write = origWrite;
    }
    assert.deepEqual(fx2.stats, { hits: 2, misses: 1, corrupt: 1 });
    assert.deepEqual(c.patches.data, a.patches.data);

    // Another crop size is another key: nothing served from the old entries.
    const fx3 = await FeatureExtractor.create({ ...sizes, crop: 56, cacheDir });
    await fx3.extract(paths.slice(0, 1));
    assert.deepEqual(fx3.stats, { hits: 0, misses: 1, corrupt: 0 });

    // Augmentation views: all views of paths[0] first; view k equals embedding the rendered view directly.
    const aug = await fx.augmentedPatches(paths.slice(0, 2), 'rotflip');
    assert.equal(aug.rows, 2 * 7 * 64);
    const views = augmentationViews('rotflip');
    const cropped = preprocess(decoded[1], { resize: 72, crop: 64, normalization: 'mobilenet' });
    const v = renderView(views[3], { cropped }, 64); // image 1, view 3 (180 deg, no flip)
    const out = await fx.backbone.extract({ data: v.data, count: 1, height: 64, width: 64 });
    const expect = patchEmbed(
      fx.backbone.patchLayers.map((n) => out.layers[0][n]),
      { targetDim: D },
    );
    const row0 = (1 * 7 + 3) * 64;
    assert.deepEqual(aug.data.subarray(row0 * D, (row0 + 64) * D), expect.data);
    fx.resetStats();
    const again = await fx.augmentedPatches(paths.slice(0, 2), 'rotflip');
    assert.deepEqual(fx.stats, { hits: 14, misses: 0, corrupt: 0 });
    assert.deepEqual(again.data, aug.data);

    // Masks: null = normal image = all zero.
    const m = new Uint8Array(80 * 72 * 3);
    for (let y = 20; y < 50; y++) for (let x = 20; x < 50; x++) m.fill(255, (y * 80 + x) * 3, (y * 80 + x) * 3 + 3);
    const mp = path.join(dir, 'mask.png');
    await writePng(mp, { data: m, width: 80, height: 72 });
    const masks = await extractMaskBatch([null, mp], { resize: 72, crop: 64 });
    assert.equal(masks.length, 2 * 64 * 64);
    assert.ok(masks.subarray(0, 4096).every((x) => x === 0));
    // 80x72 at resize 72 is not resized: the 30x30 square survives whole inside the 64 crop (offsets 4, 8).
    assert.equal(
      masks.subarray(4096).reduce((s, x) => s + x, 0),
      900,
    );
    const shrunk = await extractMaskBatch([mp, mp], { resize: 66, crop: 64 });
    const near = await extractMaskBatch([mp], { resize: 66, crop: 64, mode: 'nearest' });
    const sum = (a: Uint8Array) => a.reduce((s, x) => s + x, 0);
    assert.ok(sum(shrunk.subarray(0, 4096)) < sum(near), 'official mode erodes the resized mask');
    fx.dispose();
    fx2.dispose();
    fx3.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
