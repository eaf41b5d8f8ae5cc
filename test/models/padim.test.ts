import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Padim, createModel } from '../../src/models';
import { zeros } from '../../src/linalg/matrix';
import { createRng } from '../../src/util/rng';
import { InputError } from '../../src/util/errors';
import type { FeatureSet } from '../../src/features/types';

/** A hand-sized feature set: `n` images, a 1x2 grid, `dim` channels, seeded values. */
function features(n: number, dim: number, seed: string, shift = 0): FeatureSet {
  const rng = createRng(seed);
  const patches = zeros(n * 2, dim);
  for (let i = 0; i < patches.data.length; i++) patches.data[i] = rng.normal() + (i % dim) * 0.5 + shift;
  return { patches, embeddings: zeros(n, 1), gridH: 1, gridW: 2, imageCount: n, inputSize: 4 };
}

/** Plain float64 reference: mean, unbiased covariance + reg·I, its inverse by Gauss-Jordan, sqrt((x-μ)ᵀ Σ⁻¹ (x-μ)). */
function reference(train: FeatureSet, test: FeatureSet, channels: number[], reg: number): number[] {
  const D = train.patches.cols;
  const ppi = 2;
  const d = channels.length;
  const out: number[] = [];
  const gauss: { mu: number[]; inv: number[][] }[] = [];
  for (let p = 0; p < ppi; p++) {
    const xs: number[][] = [];
    for (let i = 0; i < train.imageCount; i++) xs.push(channels.map((c) => train.patches.data[(i * ppi + p) * D + c]));
    const mu = channels.map((_, a) => xs.reduce((s, x) => s + x[a], 0) / xs.length);
    const cov = channels.map((_, a) =>
      channels.map(
        (_, b) => xs.reduce((s, x) => s + (x[a] - mu[a]) * (x[b] - mu[b]), 0) / (xs.length - 1) + (a === b ? reg : 0),
      ),
    );
    // Gauss-Jordan on [cov | I]
    const m = cov.map((r, a) => [...r, ...channels.map((_, b) => (a === b ? 1 : 0))]);
    for (let c = 0; c < d; c++) {
      const piv = m[c][c];
      for (let k = 0; k < 2 * d; k++) m[c][k] /= piv;
      for (let r = 0; r < d; r++)
        if (r !== c) {
          const f = m[r][c];
          for (let k = 0; k < 2 * d; k++) m[r][k] -= f * m[c][k];
        }
    }
    gauss.push({ mu, inv: m.map((r) => r.slice(d)) });
  }
  for (let i = 0; i < test.imageCount; i++)
    for (let p = 0; p < ppi; p++) {
      const { mu, inv } = gauss[p];
      const v = channels.map((c, a) => test.patches.data[(i * ppi + p) * D + c] - mu[a]);
      let s = 0;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += v[a] * inv[a][b] * v[b];
      out.push(Math.sqrt(s));
    }
  return out;
}

test('PaDiM: per-position Mahalanobis scores equal a plain float64 computation (all channels and a subset)', async () => {
  const train = features(7, 4, 'padim-train');
  const test = features(3, 4, 'padim-test', 0.7);
  const all = new Padim({ channels: 4, blurSigma: 0 });
  await all.fit(train);
  const pred = await all.predict(test);
  const want = reference(train, test, [0, 1, 2, 3], 0.01);
  assert.equal(pred.patchScores!.length, want.length);
  pred.patchScores!.forEach((v, i) =>
    assert.ok(Math.abs(v - want[i]) < 1e-4 * Math.max(1, want[i]), `patch ${i}: ${v} vs ${want[i]}`),
  );
  // Image score = max patch score; maps at the input size.
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(pred.imageScores[i] - Math.max(want[2 * i], want[2 * i + 1])) < 1e-4);
  assert.equal(pred.maps.length, 3 * 16);

  const sub = new Padim({ channels: 2, seed: 5, regularization: 0.5 });
  await sub.fit(train);
  const ch = [...sub.model.channels];
  assert.equal(ch.length, 2);
  assert.deepEqual(
    ch,
    [...ch].sort((a, b) => a - b),
  );
  const got = (await sub.predict(test)).patchScores!;
  reference(train, test, ch, 0.5).forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-4 * Math.max(1, w)));
  // The same seed draws the same subset; another seed may not.
  const again = new Padim({ channels: 2, seed: 5 });
  await again.fit(train);
  assert.deepEqual([...again.model.channels], ch);
});

test('PaDiM: a training image scores lower than an outlier; the factory builds it; bad input is a clear error', async () => {
  const train = features(12, 3, 'padim-a');
  const m = createModel('padim', { channels: 3, seed: 1 }) as Padim;
  assert.equal(m.name, 'padim');
  await m.fit(train);
  const far = features(1, 3, 'padim-far', 6);
  const near = features(1, 3, 'padim-a');
  const [sFar] = (await m.predict(far)).imageScores;
  const [sNear] = (await m.predict(near)).imageScores;
  assert.ok(sFar > 3 * sNear, `${sFar} vs ${sNear}`);
  await assert.rejects(new Padim().predict(near), /no fit yet/);
  await assert.rejects(
    new Padim().fit(features(1, 3, 'x')),
    (e: Error) => e instanceof InputError && /at least 2/.test(e.message),
  );
  const wide = { ...near, patches: zeros(2, 5) };
  await assert.rejects(m.predict(wide), /5 channels; the fit had 3/);
  assert.throws(() => new Padim({ regularization: 0 }), /regularization/);
});
