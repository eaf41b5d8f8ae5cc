import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchCore, SoftPatch, TailedCore, createModel, MemoryBankModel } from '../../src/models';
import { greedyCoreset } from '../../src/sampling/coreset';
import { takeRows, row } from '../../src/linalg/matrix';
import { nearestSquared } from '../../src/linalg';
import { createRng } from '../../src/util/rng';
import { synthFeatures, DILEMMA, PROBES, rowsOf, rowLevel } from './synthetic';

const train = synthFeatures(DILEMMA, 'train');
const probes = synthFeatures(PROBES, 'probe');
const levels = (m: MemoryBankModel, from = 0, to?: number) =>
  rowsOf(m.memoryBank.features)
    .slice(from, to)
    .map((r) => Math.round(rowLevel(r)));

test('PatchCore memory = greedy coreset (ratio 0.1) of all patches, drawn from fork("head-coreset")', async () => {
  const m = new PatchCore({ seed: 3 });
  await m.fit(train);
  const picks = greedyCoreset(train.patches, createRng(3).fork('head-coreset'), { ratio: 0.1, projDim: 128 });
  assert.equal(picks.length, 7); // floor(76 * 0.1)
  assert.deepEqual(Array.from(m.memoryBank.features.data), Array.from(takeRows(train.patches, picks).data));
  assert.equal(m.memoryBank.weights, null);
  assert.equal(m.info.keptAfterLof, 76);
  assert.equal(m.info.tailRows, 0);
  // k-center greedy reaches the far clusters: the noise (level 5) and the tail (level -5) are in memory.
  const lv = levels(m);
  assert.ok(lv.includes(5) && lv.includes(-5), `levels ${lv}`);
});

test('SoftPatch drops the injected noise cluster that PatchCore keeps (and, its dilemma, the tail too)', async () => {
  const sp = new SoftPatch({ seed: 3 });
  await sp.fit(train);
  // 19 images x 4 positions = 76 LOF scores; the 12 noise/tail patches are the top 12; q=0.85 -> pos 63.75,
  // between the 64th and 65th smallest -> exactly the 64 clean head patches are kept (strictly below).
  assert.equal(sp.info.keptAfterLof, 64);
  assert.equal(sp.memoryBank.features.rows, 6); // floor(64 * 0.1)
  assert.ok(
    levels(sp).every((l) => l === 0),
    `levels ${levels(sp)}`,
  );
  const pc = new PatchCore({ seed: 3 });
  await pc.fit(train);
  const [pcs, sps] = [await pc.predict(probes), await sp.predict(probes)];
  // probe 1 looks like the noise: PatchCore has it in memory (low score), SoftPatch does not.
  assert.ok(pcs.imageScores[1] < 1 && sps.imageScores[1] > 50, `${pcs.imageScores[1]} ${sps.imageScores[1]}`);
  // probe 2 is the tail class: SoftPatch filtered it away with the noise.
  assert.ok(sps.imageScores[2] > 50);
  assert.ok(pcs.imageScores[0] < 1 && sps.imageScores[0] < 2);
});

test('weighted SoftPatch score = unweighted score x LOF weight of the matched row', async () => {
  const w = new SoftPatch({ seed: 9 });
  const u = createModel('softpatch-noweight', { seed: 9 }) as MemoryBankModel;
  await w.fit(train);
  await u.fit(train);
  // Same seed -> same LOF stream and coreset stream -> same rows; only the weights differ.
  assert.deepEqual(Array.from(w.memoryBank.features.data), Array.from(u.memoryBank.features.data));
  const weights = w.memoryBank.weights!;
  assert.equal(u.memoryBank.weights, null);
  assert.ok(weights.every((x) => x > 0 && x < w.info.lofThreshold!));
  const pw = await w.predict(probes);
  const pu = await u.predict(probes);
  const nn = await nearestSquared(probes.patches, u.memoryBank.features);
  for (let i = 0; i < nn.dist.length; i++) {
    assert.equal(pu.patchScores![i], nn.dist[i]);
    assert.ok(Math.abs(pw.patchScores![i] - nn.dist[i] * weights[nn.index[i]]) <= 1e-6 * pw.patchScores![i]);
  }
});

