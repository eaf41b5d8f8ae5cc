/**
 * npx tsx scripts/ablation-embedding-accuracy.ts [--family NAME] [--accuracies LIST] [--seeds N] [--embeddings LIST]
 *
 * The embedding-quality ablation (spec §6.6): TailedCore fitted with TailSampler fed a noisy oracle embedding whose
 * class accuracy is set (src/report/embedding-quality.ts), against the same fit with the kit's real embeddings. One
 * setting (step K=4, 10 % noise, as the authors' MVTec panel), 64 -> 56 px features. The x axis for every point is
 * the same measure: nearest-class-mean accuracy of the embedding on the few-shot (tail) and injected images.
 * To stay within a 2-core CPU the model is TailedCore without augmentation ('tailedcore-noaug'; --method to change).
 * Writes DIR/embedding-accuracy.{csv,md,svg,png}.
 */
import * as path from 'node:path';
import { openSession } from '../src/session';
import { kitPipeline } from '../src/experiments';
import type { Pipeline } from '../src/experiments';
import type { EmbeddingChoice } from '../src/features';
import { Matrix, zeros } from '../src/linalg';
import type { MemoryBankModel, TrainFeatures } from '../src/models';
import { checkModelName } from '../src/models';
import type { FeatureSet } from '../src/features';
import { trainItems } from '../src/data/splits';
import { nearestClassMeanAccuracy, noisyOracleEmbedding } from '../src/report';
import { splitTruth, tailAccuracy } from '../src/report';
import { embeddingAccuracySpec, AccuracyPoint } from '../src/plots';
import { renderSvg, svgToPng, writeOutput } from '../src/plots';
import { writeFileAtomic } from '../src/util';
import { CliSpec, intFlag, ParsedCli, runCli, stringFlag } from '../src/util';
import { OptionError } from '../src/util';
import { createRng } from '../src/util';
import { familyEmbeddings, parseFamilies } from './ablation-data';

const CLI: CliSpec = {
  command: 'npx tsx scripts/ablation-embedding-accuracy.ts',
  summary:
    'TailedCore image AUROC against the accuracy of a noisy oracle embedding, next to the kit’s real embeddings.',
  flags: {
    family: { type: 'string', value: 'NAME', description: 'synthetic, lookalike or name=DIR', default: 'synthetic' },
    accuracies: {
      type: 'string',
      value: 'LIST',
      description: 'oracle accuracies (share of images given their true class)',
      default: '0.1,0.5,0.8,0.9,1',
    },
    embeddings: {
      type: 'string',
      value: 'LIST',
      description: 'real embeddings to place on the curve',
      default: 'kit-default,paper,mobilenet-max',
    },
    seeds: {
      type: 'string',
      value: 'N',
      description: 'split seeds 0..N-1 (model and oracle seeded alike)',
      default: '2',
    },
    method: { type: 'string', value: 'NAME', description: 'model name', default: 'tailedcore-noaug' },
    out: { type: 'string', value: 'DIR', description: 'output folder', default: 'results/ablations' },
  },
};

const FEATURES = { resize: 64, crop: 56, cacheDir: 'data/cache' };

