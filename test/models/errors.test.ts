import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PatchCore,
  SoftPatch,
  TailedCore,
  createModel,
  createModelFrom,
  createModelForCell,
  MODEL_NAMES,
  AnomalyModel,
} from '../../src/models';

const o2 = (m: AnomalyModel) => (m as unknown as { options: Record<string, unknown> }).options;
import { zeros } from '../../src/linalg/matrix';
import { tailSamplerPreset } from '../../src/sampling/tail-sampler';
import { OptionError, InputError } from '../../src/util/errors';
import { synthFeatures, DILEMMA, PROBES } from './synthetic';

const train = synthFeatures(DILEMMA, 'train');
const probes = synthFeatures(PROBES, 'probe');

test('factory: every name builds the right configuration; unknown names and keys are errors', () => {
  assert.deepEqual(
    [...MODEL_NAMES],
    [
      'patchcore',
      'softpatch',
      'softpatch-noweight',
      'tailedcore',
      'tailedcore-noaug',
      'tailedcore-nodenoise',
      'tailedcore-notail',
      'tailedcore-oracle',
      'tailedcore-dms',
      'tailedcore-tailedlof',
      'padim',
    ],
  );
  for (const name of MODEL_NAMES) {
    const m = createModel(name);
    assert.equal(m.name, name);
  }
  const o = (name: string, extra = {}) =>
    (createModelFrom(name, extra) as unknown as { options: Record<string, unknown> }).options;
  assert.deepEqual([o('patchcore').denoise, o('patchcore').weighting, o('patchcore').tail], ['none', 'none', null]);
  assert.deepEqual([o('softpatch').denoise, o('softpatch').weighting], ['lof', 'lof']);
  assert.equal(o('softpatch-noweight').weighting, 'none');
  const tc = o('tailedcore');
  assert.deepEqual(
    [
      tc.denoise,
      tc.augmentation,
      tc.tail,
      tc.coresetRatio,
      tc.tailCoresetRatio,
      tc.lofK,
      tc.lofQuantile,
      tc.projDim,
      tc.blurSigma,
    ],
    ['lof', 'rot15flip', {}, 0.1, 0.1, 6, 0.85, 128, 4],
  );
  assert.equal(o('tailedcore-noaug').augmentation, null);
  assert.equal(o('tailedcore-nodenoise').denoise, 'none');
  assert.deepEqual([o('tailedcore-notail').tail, o('tailedcore-notail').augmentation], [null, null]);
  assert.equal(o('tailedcore', { tail: { thresholdType: 'half_min' } }).tail!.constructor, Object);
  assert.deepEqual(o('tailedcore-dms').tail, tailSamplerPreset('double_max_step'));
  const dms = o('tailedcore-dms').tail as Record<string, unknown>;
  assert.deepEqual([dms.thresholdType, dms.vote, dms.guard], ['double_max_step', 'none', 'paper']);
  assert.equal(o('tailedcore-tailedlof').denoise, 'tailed-lof');
  assert.throws(() => createModelFrom('tailedcore-tailedlof', { denoise: 'lof' }), /option denoise is fixed/);
  assert.throws(
    () => createModelFrom('no-such-method', {}),
    (e: Error) => e instanceof OptionError && /no-such-method.*patchcore, softpatch/.test(e.message),
  );
  // What the types catch in TypeScript, the run-time checks catch in configs.
  assert.throws(() => createModelFrom('patchcore', { lofK: 3 }), /unknown option "lofK"/);
  assert.throws(() => createModelFrom('tailedcore-notail', { tail: {} }), /option tail is fixed/);
  assert.throws(() => createModel('tailedcore-oracle', { oracleTailClasses: [] }), /oracleTailClasses/);
  // Cell context: seed everywhere, augmentation only where it is a free option; explicit options win.
  assert.equal(o2(createModelForCell('patchcore', {}, { seed: 4, augmentation: 'rot30flip' })).seed, 4);
  assert.equal(
    o2(createModelForCell('tailedcore', {}, { seed: 4, augmentation: 'rot30flip' })).augmentation,
    'rot30flip',
  );
  assert.equal(
    o2(createModelForCell('tailedcore-noaug', {}, { seed: 4, augmentation: 'rot30flip' })).augmentation,
    null,
  );
  assert.equal(
    o2(createModelForCell('tailedcore', { augmentation: null, seed: 9 }, { seed: 4, augmentation: 'rot30flip' })).seed,
    9,
  );
});

