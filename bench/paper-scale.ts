/**
 * `npm run bench -- --paper-scale [--fraction F]`: the paper's MVTec step K=1 cell, synthetic but shaped like it
 * (1,885 training images = 1,876 head + 9 singleton tail classes, 784 patches of 1024-d each = 1.478 M training
 * patches; 'rot15flip' tail views, 47 per tail image = 338,688 tail patches; ~1,725 test images = 1.35 M test patches),
 * full TailedCore fit + predict on the kit, and the same pipeline the way the official Python code runs it
 * (bench/python/e2e.py) on the same inputs.
 *
 * The head part and the test set are scaled by --fraction (default 0.05); the tail branch is always full size (9 tail
 * images x 48 views), so the tail coreset is measured, not extrapolated. Each stage is then extrapolated to the full
 * cell by its own cost law (LOF, TailSampler and the head coreset: quadratic in the image count, which is exact for
 * the brute-force loop, an upper bound for LOF and for the kit's pruned loop; scoring: test patches x bank rows), and the table
 * says which figures are measured and which extrapolated. Deviations: the features are synthetic (clustered, seeded)
 * and the tail views are seeded permutations of the patch grid (both sides use the same), not re-extracted images.
 *
 * `--fraction 1` runs the whole cell as one fit (1.478 M x 1024 float32 = 6.05 GB in one Matrix; Node 20.20 holds up
 * to 2^32 float32 values in one typed array) and records wall time per stage and CPU time and peak RSS per phase;
 * it has no Python side (days of torch loops) and nothing to extrapolate.
 */
import { join } from 'node:path';
import { TailedCore } from '../src/models';
import { Matrix, zeros, matmulTransposed } from '../src/linalg';
import { drawProjectionWeights, transposeWeights } from '../src/linalg';
import { kCenterParallel } from '../src/sampling';
import { progress } from '../src/util';
import { FeatureSet } from '../src/features';
import { TrainFeatures } from '../src/models';
import { createRng, Rng } from '../src/util';
import { OptionError } from '../src/util';
import { BenchRow } from './types';
import { BenchContext, THREADS, row, runPython, time, writeF32 } from './common';
import { plantedEmbeddings } from './tail-sampler';

/** The full cell ([J] step K=1 seed 01 at 10 % noise, spec worked example). */
export const PAPER_CELL = {
  headImages: 1876,
  tailImages: 9,
  testImages: 1725,
  side: 28,
  d: 1024,
  views: 47,
  embedDim: 2048,
  inputSize: 224,
} as const;

