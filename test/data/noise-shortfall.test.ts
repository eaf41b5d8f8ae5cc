import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSplit } from '../../src/data/splits';
import { realisedNoiseRatio } from '../../src/data/splits/noise-check';
import { OptionError } from '../../src/util/errors';
import { fakeClass, fakeMvtec } from './fake';

test('a noise ratio the anomalies cannot supply is an error by default, naming the option and the realised ratio', () => {
  // 2 anomalies per class: 0.9 of a head class's 200+ images cannot be injected.
  assert.throws(
    () => buildSplit(fakeMvtec(2), { tailType: 'step', k: 1, noiseRatio: 0.9, seed: 0 }),
    (e: unknown) =>
      e instanceof OptionError &&
      e.key === 'noiseRatio' &&
      /noiseRatio=0\.9 cannot be met: the head classes .* injects 0\.0\d\d/.test(e.message),
  );
  // Pareto 0.99: the >= 20-image rule leaves few classes to inject into, with either cap rule.
  for (const cap of ['official', 'redistribute'] as const)
    assert.throws(
      () => buildSplit(fakeMvtec(2), { tailType: 'pareto', noiseRatio: 0.99, seed: 0, paretoNoiseCap: cap }),
      /noiseRatio=0\.99 cannot be met: the classes keeping >= 20 images/,
    );
});

test('with noiseShortfall "allow" the manifest records the realised ratio; a met ratio records nothing', () => {
  const m = buildSplit(fakeMvtec(2), { tailType: 'step', k: 1, noiseRatio: 0.9, seed: 0, noiseShortfall: 'allow' });
  const got = realisedNoiseRatio('step', m.classes);
  assert.ok(got < 0.1);
  assert.equal(m.options.realisedNoiseRatio, Math.round(got * 100) / 100);
  const ok = buildSplit(fakeMvtec(30), { tailType: 'step', k: 1, noiseRatio: 0.1, seed: 0 });
  assert.equal(ok.options.realisedNoiseRatio, undefined);
  assert.ok(Math.abs(realisedNoiseRatio('step', ok.classes) - 0.1) < 0.005);
});

test("the generator's per-class rounding is not a shortfall (round(0.1 x 24) = 2 of 24 images)", () => {
  const ds = { root: '/fake', classes: ['a', 'b', 'c', 'd', 'e'].map((n) => fakeClass(n, 24, 8)) };
  const m = buildSplit(ds, { tailType: 'step', k: 1, noiseRatio: 0.1, seed: 0 });
  assert.ok(realisedNoiseRatio('step', m.classes) < 0.095);
  assert.throws(
    () => buildSplit(ds, { tailType: 'step', k: 1, noiseRatio: 0.4, seed: 0 }),
    /\(16 of the 20 asked for\)/,
  );
});
