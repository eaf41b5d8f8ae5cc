/**
 * Which ImageNet layer of the bundled MobileNetV2 gives TailSampler the best image embedding?
 * Generates the synthetic dataset (seeded), builds long-tail noisy splits (step K=1, step K=4, Pareto; several
 * seeds), extracts the global average pool (GAP) and global max pool (':max') of each candidate layer once per image, runs TailSampler (the paper's
 * 'ada_trim_min-mode') on each candidate's embeddings, and scores it against the true classes:
 *   tail recall     = tail-class images selected / tail-class images (the paper's priority: never miss a tail image)
 *   tail precision  = selected images that are tail-class / selected
 *   noise incl.     = injected anomalies selected as tail / injected anomalies
 *   size err        = mean |predicted class size - true class size| / true size (true size counts the class's noise)
 *   size acc        = share of images whose rounded predicted size is within 20 % of the true size
 *
 *   npx tsx scripts/choose-embedding.ts [--data data/synth-embed] [--seeds 3] [--resize 256 --crop 224] [--extra]
 */
import * as path from 'node:path';
import { generateSynthetic } from '../src/data/synth';
import { loadDataset } from '../src/data/mvtec';
import { buildSplit, trainItems } from '../src/data/splits';
import { readRgb } from '../src/data/images';
import { selectTfBackend } from '../src/features/backend';
import { loadBundledBackbone } from '../src/features/backbones/bundled';
import { preprocess } from '../src/features/preprocess';
import { globalAvgPool } from '../src/features/backbones/split';
import { tailSampler } from '../src/sampling/tail-sampler';
import { Matrix, zeros } from '../src/linalg/matrix';
import { LayerMap } from '../src/features/types';
import { progress } from '../src/util/progress';
import { CliSpec, ParsedCli, intFlag, runCli, stringFlag } from '../src/util/cli';

const CLI: CliSpec = {
  command: 'npx tsx scripts/choose-embedding.ts',
  summary: 'Scores candidate MobileNetV2 layers as TailSampler embeddings (global average and max pool) on seeded long-tail splits.',
  flags: {
    data: { type: 'string', value: 'DIR', description: 'synthetic dataset folder (generated when absent)', default: 'data/synth-embed' },
    seeds: { type: 'string', value: 'N', description: 'split seeds per setting', default: '3' },
    resize: { type: 'string', value: 'PX', description: 'shorter side before cropping', default: '256' },
    crop: { type: 'string', value: 'PX', description: 'centre crop', default: '224' },
    // Global max pool of each layer is always scored (the default embedding is one).
    extra: { type: 'boolean', description: 'also score L2-normalised GAP concatenations of layer pairs' },
  },
};
const CANDIDATES = ['block_3_expand_relu', 'block_5_add', 'block_6_expand_relu', 'block_9_add', 'block_10_expand_relu', 'block_10_project_BN'];

function globalMaxPool(m: LayerMap): Float32Array {
  const out = new Float32Array(m.channels).fill(-Infinity);
  for (let p = 0; p < m.height * m.width; p++) for (let k = 0; k < m.channels; k++) out[k] = Math.max(out[k], m.data[p * m.channels + k]);
  return out;
}

/** Rows of a and b, each L2-normalised, side by side (equal say for both layers in the cosine). */
function concatNormalized(a: Matrix, b: Matrix): Matrix {
  const out = zeros(a.rows, a.cols + b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (const [m, off] of [[a, 0], [b, a.cols]] as const) {
      let n = 0;
      for (let k = 0; k < m.cols; k++) n += m.data[i * m.cols + k] ** 2;
      n = Math.sqrt(n) || 1;
      for (let k = 0; k < m.cols; k++) out.data[i * out.cols + off + k] = m.data[i * m.cols + k] / n;
    }
  }
  return out;
}