test('option checks name the option', () => {
  assert.throws(() => new PatchCore({ coresetRatio: 0 }), /coresetRatio/);
  assert.throws(() => new PatchCore({ coresetRatio: 1.5 }), /coresetRatio/);
  assert.throws(() => new TailedCore({ tailCoresetRatio: -1 }), /tailCoresetRatio/);
  assert.throws(() => new SoftPatch({ lofQuantile: 0 }), /lofQuantile/);
  assert.throws(() => new TailedCore({ augmentation: 'rot10' as never }), /augmentation/);
  assert.throws(() => new TailedCore({ tail: null }), /augmentation .* needs a tail branch/);
  assert.throws(() => new TailedCore({ tail: 'magic' as never }), /option tail/);
  assert.throws(() => new TailedCore({ oracleTailClasses: ['T'] }), /only used with tail: 'oracle'/);
  assert.throws(() => new SoftPatch({ weighted: true, typo: 1 } as never), /unknown option "typo"/);
});

test('bad input: empty, NaN, mismatched shapes, lofK >= images, predict before fit, wrong dims', async () => {
  const empty = { ...train, patches: zeros(0, 8), imageCount: 0 };
  await assert.rejects(new PatchCore().fit(empty), /imageCount must be a positive integer/);
  const nan = { ...train, patches: { ...train.patches, data: train.patches.data.slice() } };
  nan.patches.data[17] = NaN;
  await assert.rejects(
    new PatchCore().fit(nan),
    (e: Error) => e instanceof InputError && /non-finite.*row 2, column 1/.test(e.message),
  );
  await assert.rejects(new PatchCore().fit({ ...train, gridH: 3 }), /76 patch rows but 19 images x 3x2/);
  const few = synthFeatures([{ name: 'A', count: 6, level: 0, embedAxis: 0 }], 'few');
  await assert.rejects(
    new SoftPatch().fit(few),
    (e: Error) => e instanceof OptionError && /k \(6\).*training images \(6\)/.test(e.message),
  );
  await assert.rejects(new PatchCore().predict(probes), /no fit yet/);
  assert.throws(() => new PatchCore().info, /no fit yet/);
  const m = new PatchCore();
  await m.fit(train);
  const wide = { ...probes, patches: zeros(12, 9) };
  await assert.rejects(m.predict(wide), /9 dimensions.*built from 8/);
  // A failed refit leaves no stale bank behind.
  await assert.rejects(m.fit({ ...train, gridH: 3 }), /patch rows/);
  await assert.rejects(m.predict(probes), /no fit yet/);
  await m.fit(train);
  m.dispose();
  await assert.rejects(m.predict(probes), /no fit yet/);
});

test('augmentation without augmentedPatches fails early, naming the option; oracle needs classNames', async () => {
  const m = new TailedCore({ tail: 'oracle', oracleTailClasses: ['T'] }); // default augmentation rot15flip
  await assert.rejects(m.fit(train), (e: Error) => /augmentation is 'rot15flip'.*augmentedPatches/.test(e.message));
  const noNames = { ...train, classNames: undefined };
  await assert.rejects(
    new TailedCore({ tail: 'oracle', oracleTailClasses: ['T'], augmentation: null }).fit(noNames),
    /classNames/,
  );
  await assert.rejects(
    new TailedCore({ tail: 'oracle', oracleTailClasses: ['Q'], augmentation: null }).fit(train),
    /not in the training set: Q/,
  );
});
