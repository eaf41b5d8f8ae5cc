/**
 * npx tsx scripts/tail-selection.ts --data DIR [--embedding NAME] [--resize PX --crop PX] [--seeds N] [--noise LIST]
 * What TailSampler selects on drawn long-tail noisy splits of one dataset: per split, the images selected, the true
 * tail, max K and the authors' measures (missing tail %, included anomaly %, included head %). Features come from the
 * feature cache when present.
 */
import { openDataset } from '../src/data';
import { buildSplit, trainItems } from '../src/data/splits';
import { FeatureExtractor } from '../src/features';
import type { EmbeddingChoice } from '../src/features';
import { zeros } from '../src/linalg';
import { splitTruth, tailAccuracy } from '../src/report';
import { tailSampler } from '../src/sampling';
import { CliSpec, intFlag, ParsedCli, requiredFlag, runCli, stringFlag } from '../src/util';
import { OptionError } from '../src/util';

const CLI: CliSpec = {
  command: 'npx tsx scripts/tail-selection.ts',
  summary: "TailSampler's selection on drawn splits (step K=1, step K=4, Pareto) of one dataset, split by split.",
  flags: {
    data: { type: 'string', value: 'DIR', description: 'dataset in MVTec layout' },
    embedding: {
      type: 'string',
      value: 'NAME',
      description: 'kit-default, paper, mobilenet-max',
      default: 'kit-default',
    },
    resize: { type: 'string', value: 'PX', description: 'patch pass: shorter side', default: '64' },
    crop: { type: 'string', value: 'PX', description: 'patch pass: centre crop', default: '56' },
    seeds: { type: 'string', value: 'N', description: 'split seeds 0..N-1', default: '3' },
    noise: { type: 'string', value: 'LIST', description: 'comma-separated noise ratios', default: '0,0.05,0.1,0.4' },
    cache: { type: 'string', value: 'DIR', description: 'feature cache folder', default: 'data/cache' },
  },
};

const pct = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(1));

async function main(cli: ParsedCli): Promise<void> {
  const root = requiredFlag(cli, CLI, 'data');
  const seeds = intFlag(cli, 'seeds', { min: 1, max: 100 }) ?? 3;
  const noises = (stringFlag(cli, 'noise') ?? '0,0.05,0.1,0.4').split(',').map(Number);
  if (noises.some((v) => !(v >= 0 && v < 1)))
    throw new OptionError(`--noise must list ratios in [0, 1), got "${stringFlag(cli, 'noise')}"`);
  const ds = await openDataset(root);
  const fx = await FeatureExtractor.create({
    resize: intFlag(cli, 'resize', { min: 8 }) ?? 64,
    crop: intFlag(cli, 'crop', { min: 8 }) ?? 56,
    cacheDir: stringFlag(cli, 'cache') ?? 'data/cache',
    embedding: (stringFlag(cli, 'embedding') ?? 'kit-default') as EmbeddingChoice,
  });
  try {
    // Every image that can be a training image: train/good and the test anomalies that noise may inject.
    const paths = [...new Set(ds.classes.flatMap((c) => [...c.train, ...c.test].map((i) => i.path)))];
    const E = (await fx.extract(paths)).embeddings;
    const row = new Map(paths.map((p, i) => [p, i]));
    console.log(
      '| setting | noise | seed | train images | true tail | selected | max K | missing tail % | incl. anomaly % | incl. head % |',
    );
    console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [tail, k] of [
      ['step', 1],
      ['step', 4],
      ['pareto', null],
    ] as const) {
      for (const noiseRatio of noises) {
        for (let seed = 0; seed < seeds; seed++) {
          const items = trainItems(
            ds,
            buildSplit(ds, { tailType: tail, ...(k !== null ? { k } : {}), noiseRatio, seed }),
          );
          const X = zeros(items.length, E.cols);
          items.forEach((t, i) => {
            const r = row.get(t.image.path)!;
            X.data.set(E.data.subarray(r * E.cols, (r + 1) * E.cols), i * E.cols);
          });
          const r = await tailSampler(X);
          const { trueSizes, isNoise } = splitTruth(items);
          const selected = new Uint8Array(items.length);
          for (const i of r.tailIndices) selected[i] = 1;
          const a = tailAccuracy(trueSizes, selected, isNoise, r.classSizes);
          const setting = tail === 'step' ? `step K=${k}` : 'pareto';
          console.log(
            `| ${setting} | ${noiseRatio} | ${seed} | ${items.length} | ${a.trueTail} | ${a.selected} | ${r.maxK} | ` +
              `${pct(a.missingTailPct)} | ${pct(a.inclAnomalyPct)} | ${pct(a.inclHeadPct)} |`,
          );
        }
      }
    }
  } finally {
    fx.dispose();
  }
}

if (require.main === module) runCli(CLI, main);