/** Seeded permutations of the patch grid standing in for the 47 'rot15flip' views. */
function viewPerms(views: number, ppi: number, rng: Rng): Int32Array {
  const out = new Int32Array(views * ppi);
  for (let v = 0; v < views; v++) {
    const p = Int32Array.from({ length: ppi }, (_, i) => i);
    for (let i = ppi - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    out.set(p, v * ppi);
  }
  return out;
}

/**
 * Patch features of images of the given classes: per class 64 prototypes; each position of an image takes a
 * prototype from a class-wise texture map, plus a per-image shift and noise with a decaying spectrum (patch
 * features are clustered and low in intrinsic dimension). Anomalous images get a shifted 3x3 block.
 */
function patchFeatures(
  rng: Rng,
  cls: Int32Array,
  nClasses: number,
  side: number,
  d: number,
  anomalous: (i: number) => boolean = () => false,
): Matrix {
  const ppi = side * side;
  const prng = createRng('paper-scale-prototypes');
  const protos = new Float32Array(nClasses * 64 * d);
  for (let i = 0; i < protos.length; i++) protos[i] = prng.normal();
  const scale = new Float32Array(d);
  for (let j = 0; j < d; j++) scale[j] = 0.6 * Math.exp(-j / 48) + 0.05;
  const m = zeros(cls.length * ppi, d);
  const shift = new Float32Array(d);
  for (let i = 0; i < cls.length; i++) {
    for (let j = 0; j < d; j++) shift[j] = 0.1 * (rng.next() - 0.5);
    const bad = anomalous(i);
    const by = rng.int(side - 3),
      bx = rng.int(side - 3);
    for (let p = 0; p < ppi; p++) {
      const y = Math.floor(p / side),
        x = p % side;
      const k = ((y >> 2) * 7 + (x >> 2) * 3 + cls[i]) % 64;
      const o = (i * ppi + p) * d;
      const po = (cls[i] * 64 + k) * d;
      const defect = bad && y >= by && y < by + 3 && x >= bx && x < bx + 3 ? 1.5 : 0;
      for (let j = 0; j < d; j++)
        m.data[o + j] = protos[po + j] + shift[j] + scale[j] * 1.7 * (rng.next() + rng.next() - 1) + defect;
    }
  }
  return m;
}

/**
 * The full cell's head coreset input: 0.85 x 1,885 x 784 = 1.256 M patch rows of the same generator (the LOF filter's
 * share kept), projected to 128-d chunk by chunk on the GEMM engine (the 6 GB of 1024-d rows never exist at once),
 * into a SharedArrayBuffer, and the coreset's start row (the generator stream's next draw). Also
 * bench/kcenter-lowdims.ts's input.
 */
export async function paperHeadRows(
  onImages?: (done: number, total: number) => void,
): Promise<{ bank: Matrix; start: number }> {
  const C = PAPER_CELL;
  const ppi = C.side * C.side;
  const rows = Math.floor(0.85 * (C.headImages + C.tailImages) * ppi);
  const images = Math.ceil(rows / ppi);
  const weights = [0.22, 0.19, 0.17, 0.15, 0.14, 0.13];
  const cls = new Int32Array(images);
  for (let i = 0, c = 0, left = Math.round(weights[0] * images); i < images; i++) {
    while (left <= 0 && c < weights.length - 1) {
      c++;
      left = Math.round(weights[c] * images);
    }
    cls[i] = c;
    left--;
  }
  const w: Matrix = {
    data: transposeWeights(drawProjectionWeights(C.d, 128, createRng('paper-scale-full-W')), C.d, 128),
    rows: 128,
    cols: C.d,
  };
  const p = new Float32Array(new SharedArrayBuffer(rows * 128 * 4));
  const rng = createRng('paper-scale-full-rows');
  const per = 64;
  for (let i0 = 0; i0 < images; i0 += per) {
    const i1 = Math.min(images, i0 + per);
    const f = patchFeatures(rng, cls.subarray(i0, i1), weights.length, C.side, C.d);
    const pr = await matmulTransposed(f, w);
    const r0 = i0 * ppi,
      take = Math.min(pr.rows, rows - r0);
    p.set(pr.data.subarray(0, take * 128), r0 * 128);
    onImages?.(i1, images);
  }
  return { bank: { data: p, rows, cols: 128 }, start: rng.int(rows) };
}

/**
 * The head coreset at the full cell's size, measured rather than extrapolated (the pruned loop's cost is not a power
 * law of the size): paperHeadRows, then the exact pruned greedy loop on both cores for 10 % of them (125.6 k picks).
 */
async function fullSizeHeadCoreset(
  ctx: BenchContext,
): Promise<{ seconds: number; cpuSeconds: number; rows: number; picks: number; projectSeconds: number }> {
  const C = PAPER_CELL;
  const images = Math.ceil(Math.floor(0.85 * (C.headImages + C.tailImages) * C.side * C.side) / (C.side * C.side));
  const t0 = performance.now();
  const bar = progress('full-size head rows (generate + project)', images, { unit: 'image', finalLine: 'ifShown' });
  let told = 0;
  const { bank: p, start } = await paperHeadRows((done) => {
    bar.tick(done - told);
    told = done;
  });
  bar.done();
  const rows = p.rows;
  const projectSeconds = (performance.now() - t0) / 1000;
  const picks = Math.floor(rows * 0.1);
  ctx.log(
    `  paper-scale: full-size head coreset: ${rows} rows x 128 -> ${picks} picks on ${THREADS} cores (generation + projection took ${projectSeconds.toFixed(0)} s)`,
  );
  const pb = progress('full-size head coreset', picks, { unit: 'pick' });
  const r = await time(() =>
    kCenterParallel(p, picks, start, {
      parts: THREADS,
      onPick: () => pb.tick(),
    }),
  );
  pb.done();
  return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, rows, picks, projectSeconds };
}