async function main(cli: ParsedCli): Promise<void> {
  const [family] = parseFamilies(stringFlag(cli, 'family') ?? 'synthetic');
  const accuracies = (stringFlag(cli, 'accuracies') ?? '0.1,0.5,0.8,0.9,1').split(',').map(Number);
  if (accuracies.some((a) => !(a >= 0 && a <= 1))) throw new OptionError('--accuracies must list values in [0, 1]');
  const embeddings = (stringFlag(cli, 'embeddings') ?? 'kit-default,paper,mobilenet-max').split(',').filter(Boolean);
  const seeds = intFlag(cli, 'seeds', { min: 1, max: 20 }) ?? 2;
  const method = checkModelName(stringFlag(cli, 'method') ?? 'tailedcore-noaug');
  const out = stringFlag(cli, 'out') ?? 'results/ablations';
  const t0 = performance.now();

  // The model sees the embedding `override` gives for its training set (null = the session's own, kit-default).
  let override: ((classNames: string[]) => Matrix) | null = null;
  const base = kitPipeline();
  const pipeline: Pipeline = {
    ...base,
    createModel(name, options, ctx) {
      const inner = base.createModel(name, options, ctx);
      return {
        name: inner.name,
        fit: (train: TrainFeatures) =>
          inner.fit(override ? { ...train, embeddings: override(train.classNames!) } : train),
        predict: (t: FeatureSet) => inner.predict(t),
        dispose: () => inner.dispose(),
        get info() {
          return (inner as MemoryBankModel).info;
        },
      } as unknown as ReturnType<Pipeline['createModel']>;
    },
  };
  const session = await openSession({ root: family.root, features: FEATURES, pipeline, quiet: true });
  const real = new Map<string, Awaited<ReturnType<typeof familyEmbeddings>>>();
  for (const e of embeddings)
    real.set(e, await familyEmbeddings(family, { ...FEATURES, embedding: e as EmbeddingChoice }, session.dataset));

  const points: (AccuracyPoint & {
    missingTailPct: number;
    inclAnomalyPct: number;
    tailAuroc: number;
    headAuroc: number;
  })[] = [];
  try {
    for (let seed = 0; seed < seeds; seed++) {
      const manifest = await session.split({ tailType: 'step', k: 4, noiseRatio: 0.1, seed });
      const { paths, classNames } = pipeline.trainPaths(session.dataset, manifest);
      const truth = splitTruth(trainItems(session.dataset, manifest));
      const fewOrNoisy = truth.trueSizes.map((s, i) => s <= 20 || truth.isNoise[i]);
      const runs: { embedding: string; nominal: number | null; E: (names: string[]) => Matrix }[] = [
        ...accuracies.map((a) => {
          const o = noisyOracleEmbedding(classNames, a, createRng(`oracle/${a}/${seed}`));
          return { embedding: 'oracle', nominal: a, E: () => o.embeddings };
        }),
        ...embeddings.map((e) => {
          const fe = real.get(e)!;
          const row = new Map(fe.paths.map((p, i) => [p, i]));
          const X = zeros(paths.length, fe.E.cols);
          paths.forEach((p, i) =>
            X.data.set(fe.E.data.subarray(row.get(p)! * fe.E.cols, (row.get(p)! + 1) * fe.E.cols), i * fe.E.cols),
          );
          return { embedding: e, nominal: null, E: () => X };
        }),
      ];
      for (const r of runs) {
        const X = r.E(classNames);
        override = () => X;
        const ev = await session.evaluate(manifest, method, { modelSeed: seed, keepModel: true });
        const info = (ev.model as unknown as MemoryBankModel).info;
        ev.model.dispose();
        const selected = new Uint8Array(paths.length);
        for (const i of info.tailImageIndices) selected[i] = 1;
        const acc = tailAccuracy(truth.trueSizes, selected, truth.isNoise);
        const mean = (f: (c: (typeof ev.classes)[number]) => boolean) => {
          const cs = ev.classes.filter(f);
          return cs.reduce((s, c) => s + c.metrics.image_auroc, 0) / cs.length;
        };
        const p = {
          embedding: r.embedding,
          nominalPct: r.nominal === null ? null : 100 * r.nominal,
          accuracyPct: 100 * nearestClassMeanAccuracy(X, classNames, fewOrNoisy),
          imageAuroc: mean(() => true),
          tailAuroc: mean((c) => c.isTail),
          headAuroc: mean((c) => !c.isTail),
          missingTailPct: acc.missingTailPct,
          inclAnomalyPct: acc.inclAnomalyPct,
          seed,
        };
        points.push(p);
        console.log(JSON.stringify(p));
      }
    }
  } finally {
    override = null;
    session.dispose();
  }
  const minutes = ((performance.now() - t0) / 60000).toFixed(1);
  const cols = [
    'embedding',
    'nominalPct',
    'seed',
    'accuracyPct',
    'imageAuroc',
    'headAuroc',
    'tailAuroc',
    'missingTailPct',
    'inclAnomalyPct',
  ] as const;
  const csv = [
    cols.join(','),
    ...points.map((p) =>
      cols.map((c) => (p[c] === null ? '' : typeof p[c] === 'number' ? +(p[c] as number).toFixed(5) : p[c])).join(','),
    ),
  ].join('\n');
  writeFileAtomic(path.join(out, 'embedding-accuracy.csv'), csv + '\n', 'table');
  writeFileAtomic(path.join(out, 'embedding-accuracy.json'), JSON.stringify(points, null, 1) + '\n', 'table');
  // Mean over seeds per (embedding, nominal accuracy).
  const groups = new Map<string, typeof points>();
  for (const p of points) {
    const k = `${p.embedding}|${p.nominalPct ?? ''}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const m = (g: typeof points, f: (p: (typeof points)[number]) => number) => g.reduce((s, p) => s + f(p), 0) / g.length;
  const cmd = `npx tsx scripts/ablation-embedding-accuracy.ts --family ${family.name} --accuracies ${accuracies.join(',')} --embeddings ${embeddings.join(',')} --seeds ${seeds} --method ${method}`;
  const md = [
    '# Embedding quality vs TailedCore (spec §6.6 shape)',
    '',
    `Made by \`${cmd}\` (${minutes} min here). ${family.name}, step K=4, 10 % noise, split seeds 0-${seeds - 1}, ${method}, 64 → 56 px. ` +
      "Accuracy = nearest-class-mean accuracy of the embedding on the few-shot and injected images (the oracle's set accuracy in brackets). " +
      'Image AUROC = mean over classes (head = noisy many-shot classes, tail = ≤ 20 images).',
    '',
    '| embedding | accuracy % | image AUROC | head | tail | missing tail % | incl. anomaly % |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...[...groups.values()].map(
      (g) =>
        `| ${g[0].embedding}${g[0].nominalPct !== null ? ` (${g[0].nominalPct} %)` : ''} | ${m(g, (p) => p.accuracyPct).toFixed(1)} | ` +
        `${(100 * m(g, (p) => p.imageAuroc)).toFixed(1)} | ${(100 * m(g, (p) => p.headAuroc)).toFixed(1)} | ${(100 * m(g, (p) => p.tailAuroc)).toFixed(1)} | ` +
        `${m(g, (p) => p.missingTailPct).toFixed(1)} | ${m(g, (p) => p.inclAnomalyPct).toFixed(1)} |`,
    ),
    '',
  ].join('\n');
  writeFileAtomic(path.join(out, 'embedding-accuracy.md'), md, 'table');
  const svg = await renderSvg(
    embeddingAccuracySpec(points, `Embedding quality vs TailedCore image AUROC (${family.name}, step K=4, 10 % noise)`),
  );
  writeOutput(path.join(out, 'embedding-accuracy.svg'), svg);
  writeOutput(path.join(out, 'embedding-accuracy.png'), await svgToPng(svg));
  console.log(md);
}

if (require.main === module) runCli(CLI, main);
