import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tailAccuracy, perClassMarkdown } from '../../src/report';

test('tail accuracy: hand-checked counts', () => {
  // 6 images: two tail (size 1), three head (size 30) of which one injected noise, one head selected by mistake
  const trueSizes = [1, 1, 30, 30, 30, 30];
  const selected = [1, 0, 1, 0, 0, 0];
  const isNoise = [0, 0, 1, 0, 0, 0];
  const a = tailAccuracy(trueSizes, selected, isNoise, [1, 2, 30, 15, 30, 30]);
  assert.equal(a.trueTail, 2);
  assert.equal(a.selected, 2);
  assert.equal(a.missingTailPct, 50);
  assert.equal(a.inclAnomalyPct, 100);
  assert.equal(a.inclHeadPct, 50);
  assert.ok(Math.abs(a.sizeError - (0 + 1 + 0 + 0.5 + 0 + 0) / 6) < 1e-12);
  assert.ok(Math.abs(a.accuracyPct - (100 * 4) / 6) < 1e-12);
  // tp=1 tn=3 fp=1 fn=1: (3-1)/sqrt(2*2*4*4) = 0.25
  assert.equal(a.mcc, 0.25);
  assert.throws(() => tailAccuracy([1], [1, 0], [0]), /different lengths/);
});

test('per-class Markdown: one row per class plus all/head/tail means', () => {
  const r = (cls: string, tail: boolean, v: number) => ({
    class: cls,
    method: 'patchcore',
    metric: 'image_auroc',
    value: v,
    is_tail: tail,
    train_count: tail ? 1 : 9,
    noise_count: 0,
  });
  const md = perClassMarkdown([r('a', true, 0.5), r('b', false, 1), r('c', false, 0.8)], ['image_auroc']);
  const lines = md.trim().split('\n');
  assert.equal(lines[0], '| class | role | train | noise | patchcore image AUROC |');
  assert.equal(lines[2], '| a | tail | 1 | 0 | 50.0 |');
  assert.equal(lines[5], '| **all classes** | | | | 76.7 |');
  assert.equal(lines[6], '| **head classes** | | | | 90.0 |');
  assert.equal(lines[7], '| **tail classes** | | | | 50.0 |');
});
