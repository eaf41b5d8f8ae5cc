import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TailedCore, createModel, MemoryBankModel } from '../../src/models';
import { synthFeatures, DILEMMA, PROBES } from './synthetic';

const train = synthFeatures(DILEMMA, 'train');
const probes = synthFeatures(PROBES, 'probe');

test('TailedCore with the real TailSampler finds the one-image tail class from the embeddings', async () => {
  const m = new TailedCore({ seed: 1, augmentation: null }); // tail: {} = trim_min + mode vote
  await m.fit(train);
  // Embeddings: 18 images on axis 0 (class A incl. its 2 noise images), 1 on axis 3 (T, index 18).
  // Class sizes: A's count is trimmed to floor(0.85*L) style estimates, T's is 1; the 15 % cap allows
  // floor(0.15*sum) = 2 images, so maxK = 1 and only image 18 is tail.
  assert.deepEqual(Array.from(m.info.tailImageIndices), [18]);
  assert.equal(m.info.maxK, 1);
  assert.equal(m.info.predictedClassSizes![18], 1);
  assert.ok(m.info.predictedClassSizes![0] > 10);
  const p = await m.predict(probes);
  assert.ok(p.imageScores[2] < 1 && p.imageScores[1] > 50, `${Array.from(p.imageScores)}`);
  // Other threshold types pass straight through to the sampler.
  const h = createModel('tailedcore-noaug', {
    seed: 1,
    tail: { thresholdType: 'half_min', vote: 'mean' },
  }) as MemoryBankModel;
  await h.fit(train);
  assert.deepEqual(Array.from(h.info.tailImageIndices), [18]);
  // A bad TailSampler option fails when the model is created, not inside fit() after the head coreset.
  assert.throws(
    () => new TailedCore({ augmentation: null, tail: { thresholdType: 'nope' as never } }),
    /tail\.thresholdType/,
  );
});

test('TailedCore loads embeddings left out up front (lazy feature store) and picks the same tail', async () => {
  let calls = 0;
  const lazy = {
    ...train,
    embeddings: { data: new Float32Array(0), rows: train.imageCount, cols: 0 },
    loadEmbeddings: async () => {
      calls++;
      return train.embeddings;
    },
  };
  const m = new TailedCore({ seed: 1, augmentation: null });
  await m.fit(lazy);
  assert.equal(calls, 1);
  assert.deepEqual(Array.from(m.info.tailImageIndices), [18]);
  // PatchCore never asks for them.
  const pc = createModel('patchcore', { seed: 1 }) as MemoryBankModel;
  await pc.fit(lazy);
  assert.equal(calls, 1);
});
