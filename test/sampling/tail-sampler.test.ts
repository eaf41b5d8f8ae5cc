import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import { Matrix, zeros, fromRows } from '../../src/linalg/matrix';
import { tailSampler, tailSamplerPreset, selfSimilarity, predictClassSizes } from '../../src/sampling/tail-sampler';
import { predictFewShot } from '../../src/sampling/few-shot';
import {
  THRESHOLD_TYPES,
  rowThreshold,
  rowCounts,
  voteClassSizes,
  globalThreshold,
  SimilarityMatrix,
} from '../../src/sampling/class-size';

const f32 = Math.fround;
const TRUE_SIZES = [300, 250, 200, 150, 4, 4, 4, 1, 1];

/**
 * Well-separated, non-negative clusters (like post-ReLU embeddings): each class centre is positive on a random ~10%
 * of 64 dimensions, every sample is |centre + 0.1 * noise|.
 */
function clustered(sizes: number[], seed: number): { m: Matrix; labels: number[] } {
  const dim = 64;
  const rng = createRng(seed);
  const n = sizes.reduce((a, b) => a + b, 0);
  const m = zeros(n, dim);
  const labels: number[] = [];
  let r = 0;
  sizes.forEach((s, c) => {
    const centre = new Float32Array(dim);
    for (let d = 0; d < dim; d++) centre[d] = rng.next() < 0.1 ? rng.uniform(0.5, 1.5) : 0;
    for (let k = 0; k < s; k++, r++) {
      labels.push(c);
      for (let d = 0; d < dim; d++) m.data[r * dim + d] = Math.abs(centre[d] + 0.1 * rng.normal());
    }
  });
  return { m, labels };
}

const data = clustered(TRUE_SIZES, 1);
const isTail = (i: number) => TRUE_SIZES[data.labels[i]] <= 4;

test('default (trim_min + mode) on clustered embeddings: exactly the 14 tail images, sizes from the trim arithmetic', async () => {
  const r = await tailSampler(data.m);
  assert.deepEqual(Array.from(r.tailIndices), data.labels.map((_, i) => i).filter(isTail));
  for (let i = 0; i < data.labels.length; i++) {
    const n = TRUE_SIZES[data.labels[i]];
    const trimmed = Math.max(1, Math.floor(0.85 * n));
    if (n <= 4)
      assert.equal(r.classSizes[i], trimmed, `image ${i} of a ${n}-image class`); // 4 -> 3, 1 -> 1
    // Head classes: floor(0.85 n) plus ties on the 1/N quantisation grid, never more than the class.
    else
      assert.ok(
        r.classSizes[i] >= trimmed && r.classSizes[i] <= n,
        `image ${i}: ${r.classSizes[i]} for a ${n}-image class`,
      );
  }
  // Histogram ends ... 3,3,3,3,1,1 (twelve 3s form four classes of 3). 15% budget: floor(0.15*914) = 137;
  // ascending cumsum 1,2,5,8,11,14 then + a head class > 137, so the cap is the 3-class: maxK = 3 (not 4: the
  // trim makes a 4-image class look like 3).
  assert.deepEqual(r.classHistogram.slice(-6), [3, 3, 3, 3, 1, 1]);
  assert.equal(r.kPct, 3);
  assert.equal(r.maxK, 3);
  assert.equal(r.thresholds.length, data.labels.length);
});

test('every threshold type runs on the clustered set: sane sizes and no head image in the tail', async () => {
  const S = await selfSimilarity(data.m);
  const n = data.labels.length;
  for (const t of THRESHOLD_TYPES) {
    const { classSizes } = predictClassSizes(S, { thresholdType: t });
    let maxTail = 0;
    let minHead = Infinity;
    for (let i = 0; i < n; i++) {
      assert.ok(
        Number.isFinite(classSizes[i]) && classSizes[i] >= 1 && classSizes[i] <= n,
        `${t}: size ${classSizes[i]}`,
      );
      if (isTail(i)) maxTail = Math.max(maxTail, classSizes[i]);
      else minHead = Math.min(minHead, classSizes[i]);
    }
    assert.ok(minHead > maxTail, `${t}: smallest head size ${minHead} <= largest tail size ${maxTail}`);
    const r = predictFewShot(classSizes);
    assert.ok(r.tailIndices.length > 0 && Array.from(r.tailIndices).every(isTail), `${t} selected a head image`);
  }
});

test('presets equal the official constructor names', async () => {
  assert.deepEqual(tailSamplerPreset('ada_trim_min-mode'), {
    thresholdType: 'trim_min',
    vote: 'mode',
    percentile: 0.15,
    trimP: 0.85,
    guard: 'paper',
    tailBound: 20,
    gapRatio: 2,
    gapMin: 10,
  });
  assert.equal(tailSamplerPreset('symmin').vote, 'mean');
  assert.equal(tailSamplerPreset('symmin').guard, 'paper');
  assert.equal(tailSamplerPreset('double_max_step').vote, 'none');
  assert.throws(() => tailSamplerPreset('indep' as never), /unknown preset "indep"/);
  const r = await tailSampler(data.m, tailSamplerPreset('symmin'));
  assert.deepEqual(Array.from(r.tailIndices), data.labels.map((_, i) => i).filter(isTail));
});

