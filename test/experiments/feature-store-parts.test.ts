import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFeatureStore } from '../../src/experiments/feature-store';
import type { FeatureSource } from '../../src/experiments/pipeline';

/** Each image's 4 patches x 2 dims and its 1-d embedding encode its path's number, so a mix-up shows. */
const source: FeatureSource = {
  async extract(paths) {
    const n = paths.length;
    const patches = new Float32Array(n * 8);
    const emb = new Float32Array(n);
    paths.forEach((p, i) => {
      const v = Number(p.slice(1));
      emb[i] = v;
      for (let j = 0; j < 8; j++) patches[i * 8 + j] = v * 10 + j;
    });
    return {
      patches: { data: patches, rows: n * 4, cols: 2 },
      embeddings: { data: emb, rows: n, cols: 1 },
      gridH: 2,
      gridW: 2,
      imageCount: n,
      inputSize: 4,
    };
  },
  async augmentedPatches() {
    throw new Error('unused');
  },
  describe: () => ({ resize: 8, crop: 8 }),
};

test('the feature store keeps its chunks apart (no dataset-sized array) and takes rows across chunks in any order', async () => {
  const paths = Array.from({ length: 7 }, (_, i) => `p${i}`);
  const store = await buildFeatureStore(source, [...paths, 'p3'], { chunk: 3, quiet: true });
  assert.equal(store.imageCount, 7);
  const order = ['p6', 'p0', 'p4', 'p4', 'p2'];
  const fs = store.take(order);
  assert.equal(fs.imageCount, 5);
  assert.deepEqual([...fs.embeddings.data], [6, 0, 4, 4, 2]);
  order.forEach((p, k) =>
    assert.deepEqual(
      [...fs.patches.data.subarray(k * 8, k * 8 + 8)],
      Array.from({ length: 8 }, (_, j) => Number(p.slice(1)) * 10 + j),
    ),
  );
  assert.throws(() => store.take(['p9']), /p9 was not extracted/);
});

test('a lazy store extracts patches only, and embeddings only for the images asked for (once each)', async () => {
  const asked: string[][] = [];
  const lazySource: FeatureSource = {
    ...source,
    async extract() {
      throw new Error('a lazy store must not run the one-pass extract');
    },
    async extractPatches(paths) {
      const f = await source.extract(paths);
      return { ...f, embeddings: { data: new Float32Array(0), rows: paths.length, cols: 0 } };
    },
    async extractEmbeddings(paths) {
      asked.push([...paths]);
      return { data: Float32Array.from(paths, (p) => Number(p.slice(1))), rows: paths.length, cols: 1 };
    },
  };
  const paths = Array.from({ length: 7 }, (_, i) => `p${i}`);
  const store = await buildFeatureStore(lazySource, paths, { chunk: 3, quiet: true, lazyEmbeddings: true });
  const fs = store.take(['p5', 'p1']);
  assert.equal(fs.embeddings.cols, 0);
  assert.deepEqual([...fs.patches.data.subarray(0, 2)], [50, 51]);
  assert.ok(store.embeddingsOf);
  assert.deepEqual([...(await store.embeddingsOf(['p5', 'p1', 'p5'])).data], [5, 1, 5]);
  assert.deepEqual([...(await store.embeddingsOf(['p1', 'p2'])).data], [1, 2]);
  assert.deepEqual(asked, [['p5', 'p1'], ['p2']], 'each image embedded once, only when asked');
  await assert.rejects(store.embeddingsOf(['elsewhere']), /not extracted into the feature store/);
  // Without the option (or without the two methods) the store is the one-pass store, with no embeddingsOf.
  const eager = await buildFeatureStore(source, paths, { quiet: true, lazyEmbeddings: true });
  assert.equal(eager.embeddingsOf, undefined);
});