function rssGiB(): number {
  return process.resourceUsage().maxRSS / 1024 / 1024;
}

export async function benchPaperScale(ctx: BenchContext, fraction: number, fullCoreset = true): Promise<BenchRow[]> {
  if (!(fraction > 0 && fraction <= 1)) throw new OptionError(`--fraction must be in (0, 1], got ${fraction}`);
  // The whole cell (fraction 1): 6.05 GB of training patches in one Matrix (Node 20.20 holds up to 2^32 float32
  // values in one typed array), nothing to extrapolate; the Python side would take days and is skipped.
  const whole = fraction === 1;
  if (whole) fullCoreset = false;
  const C = PAPER_CELL;
  const ppi = C.side * C.side;
  const headImages = Math.max(12, Math.round(C.headImages * fraction));
  const testImages = Math.max(4, Math.round(C.testImages * fraction));
  // six head classes with step-K=1-like skewed sizes, then nine singleton tail classes
  const weights = [0.22, 0.19, 0.17, 0.15, 0.14, 0.13];
  const head = weights.map((w) => Math.max(2, Math.round(w * headImages)));
  const sizes = [...head, ...new Array(C.tailImages).fill(1)];
  const n = sizes.reduce((a, b) => a + b, 0);
  ctx.log(
    `  paper-scale: fraction ${fraction}: ${n} training images (${n - C.tailImages} head + ${C.tailImages} tail), ${testImages} test images, ${ppi} patches x ${C.d}`,
  );
  const rng = createRng('bench-paper-scale');
  const tg = performance.now();
  const { e, cls } = plantedEmbeddings(rng, sizes, C.embedDim);
  const patches = patchFeatures(rng, cls, sizes.length, C.side, C.d);
  const perms = viewPerms(C.views, ppi, createRng('paper-scale-views'));
  const train: TrainFeatures = {
    patches,
    embeddings: e,
    gridH: C.side,
    gridW: C.side,
    imageCount: n,
    inputSize: C.inputSize,
    augmentedPatches: async (idx) => {
      const out = zeros(idx.length * C.views * ppi, C.d);
      let r = 0;
      for (const i of idx)
        for (let v = 0; v < C.views; v++)
          for (let p = 0; p < ppi; p++, r++) {
            const src = (i * ppi + perms[v * ppi + p]) * C.d;
            out.data.set(patches.data.subarray(src, src + C.d), r * C.d);
          }
      return out;
    },
  };
  const testCls = Int32Array.from({ length: testImages }, (_, i) => i % sizes.length);
  const test: FeatureSet = {
    patches: patchFeatures(rng, testCls, sizes.length, C.side, C.d, (i) => i % 2 === 1),
    embeddings: plantedEmbeddings(rng, new Array(testImages).fill(1), C.embedDim).e,
    gridH: C.side,
    gridW: C.side,
    imageCount: testImages,
    inputSize: C.inputSize,
  };
  ctx.log(
    `  paper-scale: generated in ${((performance.now() - tg) / 1000).toFixed(0)} s, peak RSS so far ${rssGiB().toFixed(2)} GiB`,
  );

  const model = new TailedCore({ augmentation: 'rot15flip', seed: 0 });
  const fit = await time(() => model.fit(train));
  const rssFit = rssGiB();
  const pred = await time(() => model.predict(test));
  const rss = rssGiB();
  const info = model.info;
  const t = info.timings;
  const kit = {
    lof: t.lof / 1000,
    head: t.headCoreset / 1000,
    ts: t.tailSampler / 1000,
    aug: t.augmentation / 1000,
    tail: t.tailCoreset / 1000,
    predict: pred.seconds,
  };
  const fitOther = fit.seconds - (kit.lof + kit.head + kit.ts + kit.aug + kit.tail);

  // extrapolation factors to the full cell
  const nFull = C.headImages + C.tailImages;
  const quad = (nFull / n) ** 2;
  const headRowsFull = info.headRows * ((C.headImages + C.tailImages) / n);
  const bankFull = headRowsFull + info.tailRows;
  const scoreFactor = (C.testImages / testImages) * (bankFull / info.bankRows);
  const extrap = (s: typeof kit) =>
    s.lof * quad + s.head * quad + s.ts * quad + s.aug + s.tail + s.predict * scoreFactor;
  // The kit's head coreset at full size: measured (below) when asked, else the quadratic bound.
  const full = fullCoreset ? await fullSizeHeadCoreset(ctx) : null;
  const kitHeadFull = full ? full.seconds : kit.head * quad;
  const kitFull = extrap({ ...kit, head: 0 }) + kitHeadFull + fitOther * (nFull / n);
  const tailOk = info.tailImageIndices.length === C.tailImages;
  ctx.log(
    `  paper-scale kit: fit ${fit.seconds.toFixed(1)} s (LOF ${kit.lof.toFixed(1)}, head coreset ${kit.head.toFixed(1)}, TailSampler ${kit.ts.toFixed(1)}, ` +
      `views ${kit.aug.toFixed(1)}, tail coreset ${kit.tail.toFixed(1)}) + predict ${kit.predict.toFixed(1)} s; bank ${info.bankRows} rows (${info.tailRows} tail); peak RSS ${rss.toFixed(2)} GiB`,
  );

  const stages: BenchRow[] = [
    ['LOF per position', kit.lof],
    ['head coreset', kit.head],
    ['TailSampler', kit.ts],
    ['tail views', kit.aug],
    ['tail coreset', kit.tail],
    ['rest of fit', fitOther],
  ].map(([name, s]) => ({
    kernel: `paper-scale stage: ${name}`,
    size: `fraction ${fraction}`,
    seconds: Math.round((s as number) * 1000) / 1000,
    gflops: null,
    ratio_vs_naive: null,
    ratio_vs_python: null,
    note: 'wall seconds from the model timings; CPU and peak RSS are per phase (fit, predict)',
  }));
  stages.push(
    {
      kernel: 'paper-scale phase: fit',
      size: `fraction ${fraction}`,
      seconds: fit.seconds,
      gflops: null,
      ratio_vs_naive: null,
      ratio_vs_python: null,
      cpu_seconds: fit.cpuSeconds,
      extra: { peak_rss_gib: Math.round(rssFit * 100) / 100 },
    },
    {
      kernel: 'paper-scale phase: predict',
      size: `fraction ${fraction}`,
      seconds: pred.seconds,
      gflops: null,
      ratio_vs_naive: null,
      ratio_vs_python: null,
      cpu_seconds: pred.cpuSeconds,
      extra: { peak_rss_gib: Math.round(rss * 100) / 100 },
    },
  );
  if (whole) {
    ctx.log(
      `  paper-scale whole cell: fit ${fit.seconds.toFixed(0)} s (${fit.cpuSeconds.toFixed(0)} CPU-s), predict ${pred.seconds.toFixed(0)} s, peak RSS ${rss.toFixed(2)} GiB`,
    );
    return [
      row(
        'paper-scale cell, whole (measured)',
        `${n} train + ${testImages} test images x ${ppi} x ${C.d}`,
        fit.seconds + pred.seconds,
        null,
        null,
        null,
        `fit + predict on ${THREADS} threads, ${(fit.cpuSeconds + pred.cpuSeconds).toFixed(0)} CPU-s, peak RSS ${rss.toFixed(2)} GiB (whole bench process, inputs included); python not run at fraction 1`,
      ),
      ...stages,
    ];
  }
  let py: Record<string, number> | null = null;
  if (!ctx.pythonMissing) {
    const r = runPython(ctx, 'e2e.py', {
      patches: writeF32(ctx, 'ps-train.f32', patches),
      embeddings: writeF32(ctx, 'ps-emb.f32', e),
      test: writeF32(ctx, 'ps-test.f32', test.patches),
      perms: writeF32(ctx, 'ps-perms.i32', new Float32Array(perms.buffer)),
      images: n,
      side: C.side,
      d: C.d,
      embed_dim: C.embedDim,
      test_images: testImages,
      input_size: C.inputSize,
      out: join(ctx.dir, 'ps-scores.f32'),
      pick_limit: ctx.quick ? 300 : 1500,
    });
    if (r) py = r as unknown as Record<string, number>;
  }
  const rows: BenchRow[] = [];
  const kitAtF = fit.seconds + pred.seconds;
  const pyAtF = py ? py.seconds_estimated : null;
  const stage = (k: number, p: number | undefined) => `${k.toFixed(1)}${p === undefined ? '' : ` / ${p.toFixed(1)}`}`;
  rows.push(
    row(
      `paper-scale cell at fraction ${fraction} (measured)`,
      `${n} train + ${testImages} test images x ${ppi} x ${C.d}`,
      kitAtF,
      null,
      null,
      pyAtF,
      `TailedCore fit ${fit.seconds.toFixed(1)} s + predict ${pred.seconds.toFixed(1)} s, peak RSS ${rss.toFixed(2)} GiB (whole bench process, inputs included); ` +
        `stages kit${py ? ' / python' : ''} (s): LOF ${stage(kit.lof, py?.lof)}, head coreset ${stage(kit.head, py?.head_coreset)} (${info.headRows} picks), ` +
        `TailSampler ${stage(kit.ts, py?.tailsampler)}, tail views ${kit.aug.toFixed(1)}, tail coreset ${stage(kit.tail, py?.tail_coreset)} (${info.tailRows} picks of ${info.tailCandidateRows}), ` +
        `predict ${stage(kit.predict, py?.predict)}; tail images found ${info.tailImageIndices.length}/${C.tailImages}${tailOk ? '' : ' (tail coreset then not full size)'}; ` +
        (py
          ? `python: bench/python/e2e.py, ${THREADS} threads, coreset loops timed on their first ${py.timed_picks} picks and scaled (per-pick cost is constant), ` +
            `python found ${py.tail} tail images, bank ${py.bank} rows`
          : `python: ${ctx.pythonMissing ?? 'failed (see log)'}`),
    ),
  );
  const gib = (rowsCount: number) => (rowsCount * C.d * 4) / 2 ** 30;
  const rssFull =
    rss +
    gib(n * ppi) * (nFull / n - 1) +
    gib(testImages * ppi) * (C.testImages / testImages - 1) +
    gib(bankFull - info.bankRows);
  const pyFull = py
    ? extrap({
        lof: py.lof,
        head: py.head_coreset,
        ts: py.tailsampler,
        aug: 0,
        tail: py.tail_coreset,
        predict: py.predict,
      }) +
      (py.fit_estimated - py.lof - py.head_coreset - py.tailsampler - py.tail_coreset) * (nFull / n)
    : null;
  rows.push(
    row(
      'paper-scale cell, full size (extrapolated)',
      `${nFull} train + ${C.testImages} test images x ${ppi} x ${C.d}`,
      kitFull,
      null,
      null,
      pyFull,
      `kit head coreset ${full ? `MEASURED at full size: ${full.rows} rows -> ${full.picks} picks in ${full.seconds.toFixed(0)} s (${full.cpuSeconds.toFixed(0)} CPU-s) on ${THREADS} cores` : `x ${quad.toFixed(0)} (quadratic bound)`}; ` +
        `the rest extrapolated per stage from the fraction-${fraction} run: LOF, TailSampler${full ? '' : ', head coreset'} and python's head coreset x ${quad.toFixed(0)} ((full/measured images)^2: exact for the brute-force loop; ` +
        `an upper bound for LOF, whose per-position call overhead dominates at small image counts: the 'lof' section measures 1,900 images directly), ` +
        `tail coreset and views as measured (already full size), scoring x ${scoreFactor.toFixed(0)} ` +
        `(test patches x bank rows, bank ~${Math.round(bankFull)} rows); kit ~${(kitFull / 60).toFixed(0)} min, scoring ~${((kit.predict * scoreFactor) / 60).toFixed(0)} min ` +
        `(${((2 * C.testImages * ppi * bankFull * C.d) / 1e12).toFixed(0)} TFLOP)${pyFull !== null ? `; python ~${(pyFull / 60).toFixed(0)} min` : ''}; ` +
        `peak RSS at full size: ~${rssFull.toFixed(1)} GiB estimated (measured peak plus the growth of the training patches, test patches and bank; the full cell cannot run here, see bench/paper-scale.ts)`,
    ),
  );
  rows.push(...stages);
  return rows;
}
