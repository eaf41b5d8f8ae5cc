import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOneOf, checkRange, checkSeed, resolveOptions } from '../../src/util/options';
import { InputError, OptionError, atKeyPath, describeValue } from '../../src/util/errors';
import { exitCodeFor } from '../../src/util/cli';
import { FeatureExtractor } from '../../src/features/extractor';
import { resolveSplitOptions } from '../../src/data/splits/options';

test('a type error names the key path and shows the value with its type', () => {
  assert.throws(
    () => checkRange('features.resize', '64', 8, 8192, { integer: true }),
    (e: Error) =>
      e instanceof OptionError &&
      e.message === 'option features.resize must be an integer in [8, 8192], got "64" (a string)',
  );
  assert.throws(() => checkRange('k', true, 1, 10), /option k must be in \[1, 10\], got true \(a boolean\)/);
  assert.throws(() => checkRange('k', [3], 1, 10), /got \[3\] \(an array\)/);
  assert.throws(() => checkRange('k', 64.5, 8, 8192, { integer: true }), /got 64\.5$/);
  assert.throws(
    () => checkOneOf('tail', 3, ['step', 'pareto'] as const),
    /option tail must be one of step, pareto, got 3$/,
  );
  assert.throws(() => checkOneOf('tail', 'zipf', ['step', 'pareto'] as const), /got "zipf"$/);
  assert.equal(describeValue(null), 'null');
  assert.equal(describeValue({ a: 1 }), '{"a":1} (an object)');
});

test('resolveOptions puts a key-path prefix in front of unknown keys; atKeyPath re-issues errors under a parent path', async () => {
  assert.throws(
    () =>
      resolveOptions(
        { thresholdType: 'trim_min' },
        { thresholdTyp: 'x' } as never,
        'TailSampler',
        'methods[2].options.tail',
      ),
    (e: Error) =>
      e instanceof OptionError &&
      e.key === 'methods[2].options.tail.thresholdTyp' &&
      e.message === 'TailSampler: unknown option "methods[2].options.tail.thresholdTyp" (known options: thresholdType)',
  );
  assert.throws(
    () => resolveOptions({ a: 1 }, 'x' as never, 'f', 'split'),
    /f: options split must be an object, got "x" \(a string\)/,
  );
  // Nested re-issue, sync and async, two levels.
  const inner = () => atKeyPath('tail', () => checkRange('percentile', 2, 0, 1));
  assert.throws(
    () => atKeyPath('methods[2].options', inner),
    (e: Error) =>
      e instanceof OptionError && e.message === 'option methods[2].options.tail.percentile must be in [0, 1], got 2',
  );
  await assert.rejects(
    atKeyPath('features', async () => {
      checkRange('crop', 'big', 8, 8192);
    }),
    /option features\.crop must be in/,
  );
  // An OptionError without a key path keeps its text behind the prefix.
  assert.throws(
    () =>
      atKeyPath('split', () => {
        throw new OptionError('k applies to step only');
      }),
    /^OptionError: split: k applies to step only$/,
  );
  assert.equal(
    atKeyPath('x', () => 5),
    5,
  );
});

test("the feature extractor's own checks report the config path when wrapped (the example of issue 12)", async () => {
  await assert.rejects(
    atKeyPath('features', () => FeatureExtractor.create({ resize: '64' } as never)),
    (e: Error) =>
      e instanceof OptionError &&
      /option features\.resize must be an integer in \[8, 8192\], got "64" \(a string\)/.test(e.message),
  );
});

test('one error type for input errors: an OptionError is an InputError, both exit with code 2', () => {
  const e = new OptionError('x');
  assert.ok(e instanceof InputError);
  assert.equal(e.name, 'OptionError');
  assert.equal(exitCodeFor(e), 2);
  assert.equal(exitCodeFor(new InputError('y')), 2);
});

test('seeds are integers >= 0 everywhere: the split options refuse -3 as the experiment config does', () => {
  checkSeed('seed', 0);
  checkSeed('seed', 2 ** 40);
  assert.throws(() => checkSeed('seed', -3), /option seed must be an integer in \[0, 9007199254740991\], got -3/);
  assert.throws(() => resolveSplitOptions({ seed: -3 }), /option seed must be an integer in \[0, /);
  assert.equal(resolveSplitOptions({ seed: 7 }).seed, 7);
});