test('row thresholds by hand on one quantised row (n = 10)', () => {
  // trunc(10 * s) in float32: 0.9f * 10 rounds up to 9.0 in float32, so 0.9 quantises to 0.9 (not 0.8).
  const row = new Float32Array([0, 0.1, 0.2, 0.3, 0.75, 0.8, 0.85, 0.9, 0.95, 1]);
  const n = 10,
    codes = new Int32Array(n),
    q = new Float32Array(n);
  const th = (t: Parameters<typeof rowThreshold>[0]) => rowThreshold(t, row, n, codes, q, 0.85, 0);
  // q = [0,.1,.2,.3,.7,.8,.8,.9,.9,1]; min 0 -> half-angle cos(45°) = 0.7071; H = [.8,.8,.9,.9,1], L = 5.
  assert.equal(th('trim_min'), f32(0.8)); // t = floor(0.85*5) = 4 -> H[5-4] = H[1]
  assert.equal(th('truncate_min'), f32(0.9)); // t = floor(0.5*5) = 2 -> H[3]
  assert.equal(th('half_min'), f32(Math.SQRT1_2)); // raw minimum 0
  assert.equal(th('max_step'), f32(0.5)); // largest gap .3 -> .7
  assert.equal(th('double_max_step'), f32(0.5)); // .4 / max(later gaps .1) = 4 is the largest ratio
  // Descending gaps weighted by ln(9) - ln(k+1): the first gap (1 -> .9) times ln 9 wins.
  assert.equal(th('max_step_min_num_neighbors'), f32(0.95));
  // Counting: a 10 x 10 matrix whose first row is `row` (the other rows are zero and unused).
  const full = new Float32Array(100);
  full.set(row);
  const count = (t: number) => rowCounts({ data: full, n: 10 }, new Float32Array(10).fill(2).fill(t, 0, 1))[0];
  assert.equal(count(f32(0.8)), 5);
  assert.equal(count(f32(Math.SQRT1_2)), 6);
});

test('global thresholds: symmin, symavg, indep', () => {
  const S: SimilarityMatrix = { data: new Float32Array([1, 0, 0.5, 0, 1, 0.5, 0.5, 0.5, 1]), n: 3 };
  assert.equal(globalThreshold(S, 'symmin'), f32(Math.SQRT1_2)); // min 0 -> cos(45°)
  // mean of row minima (0, 0, 0.5) = 1/6 -> cos(acos(1/6)/2)
  assert.ok(Math.abs(globalThreshold(S, 'symavg') - Math.cos(Math.acos(1 / 6) / 2)) < 1e-6);
  assert.equal(globalThreshold(S, 'indep'), f32(Math.SQRT1_2));
});

test('votes by hand: mode ties go to the smallest value; mean, none, nearest', () => {
  // Row i accepts the columns with S_ij >= th_i; c = [2, 3, 2, 2].
  const S: SimilarityMatrix = {
    n: 4,
    data: new Float32Array([1, 0.9, 0.1, 0.1, 0.9, 1, 0.8, 0.1, 0.1, 0.8, 1, 0.7, 0.1, 0.1, 0.7, 1]),
  };
  const th = new Float32Array([0.5, 0.5, 0.75, 0.5]);
  const c = rowCounts(S, th);
  assert.deepEqual(Array.from(c), [2, 3, 2, 2]);
  // Column votes: 0 <- {2,3} (tie -> 2); 1 <- {2,3,2}; 2 <- {3,2,2}; 3 <- {2}.
  assert.deepEqual(Array.from(voteClassSizes(S, th, c, 'mode')), [2, 2, 2, 2]);
  assert.deepEqual(Array.from(voteClassSizes(S, th, c, 'mean')), [2.5, f32(7 / 3), f32(7 / 3), 2]);
  assert.deepEqual(Array.from(voteClassSizes(S, th, c, 'none')), [1, 2.25, 1, 1]); // c_i^2 / n
  // nearest: column 0's mean 2.5 is equally far from 2 (row 0) and 3 (row 1): the first row wins.
  assert.deepEqual(Array.from(voteClassSizes(S, th, c, 'nearest')), [2, 2, 2, 2]);
  // A tie between a larger and a smaller value in the other order still goes to the smaller one.
  const th2 = new Float32Array([0.05, 0.95, 0.75, 0.5]); // row 0 accepts all (c=4), row 1 only itself (c=1)
  const c2 = rowCounts(S, th2);
  assert.deepEqual(Array.from(c2), [4, 1, 2, 2]);
  assert.equal(voteClassSizes(S, th2, c2, 'mode')[1], 1); // column 1 <- {4, 1, 2} in row order: three-way tie -> 1
});

test('degenerate one-class input (identical embeddings): one class of N, every image is tail', async () => {
  const rows = Array.from({ length: 10 }, () => [1, 2, 3, 0]);
  const r = await tailSampler(fromRows(rows));
  assert.deepEqual(Array.from(r.classSizes), new Array(10).fill(10));
  assert.equal(r.maxK, 10);
  assert.equal(r.tailIndices.length, 10);
});

test('bad input: empty, NaN, zero rows, a single image, unknown options', async () => {
  await assert.rejects(tailSampler(fromRows([])), /tailSampler embeddings is empty/);
  await assert.rejects(
    tailSampler(
      fromRows([
        [1, 2],
        [NaN, 1],
      ]),
    ),
    /non-finite value \(NaN\) at row 1, column 0/,
  );
  await assert.rejects(
    tailSampler(
      fromRows([
        [1, 2],
        [0, 0],
      ]),
    ),
    /row 1 is all zeros/,
  );
  await assert.rejects(tailSampler(fromRows([[1, 2]])), /at least 2 embeddings/);
  await assert.rejects(tailSampler(data.m, { thresholdType: 'trim' as never }), /thresholdType must be one of/);
  await assert.rejects(tailSampler(data.m, { vote: 'median' as never }), /vote must be one of/);
  await assert.rejects(tailSampler(data.m, { percentil: 0.1 } as never), /unknown option "percentil"/);
});
