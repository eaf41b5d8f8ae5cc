/**
 * npx tsx scripts/ablation-class-similarity.ts [--families LIST] [--seeds N] [--onnx FILE] [--out DIR]
 *
 * The class-similarity figure (spec §2.1, the authors' class_similarity figure): for each image embedding choice,
 * the distributions of normalised angles arccos(s) / θ_max of same-class pairs and 1 − that of different-class pairs,
 * with W(same, 1 − diff) (src/report/class-similarity.ts). Embeddings: kit-default, paper, mobilenet-max and an ONNX
 * backbone's avgpool; without --onnx that is the kit's tiny random-weight test net (src/features/backbones/tiny-cnn.ts),
 * labelled as such: give --onnx data/wrn50.onnx (scripts/export-wrn50.py) for the paper's WRN50.
 * Splits: step K=1, step K=4, Pareto at 10 % noise, split seeds 0..N-1, 64 -> 56 px patch pass. Writes
 * DIR/class-similarity.{md,csv,svg,png}; the figure shows --figure-family / --figure-setting, seed 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tinyCnnOnnx } from '../src/features/backbones';
import { loadBackbone } from '../src/features/backbones';
import type { FeatureExtractorOptions } from '../src/features';
import { halfAngleErrors, histogramShares, normalisedAngles, symmetryDistance } from '../src/report';
import { classSimilaritySpec, SimilarityBin } from '../src/plots';
import { renderSvg, svgToPng, writeOutput } from '../src/plots';
import { writeFileAtomic, ensureDir } from '../src/util';
import { CliSpec, intFlag, ParsedCli, runCli, stringFlag } from '../src/util';
import { OptionError } from '../src/util';
import { SETTINGS, familyEmbeddings, parseFamilies } from './ablation-data';

const CLI: CliSpec = {
  command: 'npx tsx scripts/ablation-class-similarity.ts',
  summary: 'Same- vs different-class normalised angles and W(same, 1 − diff) for each TailSampler embedding choice.',
  flags: {
    families: {
      type: 'string',
      value: 'LIST',
      description: 'synthetic, lookalike or name=DIR',
      default: 'synthetic,lookalike',
    },
    seeds: { type: 'string', value: 'N', description: 'split seeds 0..N-1', default: '3' },
    onnx: {
      type: 'string',
      value: 'FILE',
      description: 'ONNX export (outputs layer2, layer3, avgpool); default: the tiny test net',
    },
    'figure-family': { type: 'string', value: 'NAME', description: 'family shown in the figure', default: 'synthetic' },
    'figure-setting': {
      type: 'string',
      value: 'LABEL',
      description: 'setting shown in the figure',
      default: 'step K=4',
    },
    out: { type: 'string', value: 'DIR', description: 'output folder', default: 'results/ablations' },
  },
};

const BINS = 25;

async function main(cli: ParsedCli): Promise<void> {
  const families = parseFamilies(stringFlag(cli, 'families') ?? 'synthetic,lookalike');
  const seeds = intFlag(cli, 'seeds', { min: 1, max: 20 }) ?? 3;
  const out = stringFlag(cli, 'out') ?? 'results/ablations';
  const figFamily = stringFlag(cli, 'figure-family') ?? 'synthetic';
  const figSetting = stringFlag(cli, 'figure-setting') ?? 'step K=4';
  if (!SETTINGS.some((s) => s.label === figSetting))
    throw new OptionError(`--figure-setting must be one of ${SETTINGS.map((s) => s.label).join(', ')}`);
  let onnx = stringFlag(cli, 'onnx');
  const onnxLabel = onnx ? `onnx:${path.basename(onnx)} avgpool` : 'tiny test ONNX net (random weights) avgpool';
  if (!onnx) {
    ensureDir('data/ablations');
    onnx = 'data/ablations/tiny-cnn.onnx';
    fs.writeFileSync(onnx, tinyCnnOnnx());
  }
  const t0 = performance.now();
  const base = { resize: 64, crop: 56, cacheDir: 'data/cache' };
  const choices: { label: string; options: () => Promise<FeatureExtractorOptions> }[] = [
    { label: 'kit-default', options: async () => ({ ...base, embedding: 'kit-default' }) },
    { label: 'paper', options: async () => ({ ...base, embedding: 'paper' }) },
    { label: 'mobilenet-max', options: async () => ({ ...base, embedding: 'mobilenet-max' }) },
    {
      label: onnxLabel,
      options: async () => ({ ...base, backbone: await loadBackbone({ onnx }), embedding: 'backbone', targetDim: 64 }),
    },
  ];
  const rows: {
    embedding: string;
    family: string;
    setting: string;
    seed: number;
    w: number;
    same: number;
    diff: number;
    sameBeyond: number;
    diffWithin: number;
  }[] = [];
  const bins: SimilarityBin[] = [];
  for (const choice of choices) {
    for (const fam of families) {
      const fe = await familyEmbeddings(fam, await choice.options());
      for (const setting of SETTINGS) {
        for (let seed = 0; seed < seeds; seed++) {
          const { items, X } = fe.split(setting, 0.1, seed);
          const a = await normalisedAngles(
            X,
            items.map((t) => t.className),
          );
          const w = symmetryDistance(a);
          const e = halfAngleErrors(a);
          rows.push({
            sameBeyond: e.sameBeyond,
            diffWithin: e.diffWithin,
            embedding: choice.label,
            family: fam.name,
            setting: setting.label,
            seed,
            w,
            same: a.same.length,
            diff: a.diff.length,
          });
          if (fam.name === figFamily && setting.label === figSetting && seed === 0) {
            const push = (pairs: string, v: ArrayLike<number>) =>
              histogramShares(v, BINS).forEach((share, b) =>
                bins.push({ embedding: choice.label, pairs, bin: b / BINS, share, w }),
              );
            push('same class', a.same);
            push(
              'different class (1 − x)',
              Float64Array.from(a.diff, (v) => 1 - v),
            );
          }
        }
      }
    }
    console.log(`${choice.label}: done`);
  }
  const minutes = ((performance.now() - t0) / 60000).toFixed(1);
  const mean = (
    f: (r: (typeof rows)[number]) => boolean,
    v: (r: (typeof rows)[number]) => number = (r) => r.w,
    scale = 1,
    d = 3,
  ) => {
    const g = rows.filter(f);
    return g.length ? ((scale * g.reduce((s, r) => s + v(r), 0)) / g.length).toFixed(d) : '–';
  };
  const cmd = `npx tsx scripts/ablation-class-similarity.ts --families ${families.map((f) => f.name).join(',')} --seeds ${seeds}${stringFlag(cli, 'onnx') ? ` --onnx ${onnx}` : ''}`;
  const cells = families.flatMap((f) => SETTINGS.map((s) => ({ f: f.name, s: s.label })));
  const md = [
    '# Class similarity: W(same, 1 − diff) per embedding (spec §2.1 shape)',
    '',
    `Made by \`${cmd}\` (${minutes} min here, features cached). 10 % noise, split seeds 0-${seeds - 1} (mean), 64 → 56 px patch pass ` +
      '(the kit-default embedding has its own 224 px pass). Smaller W = the symmetric assumption holds better; the authors report ' +
      'W = 0.27 / 0.18 / 0.19 (MVTec step K=1 / K=4 / Pareto) and 0.15 / 0.13 / 0.13 (VisA) for WRN50 avgpool.',
    '',
    `| embedding | ${cells.map((c) => `${c.f} ${c.s}`).join(' | ')} | mean |`,
    `|---|${cells.map(() => '---:').join('|')}|---:|`,
    ...choices.map(
      (c) =>
        `| ${c.label} | ${cells.map((x) => mean((r) => r.embedding === c.label && r.family === x.f && r.setting === x.s)).join(' | ')} | ${mean((r) => r.embedding === c.label)} |`,
    ),
    '',
    'Pairs on the wrong side of the half angle (the threshold the symmetric assumption gives): same-class pairs beyond it ' +
      '(a class split) and different-class pairs within it (classes merged, the failure that hides a tail image in a larger class), %, mean over all cells:',
    '',
    '| embedding | same-class beyond 0.5 % | different-class within 0.5 % |',
    '|---|---:|---:|',
    ...choices.map(
      (c) =>
        `| ${c.label} | ${mean(
          (r) => r.embedding === c.label,
          (r) => r.sameBeyond,
          100,
          2,
        )} | ${mean(
          (r) => r.embedding === c.label,
          (r) => r.diffWithin,
          100,
          2,
        )} |`,
    ),
    '',
  ].join('\n');
  writeFileAtomic(path.join(out, 'class-similarity.md'), md, 'table');
  writeFileAtomic(
    path.join(out, 'class-similarity.csv'),
    [
      'embedding,family,setting,seed,w,same_pairs,diff_pairs,same_beyond_half,diff_within_half',
      ...rows.map((r) =>
        [
          JSON.stringify(r.embedding),
          r.family,
          r.setting,
          r.seed,
          r.w.toFixed(5),
          r.same,
          r.diff,
          r.sameBeyond.toFixed(5),
          r.diffWithin.toFixed(5),
        ].join(','),
      ),
    ].join('\n') + '\n',
    'table',
  );
  writeFileAtomic(
    path.join(out, 'class-similarity-bins.json'),
    JSON.stringify({ binWidth: 1 / BINS, family: figFamily, setting: figSetting, bins }) + '\n',
    'table',
  );
  const svg = await renderSvg(
    classSimilaritySpec(bins, 1 / BINS, `Class similarity, ${figFamily} ${figSetting}, 10 % noise, seed 0`),
  );
  writeOutput(path.join(out, 'class-similarity.svg'), svg);
  writeOutput(path.join(out, 'class-similarity.png'), await svgToPng(svg));
  console.log(md);
}

if (require.main === module) runCli(CLI, main);
