/**
 * End-to-end TailedCore fit + predict on synthetic features shaped like a step K=1 split (six head classes and nine
 * singleton tail classes; patch grid, feature and embedding sizes of the kit's bundled backbone, scaled-down image
 * counts), against the same pipeline the way the official Python code runs it (bench/python/e2e.py).
 * Deviation, said in the row: the features are synthetic and the 'rotflip' augmentation views are patch-grid
 * permutations of the base features (both sides use the same ones), not re-extracted rotated images.
 */
import { join } from 'node:path';
import { TailedCore } from '../src/models';
import { Matrix, zeros, takeRows } from '../src/linalg';
import { FeatureSet } from '../src/features';
import { TrainFeatures } from '../src/models';
import { createRng, Rng } from '../src/util';
import { BenchRow } from './types';
import { BenchContext, THREADS, readF32, row, runPython, time, writeF32 } from './common';
import { plantedEmbeddings } from './tail-sampler';

/** Source patch index of each position for the 7 'rotflip' views: 4 quarter turns x flip, identity skipped. */
export function viewPermutations(side: number): Int32Array[] {
  const perms: Int32Array[] = [];
  for (let steps = 0; steps < 4; steps++) {
    for (const flip of [0, 1]) {
      if (steps === 0 && flip === 0) continue;
      const src = new Int32Array(side * side);
      for (let r = 0; r < side; r++)
        for (let c = 0; c < side; c++) {
          let rr = r,
            cc = c;
          for (let s = 0; s < steps; s++) {
            const t = rr;
            rr = cc;
            cc = side - 1 - t;
          }
          if (flip) cc = side - 1 - cc;
          src[r * side + c] = rr * side + cc;
        }
      perms.push(src);
    }
  }
  return perms;
}

/** Patches of images of the given classes: per class 24 prototype textures, each patch one prototype + noise. */
function patchesFor(
  rng: Rng,
  cls: Int32Array,
  nClasses: number,
  ppi: number,
  d: number,
  anomalous: boolean[] = [],
): Matrix {
  const protos = new Float32Array(nClasses * 24 * d);
  const prng = createRng('e2e-prototypes');
  for (let i = 0; i < protos.length; i++) protos[i] = prng.normal();
  const m = zeros(cls.length * ppi, d);
  for (let i = 0; i < cls.length; i++) {
    for (let p = 0; p < ppi; p++) {
      const k = (p * 7 + (p >> 3)) % 24;
      const o = (i * ppi + p) * d;
      const po = (cls[i] * 24 + k) * d;
      const defect = anomalous[i] && p % 37 === 5 ? 2.5 : 0;
      for (let j = 0; j < d; j++) m.data[o + j] = protos[po + j] + 0.25 * rng.normal() + defect;
    }
  }
  return m;
}

/** The end-to-end rows: the bundled backbone's width (256-d) and the paper's (1024-d, WRN50 layer2+layer3). */
export async function benchEndToEnd(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const d of [256, 1024]) rows.push(...(await benchEndToEndAt(ctx, d)));
  return rows;
}

async function benchEndToEndAt(ctx: BenchContext, d: number): Promise<BenchRow[]> {
  const head = ctx.quick ? [36, 30, 26, 22, 20, 18] : [54, 44, 40, 36, 34, 23];
  const sizes = [...head, ...new Array(9).fill(1)];
  const side = 14,
    ppi = side * side,
    embedDim = 384,
    inputSize = 224;
  const rng = createRng(d === 256 ? 'bench-e2e' : `bench-e2e-${d}`);
  const { e, cls } = plantedEmbeddings(rng, sizes, embedDim);
  const n = e.rows;
  const patches = patchesFor(rng, cls, sizes.length, ppi, d);
  const perms = viewPermutations(side);
  const train: TrainFeatures = {
    patches,
    embeddings: e,
    gridH: side,
    gridW: side,
    imageCount: n,
    inputSize,
    augmentedPatches: async (idx) => {
      const rows: number[] = [];
      for (const i of idx) for (const src of perms) for (let p = 0; p < ppi; p++) rows.push(i * ppi + src[p]);
      return takeRows(patches, rows);
    },
  };
  const nTest = ctx.quick ? 30 : 80;
  const testCls = Int32Array.from({ length: nTest }, (_, i) => i % sizes.length);
  const test: FeatureSet = {
    patches: patchesFor(
      rng,
      testCls,
      sizes.length,
      ppi,
      d,
      Array.from({ length: nTest }, (_, i) => i % 2 === 1),
    ),
    embeddings: plantedEmbeddings(rng, new Array(nTest).fill(1), embedDim).e,
    gridH: side,
    gridW: side,
    imageCount: nTest,
    inputSize,
  };
  const model = new TailedCore({ augmentation: 'rotflip', seed: 0 });
  const fit = await time(() => model.fit(train));
  const pred = await time(() => model.predict(test));
  const kitSeconds = fit.seconds + pred.seconds;
  const info = model.info;
  let py: number | null = null;
  let pyNote = '';
  if (!ctx.pythonMissing) {
    const out = join(ctx.dir, 'e2e-scores.f32');
    const r = runPython(ctx, 'e2e.py', {
      patches: writeF32(ctx, 'e2e-train.f32', patches),
      embeddings: writeF32(ctx, 'e2e-emb.f32', e),
      test: writeF32(ctx, 'e2e-test.f32', test.patches),
      images: n,
      side,
      d,
      embed_dim: embedDim,
      test_images: nTest,
      input_size: inputSize,
      out,
    });
    if (r) {
      py = r.seconds;
      const ps = readF32(out);
      // Different random streams pick different coresets, so only the ranking of test images is comparable.
      const agree = rankAgreement(pred.value.imageScores, ps);
      pyNote =
        `; python fit ${(r.fit as number).toFixed(1)} s + predict ${(r.predict as number).toFixed(1)} s, ${r.tail} tail images, bank ${r.bank} rows; ` +
        `image-score rank agreement with python ${(100 * agree).toFixed(0)}% of pairs`;
    }
  }
  ctx.log(`  e2e ${d}-d: kit fit ${fit.seconds.toFixed(1)} s + predict ${pred.seconds.toFixed(1)} s`);
  const t = info.timings;
  return [
    row(
      'TailedCore fit + predict (end to end)',
      `${n} train + ${nTest} test images x ${ppi} patches x ${d}`,
      kitSeconds,
      null,
      null,
      py,
      `synthetic step K=1-shaped features (6 head classes + 9 singletons), rotflip views as patch-grid permutations; kit: fit ${fit.seconds.toFixed(1)} s ` +
        `(LOF ${(t.lof / 1000).toFixed(1)}, head coreset ${(t.headCoreset / 1000).toFixed(1)}, TailSampler ${(t.tailSampler / 1000).toFixed(1)}, ` +
        `tail coreset ${(t.tailCoreset / 1000).toFixed(1)} s) + predict ${pred.seconds.toFixed(1)} s, ${info.tailImageIndices.length} tail images, bank ${info.bankRows} rows, ${THREADS} threads; ` +
        `no naive column (hours on the reference kernels); python: bench/python/e2e.py${pyNote}`,
    ),
  ];
}

/** Fraction of image pairs ordered the same way by both score vectors (Kendall-style concordance). */
/** The share of image pairs two score lists order alike (1 = the same ranking). */
export function rankAgreement(a: Float32Array, b: Float32Array): number {
  let same = 0,
    total = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = i + 1; j < a.length; j++) {
      total++;
      if (Math.sign(a[i] - a[j]) === Math.sign(b[i] - b[j])) same++;
    }
  return total ? same / total : 1;
}
