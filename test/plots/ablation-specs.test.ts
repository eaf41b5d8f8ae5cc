import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  biasSpec,
  classSimilaritySpec,
  embeddingAccuracySpec,
  kSweepSpec,
  tailSamplerVariantsSpec,
} from '../../src/plots/ablation-specs';
import { renderSvg } from '../../src/plots/render';

test('ablation figures render to SVG with their data (variants, accuracy, similarity, K sweep, bias)', async () => {
  const variants = await renderSvg(
    tailSamplerVariantsSpec([
      { thresholdType: 'trim_min', vote: 'mode', missingTailPct: 1.5, inclAnomalyPct: 2, inclHeadPct: 3, mcc: 0.8 },
      { thresholdType: 'half_min', vote: 'mean', missingTailPct: 4, inclAnomalyPct: 1, inclHeadPct: 2, mcc: NaN },
    ]),
  );
  // NaN variants are left out, the others are labelled with their values.
  assert.match(variants, /trim_min/);
  assert.match(variants, /0\.8/);
  assert.doesNotMatch(variants, /NaN/);
  const acc = await renderSvg(
    embeddingAccuracySpec([
      { embedding: 'oracle', nominalPct: 50, accuracyPct: 48, imageAuroc: 0.7, seed: 0 },
      { embedding: 'kit-default', nominalPct: null, accuracyPct: 100, imageAuroc: 0.8, seed: 0 },
    ]),
  );
  assert.match(acc, /kit-default/);
  const sim = await renderSvg(
    classSimilaritySpec(
      [
        { embedding: 'paper', pairs: 'same class', bin: 0, share: 1, w: 0.123 },
        { embedding: 'paper', pairs: 'different class (1 − x)', bin: 0.5, share: 1, w: 0.123 },
      ],
      0.5,
    ),
  );
  assert.match(sim, /W = 0\.123/);
  const row = { tail_type: 'step', metric: 'image_auroc', std: 0.01 };
  const k = await renderSvg(
    kSweepSpec([
      { ...row, k: 1, method: 'patchcore', group: 'tail', mean: 0.6 },
      { ...row, k: 8, method: 'patchcore', group: 'head', mean: 0.7 },
    ]),
  );
  assert.match(k, /tail classes/);
  const bias = await renderSvg(biasSpec([{ method: 'padim', setting: 'step K=1', head: 0.6, tail: 0.5 }]));
  assert.match(bias, /padim/);
});
