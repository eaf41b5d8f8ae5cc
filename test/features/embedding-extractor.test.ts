import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeatureExtractor } from '../../src/features/extractor';
import { ImageEmbedder, KIT_DEFAULT_EMBEDDING, EmbeddingSpec } from '../../src/features/embedding-pass';
import { readRgb, writePng } from '../../src/data/images';
import { createRng } from '../../src/util/rng';
import { OptionError } from '../../src/util/errors';

async function makeImages(dir: string, n: number): Promise<string[]> {
  const rng = createRng(11);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const w = 72,
      h = 72,
      data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++)
      data[i] = Math.min(255, Math.max(0, 120 + 70 * Math.sin((i % (w * 3)) / (5 + k)) + 25 * rng.normal()));
    const p = path.join(dir, `e${k}.png`);
    await writePng(p, { data, width: w, height: h });
    out.push(p);
  }
  return out;
}

test('the extractor runs the embedding in its own pass: same numbers as ImageEmbedder, described, keyed, cached', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-embx-'));
  try {
    const paths = await makeImages(dir, 3);
    const spec: EmbeddingSpec = { ...KIT_DEFAULT_EMBEDDING, resize: 72, crop: 64 };
    const cacheDir = path.join(dir, 'cache');
    const fx = await FeatureExtractor.create({ resize: 72, crop: 64, quiet: true, cacheDir, embedding: spec });
    const info = fx.describe();
    assert.equal(info.embedding.source, 'own pass');
    assert.deepEqual(info.embedding.spec, spec);
    const a = await fx.extract(paths);
    const emb = await ImageEmbedder.create(spec);
    const direct = await emb.embed(await Promise.all(paths.map((p) => readRgb(p))));
    assert.equal(info.embedDim, emb.dim);
    assert.deepEqual(a.embeddings.data, direct.data);
    emb.dispose();
    // Served from the cache the second time; the previous default is another cache key (patches recomputed).
    const fx2 = await FeatureExtractor.create({ resize: 72, crop: 64, quiet: true, cacheDir, embedding: spec });
    await fx2.extract(paths);
    assert.deepEqual(fx2.stats, { hits: 3, misses: 0, corrupt: 0 });
    const fx3 = await FeatureExtractor.create({
      resize: 72,
      crop: 64,
      quiet: true,
      cacheDir,
      embedding: 'mobilenet-max',
    });
    const c = await fx3.extract(paths);
    assert.deepEqual(fx3.stats, { hits: 0, misses: 3, corrupt: 0 });
    assert.deepEqual(c.patches.data, a.patches.data, 'the embedding choice does not touch the patch features');
    assert.equal(fx3.describe().embedding.source, 'patch backbone');
    // The paper's form: the bundled backbone loaded with an average pool, non-negative (post-ReLU) embeddings.
    const fx4 = await FeatureExtractor.create({ resize: 72, crop: 64, quiet: true, embedding: 'paper' });
    assert.equal(fx4.describe().embeddingPool, 'avg');
    const d = await fx4.extract(paths);
    assert.ok(d.embeddings.data.every((v) => v >= 0));
    await assert.rejects(FeatureExtractor.create({ quiet: true, embedding: 'best' as never }), OptionError);
    for (const f of [fx, fx2, fx3, fx4]) f.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("extractPatches and extractEmbeddings give extract()'s numbers, each cached apart", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-embsplit-'));
  try {
    const paths = await makeImages(dir, 3);
    const spec: EmbeddingSpec = { ...KIT_DEFAULT_EMBEDDING, resize: 72, crop: 64 };
    const cacheDir = path.join(dir, 'cache');
    const opts = { resize: 72, crop: 64, quiet: true, cacheDir, embedding: spec };
    const fx = await FeatureExtractor.create(opts);
    const both = await fx.extract(paths);
    const p = await fx.extractPatches(paths);
    assert.equal(p.embeddings.cols, 0);
    assert.deepEqual(p.patches.data, both.patches.data);
    const e = await fx.extractEmbeddings([paths[2], paths[0]]);
    assert.deepEqual(e.data.subarray(0, e.cols), both.embeddings.data.subarray(2 * e.cols, 3 * e.cols));
    assert.deepEqual(e.data.subarray(e.cols), both.embeddings.data.subarray(0, e.cols));
    fx.dispose();
    // A second extractor reads both halves from the cache, and embeds nothing it is not asked for.
    const fx2 = await FeatureExtractor.create(opts);
    await fx2.extractPatches(paths);
    assert.deepEqual(fx2.stats, { hits: 3, misses: 0, corrupt: 0 });
    fx2.resetStats();
    await fx2.extractEmbeddings(paths);
    assert.deepEqual(fx2.stats, { hits: 2, misses: 1, corrupt: 0 }, 'paths[1] had no embedding yet');
    fx2.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
