import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tailSampler } from '../../src/sampling/tail-sampler';
import { createModel, createModelFrom } from '../../src/models';
import { evaluateClass } from '../../src/metrics/evaluate';
import { InputError, OptionError } from '../../src/util/errors';

test('tailSampler given a plain array names the argument and the fix (no TypeError)', async () => {
  await assert.rejects(
    tailSampler([
      [1, 0],
      [0, 1],
    ] as never),
    (e: unknown) =>
      e instanceof InputError &&
      /^tailSampler: argument embeddings must be a Matrix \{data: Float32Array, rows, cols\} \(row-major\) \(for an array of rows use fromRows\(rows\)\), got \[\[1,0\],\[0,1\]\] \(an array\)$/.test(
        e.message,
      ),
  );
  await assert.rejects(
    tailSampler({ data: new Float32Array(3), rows: 2, cols: 2 }),
    /argument embeddings holds 3 values but its shape is 2x2/,
  );
});

test("createModel('tailedcore', {tail: {vote: 'bogus'}}) fails at creation, naming tail.vote", () => {
  assert.throws(
    () => createModelFrom('tailedcore', { tail: { vote: 'bogus' } }),
    (e: unknown) =>
      e instanceof OptionError &&
      e.key === 'tail.vote' &&
      /option tail\.vote must be one of .*got "bogus"/.test(e.message),
  );
  assert.throws(
    () => createModelFrom('tailedcore', { tail: { thresholdTyp: 'x' } }),
    /unknown option "tail\.thresholdTyp"/,
  );
  createModel('tailedcore', { tail: { vote: 'mode' } }).dispose();
});

test('a model given patches that are not a Matrix names the argument', async () => {
  const m = createModel('patchcore');
  await assert.rejects(
    m.fit({
      patches: [1, 2] as never,
      embeddings: { data: new Float32Array(1), rows: 1, cols: 1 },
      gridH: 1,
      gridW: 1,
      imageCount: 1,
      inputSize: 8,
      classNames: ['a'],
    } as never),
    /^InputError: training features: argument patches must be a Matrix/,
  );
  m.dispose();
});

test('a metric error names the metric key', () => {
  assert.throws(
    () => evaluateClass({ imageScores: Float32Array.of(0.1, NaN), labels: Uint8Array.of(0, 1) }),
    (e: unknown) => e instanceof InputError && /^metric image_auroc: .*NaN at index 1/.test(e.message),
  );
});
