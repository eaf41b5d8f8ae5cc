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
