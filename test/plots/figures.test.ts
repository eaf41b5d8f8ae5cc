import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import {
  plotTradeoff,
  plotPerClass,
  plotTailSampler,
  plotClassSizes,
  plotHeatmaps,
  jet,
  maskContour,
  overlayPixels,
} from '../../src/plots';
import type { ResultRow } from '../../src/results/results-file';
import type { Manifest } from '../../src/data/types';

function rows(): ResultRow[] {
  const out: ResultRow[] = [];
  for (const method of ['patchcore', 'tailedcore'])
    for (const noise of [0, 0.1, 0.4])
      for (const seed of [0, 1]) {
        for (const [cls, tail] of [
          ['a', true],
          ['b', false],
          ['c', false],
        ] as const) {
          const v = method === 'patchcore' ? 0.95 - noise * (tail ? 0.5 : 1) : 0.93 - noise * 0.1;
          out.push({
            run: 'r',
            dataset: 'syn',
            tail_type: 'step',
            k: 1,
            noise_ratio: noise,
            seed,
            method,
            class: cls,
            is_tail: tail,
            train_count: tail ? 1 : 40,
            noise_count: 0,
            metric: 'image_auroc',
            value: v + seed * 0.01,
          });
        }
      }
  return out;
}

/** The group elements of one mark type: Vega's SVG tags each mark group with its mark class. */
function markGroups(svg: string, mark: string): number {
  return (svg.match(new RegExp(`class="mark-${mark} role-mark`, 'g')) ?? []).length;
}
/** The drawn items (paths or lines) inside mark groups of one type. */
function markPaths(svg: string, mark: string): number {
  let n = 0;
  const re = new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>(.*?)</g>`, 'g');
  for (const m of svg.matchAll(re)) n += (m[1].match(/<(path|line) /g) ?? []).length;
  return n;
}

test('trade-off figure: head and tail facets, one line per method in each, error bars, files written', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-plot-'));
  const svg = await plotTradeoff(rows(), { out: path.join(dir, 'tradeoff') });
  assert.match(svg, /^<svg/);
  assert.ok(svg.includes('>head classes<') && svg.includes('>tail classes<'));
  assert.ok(svg.includes('>patchcore<') && svg.includes('>tailedcore<'));
  assert.ok(!svg.includes('>softpatch<'), 'the legend lists only the methods present');
  assert.ok(!svg.includes(', lo<'), 'the y title is the metric only');
  assert.equal(markPaths(svg, 'line'), 2 * 2); // 2 methods x 2 facets
  assert.ok(markGroups(svg, 'rule') >= 2); // error bars
  for (const ext of ['svg', 'png', 'vl.json']) assert.ok(fs.statSync(path.join(dir, `tradeoff.${ext}`)).size > 0, ext);
  const meta = await sharp(path.join(dir, 'tradeoff.png')).metadata();
  assert.ok((meta.width ?? 0) > 400);
});

test('per-class bars: one bar per class x method, tail classes labelled', async () => {
  const svg = await plotPerClass(rows(), { noiseRatio: 0.1, seed: 0 });
  assert.equal(markPaths(svg, 'rect'), 3 * 2);
  assert.ok(svg.includes('>a (tail)<') && svg.includes('>b<'));
  // a class whose role changes with the seed is labelled so
  const mixed = rows().map((r) => (r.class === 'b' && r.seed === 1 ? { ...r, is_tail: true } : r));
  assert.ok((await plotPerClass(mixed, { noiseRatio: 0.1 })).includes('>b (tail in some seeds)<'));
});

test('TailSampler figure: one point per image plus the diagonal and the max_K rule', async () => {
  const svg = await plotTailSampler({
    trueSizes: [1, 1, 40, 40, 40],
    predictedSizes: [1, 2, 35, 33, 38],
    selected: [1, 1, 0, 0, 0],
    maxK: 2,
  });
  assert.equal(markPaths(svg, 'symbol'), 5);
  assert.equal(markPaths(svg, 'line'), 1);
  assert.equal(markPaths(svg, 'rule'), 1);
  await assert.rejects(plotTailSampler({ trueSizes: [1], predictedSizes: [] }), /1 true sizes but 0 predicted/);
});

test('class-size histogram: stacked good + noise bars per class, one panel per split', async () => {
  const m = (k: number): Manifest => ({
    seed: 0,
    options: {},
    classes: [
      { name: 'a', isTail: true, trainGood: Array.from({ length: k }, (_, i) => `a/${i}`), injected: [] },
      { name: 'b', isTail: false, trainGood: ['b/0', 'b/1', 'b/2'], injected: ['b/x'] },
    ],
  });
  const svg = await plotClassSizes({ 'step K=1': m(1), 'step K=4': m(4) });
  assert.ok(svg.includes('>step K=1<') && svg.includes('>step K=4<'));
  assert.equal(markPaths(svg, 'rect'), 2 * 2 * 2); // 2 splits x 2 classes x (good, noise)
});

test('heatmap overlay: jet ends, contour pixels, blend, and a 3-panel PNG row per image', async () => {
  assert.deepEqual(jet(0), [0, 0, 128]);
  assert.deepEqual(jet(1), [128, 0, 0]);
  assert.deepEqual(jet(0.5), [128, 255, 128]);
  // 4x4 mask with a 2x2 blob: all 4 blob pixels are on its boundary; a 3x3 blob in 5x5 has its centre inside
  const m5 = new Uint8Array(25);
  for (const i of [6, 7, 8, 11, 12, 13, 16, 17, 18]) m5[i] = 1;
  assert.deepEqual(
    Array.from(maskContour(m5, 5, 5)).reduce((a, b) => a + b, 0),
    8,
  );
  const img = { data: new Uint8Array(2 * 1 * 3).fill(100), width: 2, height: 1 };
  const o = overlayPixels(img, Float32Array.from([0, 1]), null, { alpha: 0.5 });
  assert.deepEqual(Array.from(o.data), [50, 50, 114, 114, 50, 50]);
  const size = 8;
  const map = new Float32Array(size * size).map((_, i) => i);
  const mask = new Uint8Array(size * size);
  mask[27] = 1;
  const png = await plotHeatmaps(
    [
      { image: { data: new Uint8Array(size * size * 3).fill(200), width: size, height: size }, map, mask },
      { image: { data: new Uint8Array(size * size * 3), width: size, height: size }, map },
    ],
    size,
    { gap: 2 },
  );
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.width, meta.height], [3 * size + 4, 2 * size + 2]);
  const big = await sharp(
    await plotHeatmaps([{ image: { data: new Uint8Array(size * size * 3), width: size, height: size }, map }], size, {
      gap: 0,
      panelSize: 16,
    }),
  ).metadata();
  assert.deepEqual([big.width, big.height], [48, 16]);
});
