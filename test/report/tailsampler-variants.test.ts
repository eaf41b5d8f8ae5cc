import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allVariants, meanVariants, scoreVariants, VariantRow } from '../../src/report/tailsampler-variants';
import { tailAccuracy } from '../../src/report/tail-accuracy';
import { selfSimilarity, tailSampler } from '../../src/sampling/tail-sampler';
import { zeros } from '../../src/linalg/matrix';
import { createRng } from '../../src/util/rng';

/** Clustered embeddings: one axis per class plus small non-negative noise. */
function clustered(sizes: number[], seed: string) {
  const rng = createRng(seed);
  const n = sizes.reduce((a, b) => a + b, 0);
  const X = zeros(n, sizes.length);
  const trueSizes: number[] = [];
  let i = 0;
  sizes.forEach((s, c) => {
    for (let k = 0; k < s; k++, i++) {
      for (let d = 0; d < sizes.length; d++)
        X.data[i * sizes.length + d] = (d === c ? 1 : 0) + 0.05 * Math.abs(rng.normal());
      trueSizes.push(s);
    }
  });
  return { X, trueSizes, isNoise: trueSizes.map(() => false) };
}

test('scoreVariants: 13 threshold types x 4 votes; each entry equals tailSampler run with that variant', async () => {
  const { X, trueSizes, isNoise } = clustered([40, 35, 30, 25, 2, 2, 1], 'variants');
  const S = await selfSimilarity(X);
  const scores = scoreVariants(S, { trueSizes, isNoise });
  assert.equal(scores.length, allVariants().length);
  assert.equal(scores.length, 13 * 4);
  for (const v of [
    { thresholdType: 'trim_min', vote: 'mode' },
    { thresholdType: 'half_min', vote: 'mean' },
    { thresholdType: 'symmin', vote: 'none' },
  ] as const) {
    const r = await tailSampler(X, v);
    const selected = new Uint8Array(trueSizes.length);
    for (const i of r.tailIndices) selected[i] = 1;
    const want = tailAccuracy(trueSizes, selected, isNoise, r.classSizes);
    const got = scores.find((s) => s.thresholdType === v.thresholdType && s.vote === v.vote)!;
    assert.equal(got.error, null);
    assert.deepEqual(
      { ...got, thresholdType: undefined, vote: undefined, error: undefined },
      {
        ...want,
        thresholdType: undefined,
        vote: undefined,
        error: undefined,
      },
    );
  }
  // The default finds the 5 tail images of this clean set.
  const def = scores.find((s) => s.thresholdType === 'trim_min' && s.vote === 'mode')!;
  assert.deepEqual([def.missingTailPct, def.trueTail], [0, 5]);
});

test('scoreVariants records a failing threshold type instead of stopping; meanVariants averages seeds, then cells', async () => {
  // Identical rows: no Freedman-Diaconis histogram (IQR 0), so double_min_bin_count fails; the others still run.
  const X = zeros(6, 2);
  X.data.fill(1);
  const S = await selfSimilarity(X);
  const scores = scoreVariants(S, {
    trueSizes: [6, 6, 6, 6, 6, 6],
    isNoise: [false, false, false, false, false, false],
  });
  const failed = scores.filter((s) => s.error !== null);
  assert.deepEqual([...new Set(failed.map((s) => s.thresholdType))], ['double_min_bin_count']);
  assert.ok(failed.every((s) => Number.isNaN(s.mcc)));

  const v = { thresholdType: 'trim_min', vote: 'mode', error: null } as const;
  const acc = (missingTailPct: number) => ({
    ...v,
    trueTail: 1,
    selected: 1,
    missingTailPct,
    inclAnomalyPct: 0,
    inclHeadPct: 0,
    sizeError: 0,
    accuracyPct: 100,
    mcc: 1,
  });
  const rows: VariantRow[] = [
    { family: 'a', setting: 'x', seed: 0, score: acc(0) },
    { family: 'a', setting: 'x', seed: 1, score: acc(20) },
    { family: 'b', setting: 'x', seed: 0, score: acc(50) },
    { family: 'b', setting: 'x', seed: 1, score: { ...acc(0), error: 'failed', missingTailPct: NaN } },
  ];
  const { cells, overall } = meanVariants(rows);
  assert.deepEqual(
    cells.map((c) => [c.family, c.means.missingTailPct, c.n, c.failed]),
    [
      ['a', 10, 2, 0],
      ['b', 50, 1, 1],
    ],
  );
  // The overall row is the mean of the cell means (10 and 50), not of the three splits.
  assert.equal(overall[0].means.missingTailPct, 30);
  assert.equal(overall[0].setting, 'all 2');
});
