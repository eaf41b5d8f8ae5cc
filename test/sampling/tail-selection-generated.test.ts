/**
 * TailSampler's selection pinned on a small generated long-tail set (issue 17): the kit's own generator (12 classes,
 * 64 px, 40 train images per class), drawn step K=1 and step K=4 splits at 10 % noise, split seeds 0-2, and a cheap
 * embedding of the kit's kind (second-order pooling of two frozen MobileNetV2 layers at 64 px, the kit default's
 * MobileNetV2 parts). About 10 s on an idle 2-core machine.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSynthetic } from '../../src/data/synth';
import { loadDataset } from '../../src/data/mvtec';
import { buildSplit, trainItems } from '../../src/data/splits';
import { FeatureExtractor } from '../../src/features';
import type { EmbeddingSpec } from '../../src/features/embedding-pass';
import { Matrix, zeros } from '../../src/linalg/matrix';
import { splitTruth, tailAccuracy } from '../../src/report/tail-accuracy';
import { tailSampler } from '../../src/sampling/tail-sampler';
import type { Dataset } from '../../src/data/types';

const EMBEDDING: EmbeddingSpec = {
  resize: 64,
  crop: 64,
  flip: false,
  parts: [
    { net: 'mobilenetv2', layer: 'block_10_project_BN', pool: 'cov' },
    { net: 'mobilenetv2', layer: 'block_5_add', pool: 'cov' },
  ],
};

let dir: string;
let ds: Dataset;
let E: Matrix;
let row: Map<string, number>;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tail-selection-'));
  await generateSynthetic({ out: dir, size: 64, trainCount: 40, testGood: 1, defectsPerType: 1, quiet: true });
  ds = loadDataset(dir);
  const paths = [...new Set(ds.classes.flatMap((c) => [...c.train, ...c.test].map((i) => i.path)))];
  const fx = await FeatureExtractor.create({ resize: 64, crop: 64, quiet: true, embedding: EMBEDDING });
  try {
    E = (await fx.extract(paths)).embeddings;
  } finally {
    fx.dispose();
  }
  row = new Map(paths.map((p, i) => [p, i]));
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function select(k: number, seed: number) {
  const items = trainItems(ds, buildSplit(ds, { tailType: 'step', k, noiseRatio: 0.1, seed }));
  const X = zeros(items.length, E.cols);
  items.forEach((t, i) => {
    const r = row.get(t.image.path)!;
    X.data.set(E.data.subarray(r * E.cols, (r + 1) * E.cols), i * E.cols);
  });
  const r = await tailSampler(X);
  const { trueSizes, isNoise } = splitTruth(items);
  const sel = new Uint8Array(items.length);
  for (const i of r.tailIndices) sel[i] = 1;
  return { r, a: tailAccuracy(trueSizes, sel, isNoise) };
}

test('step K=1 and K=4, seeds 0-2: bounded selection, few missed tail images, few included anomalies', async () => {
  const incl: number[] = [];
  for (const k of [1, 4]) {
    for (const seed of [0, 1, 2]) {
      const { r, a } = await select(k, seed);
      const at = `step K=${k} seed ${seed}: ${a.selected} selected for ${a.trueTail}, max K ${r.maxK} (paper ${r.paperMaxK})`;
      assert.equal(a.trueTail, 7 * k, at);
      // Measured: K=1 selects 7-31 for 7, K=4 29-49 for 28. Stated bounds: 5x the tail at K=1, 2x at K=4.
      assert.ok(a.selected <= (k === 1 ? 5 : 2) * a.trueTail, at);
      assert.ok(a.missingTailPct <= 15, `${at}: missing ${a.missingTailPct.toFixed(1)} %`);
      // The default guard never lets max K pass the tail bound.
      assert.ok(r.maxK <= 20 && r.maxK <= r.paperMaxK, at);
      incl.push(a.inclAnomalyPct);
    }
  }
  const mean = incl.reduce((x, y) => x + y, 0) / incl.length;
  // Measured 4.2 % (0-10 % per split); stated floor 8 %.
  assert.ok(
    mean <= 8,
    `included anomalies ${mean.toFixed(1)} % (per split ${incl.map((v) => v.toFixed(1)).join(', ')})`,
  );
});