async function main(cli: ParsedCli): Promise<void> {
  const EXTRA = cli.values.extra === true;
  const dataDir = stringFlag(cli, 'data') ?? path.join('data', 'synth-embed');
  const seeds = intFlag(cli, 'seeds', { min: 1 }) ?? 3;
  const resize = intFlag(cli, 'resize', { min: 1 }) ?? 256, crop = intFlag(cli, 'crop', { min: 1 }) ?? 224;
  await generateSynthetic({ out: dataDir, seed: 0, size: 256, defectsPerType: 4, testGood: 2 });
  const dataset = loadDataset(dataDir);
  const settings = [
    { label: 'step K=1', opts: { tail: 'step' as const, k: 1 } },
    { label: 'step K=4', opts: { tail: 'step' as const, k: 4 } },
    { label: 'pareto', opts: { tail: 'pareto' as const } },
  ];
  const splits = settings.flatMap((s) => Array.from({ length: seeds }, (_, seed) => ({ label: s.label, seed, items: trainItems(dataset, buildSplit(dataset, { ...s.opts, noiseRatio: 0.1, seed })) })));
  // Embeddings of every image any split uses, once.
  const paths = [...new Set(splits.flatMap((s) => s.items.map((t) => t.image.path)))];
  await selectTfBackend();
  const bb = await loadBundledBackbone({ patchLayers: CANDIDATES, embeddingLayer: 'block_10_expand_relu' });
  const emb = new Map<string, Matrix>();
  const names = CANDIDATES.flatMap((c) => [c, `${c}:max`]);
  const rows: Record<string, Float32Array[]> = Object.fromEntries(names.map((c) => [c, []]));
  const bar = progress('embedding candidates', paths.length);
  for (let b = 0; b < paths.length; b += 8) {
    const chunk = paths.slice(b, b + 8);
    const imgs = await Promise.all(chunk.map(async (p) => preprocess(await readRgb(p), { resize, crop, normalization: 'mobilenet' })));
    const data = new Float32Array(imgs.length * crop * crop * 3);
    imgs.forEach((im, i) => data.set(im.data, i * crop * crop * 3));
    const out = await bb.extract({ data, count: imgs.length, height: crop, width: crop });
    for (const c of CANDIDATES) {
      const g = globalAvgPool(out.layers.map((l) => l[c]));
      for (let i = 0; i < g.rows; i++) rows[c].push(g.data.slice(i * g.cols, (i + 1) * g.cols));
      for (const l of out.layers) rows[`${c}:max`].push(globalMaxPool(l[c]));
    }
    bar.tick(chunk.length);
  }
  bar.done();
  for (const c of names) {
    const d = rows[c][0].length;
    const m = zeros(paths.length, d);
    rows[c].forEach((r, i) => m.data.set(r, i * d));
    emb.set(c, m);
  }
  const variants = [...names];
  if (EXTRA) {
    for (const [a, b] of [['block_6_expand_relu', 'block_10_expand_relu'], ['block_3_expand_relu', 'block_10_expand_relu'], ['block_5_add', 'block_10_project_BN']]) {
      const name = `${a}+${b}`;
      emb.set(name, concatNormalized(emb.get(a)!, emb.get(b)!));
      variants.push(name);
    }
  }
  const index = new Map(paths.map((p, i) => [p, i]));
  type Acc = { recall: number[]; precision: number[]; noise: number[]; sizeErr: number[]; sizeAcc: number[] };
  const table = new Map<string, Acc>();
  for (const c of variants) {
    for (const s of splits) {
      const m = emb.get(c)!;
      const sub = zeros(s.items.length, m.cols);
      s.items.forEach((t, i) => sub.data.set(m.data.subarray(index.get(t.image.path)! * m.cols, (index.get(t.image.path)! + 1) * m.cols), i * m.cols));
      const res = await tailSampler(sub);
      const classSize = new Map<string, number>();
      for (const t of s.items) classSize.set(t.className, (classSize.get(t.className) ?? 0) + 1);
      const isTail = s.items.map((t) => classSize.get(t.className)! <= 20);
      const sel = new Set(Array.from(res.tailIndices));
      const nTail = isTail.filter(Boolean).length;
      const tp = [...sel].filter((i) => isTail[i]).length;
      const noiseIdx = s.items.map((t, i) => (t.isNoise ? i : -1)).filter((i) => i >= 0);
      let err = 0, acc = 0;
      s.items.forEach((t, i) => {
        const gt = classSize.get(t.className)!;
        err += Math.abs(res.classSizes[i] - gt) / gt;
        if (Math.abs(Math.round(res.classSizes[i]) - gt) <= 0.2 * gt) acc++;
      });
      const key = `${c}|${s.label}`;
      const a = table.get(key) ?? { recall: [], precision: [], noise: [], sizeErr: [], sizeAcc: [] };
      a.recall.push(nTail ? tp / nTail : 1);
      a.precision.push(sel.size ? tp / sel.size : 0);
      a.noise.push(noiseIdx.length ? noiseIdx.filter((i) => sel.has(i)).length / noiseIdx.length : 0);
      a.sizeErr.push(err / s.items.length);
      a.sizeAcc.push(acc / s.items.length);
      table.set(key, a);
    }
  }
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const pct = (v: number[]) => (100 * mean(v)).toFixed(1);
  console.log(`\n${splits.length} splits (${settings.map((s) => s.label).join(', ')} x ${seeds} seeds, noise 10 %), ${paths.length} images, resize ${resize} crop ${crop}, TailSampler ada_trim_min-mode; true tail = class size <= 20\n`);
  console.log('| layer (GAP; :max = GMP) | dim | setting | tail recall % | tail precision % | noise incl. % | size err | size acc % |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const c of variants) {
    const all: Acc = { recall: [], precision: [], noise: [], sizeErr: [], sizeAcc: [] };
    for (const s of settings) {
      const a = table.get(`${c}|${s.label}`)!;
      (Object.keys(all) as (keyof Acc)[]).forEach((k) => all[k].push(...a[k]));
      console.log(`| ${c} | ${emb.get(c)!.cols} | ${s.label} | ${pct(a.recall)} | ${pct(a.precision)} | ${pct(a.noise)} | ${mean(a.sizeErr).toFixed(2)} | ${pct(a.sizeAcc)} |`);
    }
    console.log(`| **${c}** | ${emb.get(c)!.cols} | **all** | **${pct(all.recall)}** | **${pct(all.precision)}** | **${pct(all.noise)}** | **${mean(all.sizeErr).toFixed(2)}** | **${pct(all.sizeAcc)}** |`);
  }
  bb.dispose();
}

runCli(CLI, main);
