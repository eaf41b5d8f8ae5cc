import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictFewShot } from '../../src/sampling/few-shot';
import { gapCut, guardMaxK, TailGuardOptions } from '../../src/sampling/tail-guard';
import { TAIL_SAMPLER_DEFAULTS, tailSampler } from '../../src/sampling/tail-sampler';
import { zeros } from '../../src/linalg/matrix';

const O: TailGuardOptions = { guard: 'paper', tailBound: 20, gapRatio: 2, gapMin: 10 };
const expand = (counts: number[]) => counts.flatMap((c) => Array<number>(c).fill(c));

test("the kit's default guard is 'bound' at the tail bound 20 (a deviation; 'paper' is the paper's rule)", () => {
  assert.equal(TAIL_SAMPLER_DEFAULTS.guard, 'bound');
  assert.equal(TAIL_SAMPLER_DEFAULTS.tailBound, 20);
});

test("docs/method.md §2.4 worked examples keep the paper's max K under guard 'paper'; 'bound' only lowers it past 20", () => {
  const cases: [number[], number][] = [
    [[430, 352, 308, 269, 264, 253, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1],
    [[391, 320, 230, 224, 219, 60, 4, 4, 4, 4, 4, 4, 4, 4, 4], 4],
    [[264, 160, 100, 65, 43, 29, 20, 14, 10, 7, 5, 5, 5, 5, 5], 29],
  ];
  for (const [counts, paperMaxK] of cases) {
    const r = predictFewShot(expand(counts));
    assert.equal(r.maxK, paperMaxK);
    assert.equal(guardMaxK(r.classHistogram, r.maxK, { ...O, guard: 'paper' }), paperMaxK);
    assert.equal(guardMaxK(r.classHistogram, r.maxK, { ...O, guard: 'bound' }), Math.min(paperMaxK, 20));
    // No jump of 2x and 10 images among the classes <= max K in these three: 'gap' keeps the paper's max K.
    assert.equal(guardMaxK(r.classHistogram, r.maxK, { ...O, guard: 'gap' }), paperMaxK);
  }
});

test('the over-selection histogram: seven singletons and a blurred head class of 39-55 under the elbow', () => {
  // Synthetic step K=1 seed 1 (scripts/tail-selection.ts): estimated classes <= max K 41 are 1 x7, 39, 41.
  const hist = [200, 180, 150, 120, 100, 90, 82, 41, 39, 1, 1, 1, 1, 1, 1, 1];
  assert.equal(guardMaxK(hist, 41, { ...O, guard: 'paper' }), 41);
  assert.equal(guardMaxK(hist, 41, { ...O, guard: 'bound' }), 20);
  assert.equal(guardMaxK(hist, 41, { ...O, guard: 'gap' }), 1);
  assert.equal(guardMaxK(hist, 41, { ...O, guard: 'gap-bound' }), 1);
  // The real-image case of issue 17: an elbow at 55 over a tail of small classes.
  assert.equal(guardMaxK([171, 156, 55, 8, 2, 1, 1, 1], 55, { ...O, guard: 'bound' }), 20);
  assert.equal(guardMaxK([171, 156, 55, 8, 2, 1, 1, 1], 55, { ...O, guard: 'gap' }), 8);
});

test('gap: a jump must be both >= gapRatio x and >= gapMin images; a Pareto-like or K=4 tail is left alone', () => {
  // Singletons (noise) then K=4 classes: 1 -> 4 is 4x but only 3 images.
  assert.equal(gapCut([4, 4, 4, 4, 1, 1], 4, O), 4);
  // A Pareto tail grows by < 2x per step.
  assert.equal(gapCut([20, 14, 10, 7, 5, 3, 2, 1], 20, O), 20);
  // 8 -> 30 is a gap (3.75x and 22 images); only classes <= max K are looked at.
  assert.equal(gapCut([300, 30, 8, 5, 1], 30, O), 8);
  assert.equal(gapCut([300, 30, 8, 5, 1], 8, O), 8);
  assert.equal(gapCut([300, 30, 8, 5, 1], 30, { gapRatio: 5, gapMin: 10 }), 30);
});

test('tailSampler applies the guard, reports the paper max K and validates the options', async () => {
  // One-hot classes of 60, 30 and 1 (cap off): the elbow of [60, 30, 1] is 30, so the paper's rule takes the
  // 30-image class as tail; 'bound' keeps only the singleton.
  const n = 91;
  const X = zeros(n, 3);
  for (let i = 0; i < n; i++) X.data[i * 3 + (i < 60 ? 0 : i < 90 ? 1 : 2)] = 1;
  const paper = await tailSampler(X, { guard: 'paper', percentile: 1 });
  const bound = await tailSampler(X, { guard: 'bound', percentile: 1 });
  assert.equal(paper.guard, 'paper');
  assert.equal(paper.maxK, 30);
  assert.equal(paper.tailIndices.length, 31);
  assert.equal(bound.guard, 'bound');
  assert.equal(bound.paperMaxK, 30);
  assert.equal(bound.maxK, 20);
  assert.deepEqual(Array.from(bound.tailIndices), [90]);
  for (const i of bound.tailIndices) assert.ok(bound.classSizes[i] <= bound.maxK);
  await assert.rejects(tailSampler(X, { guard: 'nope' as never }), /guard/);
  await assert.rejects(tailSampler(X, { tailBound: 0 }), /tailBound/);
  await assert.rejects(tailSampler(X, { gapRatio: 0.5 }), /gapRatio/);
});
