/**
 * The notebook boundary is typed: a misspelt or fixed option is a compile error (`npm test` type-checks this file, and
 * an `@ts-expect-error` that no longer fires is itself an error), and the same mistakes from untyped input (a JSON
 * config) are run-time errors that name the option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, createModelFrom, resolveConfig, OptionError, MODEL_NAMES } from '../src';
import type { ExperimentConfig, FeatureOptions, SplitSpec, SessionOptions } from '../src';

test('createModel checks each method name against its own options', () => {
  assert.equal(createModel('tailedcore', { tailCoresetRatio: 0.2, tail: { vote: 'mean' } }).name, 'tailedcore');
  // @ts-expect-error misspelt option
  assert.throws(() => createModel('tailedcore', { tailCoresetRatoi: 0.2 }), /unknown option "tailCoresetRatoi"/);
  // @ts-expect-error an option that this ablation fixes
  assert.throws(() => createModel('tailedcore-notail', { tail: {} }), /option tail is fixed/);
  // @ts-expect-error a vote that does not exist (compile time; the run-time check is test/models/errors.test.ts's)
  const badVote = () => createModel('tailedcore', { tail: { vote: 'bogus' } });
  assert.equal(typeof badVote, 'function');
  // @ts-expect-error PatchCore has no LOF
  assert.throws(() => createModel('patchcore', { lofK: 3 }), /unknown option "lofK"/);
  // @ts-expect-error not a method
  assert.throws(() => createModel('padim-typo'), OptionError);
  // The untyped door gives the same answers at run time.
  assert.throws(() => createModelFrom('softpatch', { weighted: false }), /option weighted is fixed/);
});

test('splits, features and configs are typed where notebooks write them', () => {
  const spec: SplitSpec = { tailType: 'pareto', noiseRatio: 0.1, paretoAlpha: 4 };
  // @ts-expect-error misspelt split key
  const bad: SplitSpec = { tailTyp: 'step' };
  // @ts-expect-error not a tail type
  const badTail: SplitSpec = { tailType: 'zipf' };
  const features: FeatureOptions = { resize: 64, crop: 56, backbone: 'mobilenetv2' };
  // @ts-expect-error misspelt feature key
  const badFeatures: FeatureOptions = { resiz: 64 };
  // @ts-expect-error session features are FeatureOptions
  const badSession: SessionOptions = { root: 'x', features: { cropp: 56 } };
  const methods: ExperimentConfig['methods'] = ['patchcore', { name: 'tailedcore', options: { lofK: 8 } }];
  // @ts-expect-error a method's options are checked per name in a TypeScript config
  const badMethods: ExperimentConfig['methods'] = [{ name: 'patchcore', options: { lofK: 8 } }];
  assert.ok(spec && bad && badTail && features && badFeatures && badSession && badMethods);
  const config: Partial<ExperimentConfig> = { methods, features: { cacheDir: null } };
  assert.equal(resolveConfig(config, MODEL_NAMES).methods[1].options.lofK, 8);
  // From JSON the same mistake is a run-time error naming the key (the runner checks every method before any work).
  assert.throws(() => resolveConfig({ ...config, split: { tailType: 'step' } }, MODEL_NAMES), /split\.tailType/);
});