test('TailedCore (oracle tail): bank = [tail; head], tail survives although LOF drops it; head = SoftPatch (no weight)', async () => {
  const tc = new TailedCore({
    seed: 5,
    tail: 'oracle',
    oracleTailClasses: ['T'],
    augmentation: null,
    tailCoresetRatio: 1,
  });
  await tc.fit(train);
  assert.deepEqual(Array.from(tc.info.tailImageIndices), [18]);
  assert.equal(tc.info.tailRows, 4); // all 4 patches of the tail image at ratio 1
  assert.equal(tc.info.keptAfterLof, 64); // LOF dropped the tail image's patches in the head branch
  const base = takeRows(train.patches, [72, 73, 74, 75]);
  const bank = tc.memoryBank.features;
  const tailRows = rowsOf(takeRows(bank, [0, 1, 2, 3]))
    .map((r) => r.join())
    .sort();
  assert.deepEqual(
    tailRows,
    rowsOf(base)
      .map((r) => r.join())
      .sort(),
  );
  const ref = createModel('softpatch-noweight', { seed: 5 }) as MemoryBankModel;
  await ref.fit(train);
  assert.deepEqual(Array.from(bank.data.subarray(4 * bank.cols)), Array.from(ref.memoryBank.features.data));
  // The dilemma resolved: tail probe is normal, noise-like probe is anomalous.
  const p = await tc.predict(probes);
  assert.ok(p.imageScores[2] < 1 && p.imageScores[1] > 50 && p.imageScores[0] < 2, `${Array.from(p.imageScores)}`);
  assert.equal(p.maps.length, 3 * 64);
  assert.equal(p.mapSize, 8);
});

test('augmentation views join the tail pool; same seed -> identical bank and scores', async () => {
  const calls: Array<[number[], string]> = [];
  const withAug = {
    ...train,
    augmentedPatches: async (idx: number[], type: string) => {
      calls.push([idx, type]);
      // 7 'rotflip' views of each tail image's 4 patches: the base rows, shifted a little per view.
      const out = takeRows(
        train.patches,
        idx.flatMap((i) => Array.from({ length: 28 }, (_, k) => i * 4 + (k % 4))),
      );
      for (let r = 0; r < out.rows; r++)
        for (let c = 0; c < out.cols; c++) out.data[r * out.cols + c] += 0.01 * Math.floor((r % 28) / 4);
      return out;
    },
  };
  const opts = { seed: 11, tail: 'oracle' as const, oracleTailClasses: ['T'], augmentation: 'rotflip' as const };
  const a = new TailedCore(opts);
  await a.fit(withAug);
  assert.deepEqual(calls, [[[18], 'rotflip']]);
  assert.equal(a.info.tailCandidateRows, 32); // (1 base + 7 views) x 4 patches
  assert.equal(a.info.tailRows, 3); // floor(32 * 0.1)
  const b = new TailedCore(opts);
  await b.fit(withAug);
  assert.deepEqual(Array.from(a.memoryBank.features.data), Array.from(b.memoryBank.features.data));
  const [pa, pb] = [await a.predict(probes), await b.predict(probes)];
  assert.deepEqual(Array.from(pa.imageScores), Array.from(pb.imageScores));
  assert.deepEqual(Array.from(pa.maps), Array.from(pb.maps));
  // A wrong number of views is caught.
  const bad = { ...train, augmentedPatches: async () => takeRows(train.patches, [0, 1, 2, 3]) };
  await assert.rejects(new TailedCore(opts).fit(bad), /expected 28x8/);
});

test('oracle without a class list = classes with <= tailMaxCount training images', async () => {
  // A has 18 training images (16 + 2 noise), T has 1: with the default 20 both count as tail; with 5 only T.
  const all = createModel('tailedcore-oracle', { seed: 2, augmentation: null }) as MemoryBankModel;
  await all.fit(train);
  assert.equal(all.info.tailImageIndices.length, 19);
  const some = createModel('tailedcore-oracle', { seed: 2, augmentation: null, tailMaxCount: 5 }) as MemoryBankModel;
  await some.fit(train);
  assert.deepEqual(Array.from(some.info.tailImageIndices), [18]);
});

test('notail and nodenoise ablations', async () => {
  const nt = createModel('tailedcore-notail', { seed: 2 }) as MemoryBankModel;
  await nt.fit(train);
  assert.equal(nt.info.tailRows, 0);
  assert.equal(nt.info.keptAfterLof, 64);
  const nd = createModel('tailedcore-nodenoise', {
    seed: 2,
    tail: 'oracle',
    oracleTailClasses: ['T'],
    augmentation: null,
  }) as MemoryBankModel;
  await nd.fit(train);
  assert.equal(nd.info.keptAfterLof, 76);
  assert.equal(nd.info.lofThreshold, null);
  assert.equal(nd.info.tailRows, 1); // max(1, floor(4 * 0.1))
  assert.deepEqual(Array.from(row(nd.memoryBank.features, 0)).map(Math.round), new Array(8).fill(-5));
});
