import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchCore, createModel, createModelFrom } from '../../src/models';
import { InputError, OptionError, atKeyPath } from '../../src/util/errors';
import { checkMagnitude } from '../../src/models/feature-checks';
import { auroc } from '../../src/metrics/auroc';
import { TrainFeatures } from '../../src/models/types';
import { synthFeatures, DILEMMA, PROBES } from './synthetic';

const train = synthFeatures(DILEMMA, 'train');
const probes = synthFeatures(PROBES, 'probe');

function scaled<T extends TrainFeatures>(f: T, factor: number): T {
  return { ...f, patches: { ...f.patches, data: f.patches.data.map((v) => v * factor) } };
}
function withValue<T extends TrainFeatures>(
  f: T,
  index: number,
  v: number,
  where: 'patches' | 'embeddings' = 'patches',
): T {
  const m = f[where];
  const data = m.data.slice();
  data[index] = v;
  return { ...f, [where]: { ...m, data } };
}

test('finite but huge training features (1e20) are refused before any work, naming the stage, row and column', async () => {
  await assert.rejects(
    new PatchCore().fit(withValue(train, 8 * 5 + 3, 1e20)),
    (e: Error) =>
      e instanceof InputError &&
      !e.message.includes('\n') &&
      /^training features \(patches\): value 1\.000e\+20 at row 5, column 3 is too large \(\|x\| > 2\.0\de\+17 for 8 columns\): squared distances would overflow float32 to Infinity/.test(
        e.message,
      ),
  );
  await assert.rejects(new PatchCore().fit(withValue(train, 0, -3e19)), /row 0, column 0 is too large/);
});

test('huge test features are refused at predict, naming the test stage', async () => {
  const m = new PatchCore();
  await m.fit(train);
  await assert.rejects(
    m.predict(withValue(probes, 8 * 2, 1e20)),
    (e: Error) =>
      e instanceof InputError && /^test features \(patches\): value 1\.000e\+20 at row 2, column 0/.test(e.message),
  );
  m.dispose();
});

test('huge image embeddings are refused when TailSampler will read them, not when it will not', async () => {
  const bad = withValue(train, 3, 1e25, 'embeddings');
  await assert.rejects(
    createModel('tailedcore-noaug').fit(bad),
    /^InputError: training features \(image embeddings\): value 1\.000e\+25 at row 0, column 3 is too large/,
  );
  await createModel('patchcore').fit(bad); // PatchCore never reads the embeddings
});

test('large features below the bound still give finite scores and the same ranking as unscaled ones', async () => {
  const labels = [0, 1, 1];
  const rank = async (factor: number) => {
    const m = new PatchCore({ seed: 0 });
    await m.fit(scaled(train, factor));
    const p = await m.predict(scaled(probes, factor));
    m.dispose();
    assert.ok(p.imageScores.every(Number.isFinite), `factor ${factor}: ${Array.from(p.imageScores)}`);
    return {
      a: auroc(p.imageScores, labels),
      order: Array.from(p.imageScores)
        .map((s, i) => [s, i])
        .sort((x, y) => x[0] - y[0])
        .map((x) => x[1]),
    };
  };
  const base = await rank(1);
  const big = await rank(1e15);
  assert.equal(big.a, base.a);
  assert.deepEqual(big.order, base.order);
});

test('method options passed from a config report their full key path (atKeyPath around createModel)', () => {
  assert.throws(
    () => atKeyPath('methods[2].options', () => createModelFrom('patchcore', { coresetRatio: '0.1' })),
    (e: Error) =>
      e instanceof OptionError &&
      e.message === 'option methods[2].options.coresetRatio must be in (0, 1], got "0.1" (a string)',
  );
  assert.throws(
    () => atKeyPath('methods[0].options', () => createModelFrom('softpatch', { lofk: 6 })),
    (e: Error) =>
      e instanceof OptionError &&
      /^SoftPatch: unknown option "methods\[0\]\.options\.lofk" \(known options: /.test(e.message),
  );
});

test('checkMagnitude: a NaN, an infinity or a too large value in any lane of its four, or in the tail, is found', () => {
  // 55 values in one row: 13 blocks of four and a tail of 3
  const m = { data: new Float32Array(55), rows: 1, cols: 55 };
  const limit = Math.sqrt(3.4028234663852886e38 / (4 * 55 * 256));
  for (let i = 0; i < m.data.length; i++) m.data[i] = Math.fround(((i % 7) - 3) * 0.25);
  checkMagnitude(m, 'ok');
  m.data[10] = Math.fround(-limit * 0.999); // within the bound: fine
  checkMagnitude(m, 'ok');
  m.data[10] = 0;
  for (let at = 0; at < m.data.length; at++)
    for (const bad of [NaN, Infinity, -Infinity, Math.fround(limit * 1.01), -Math.fround(limit * 1.01)]) {
      const keep = m.data[at];
      m.data[at] = bad;
      assert.throws(() => checkMagnitude(m, 'stage'), InputError, `value ${bad} at ${at}`);
      m.data[at] = keep;
    }
});
