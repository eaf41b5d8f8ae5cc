/**
 * npx tsx scripts/tail-selection.ts --data DIR[,DIR...] [--guards LIST] [--embedding NAME] [--seeds N] [--noise LIST]
 * What TailSampler selects on drawn long-tail noisy splits (step K=1, step K=4, Pareto) of one or more datasets, per
 * guard (src/sampling/tail-guard.ts): per split, the images selected, the true tail, max K and the authors' measures
 * (missing tail %, included anomaly %, included head % = 1 - precision); then one summary row per dataset x setting
 * x guard judged by the worst seed, with the oracle's missing % (a one-hot true-class embedding: what the rule
 * itself allows). Features come from the feature cache when present.
 */
import * as path from 'node:path';
import { openDataset } from '../src/data/validate';
import { buildSplit, trainItems } from '../src/data/splits';
import { FeatureExtractor } from '../src/features';
import type { EmbeddingChoice } from '../src/features/embedding-pass';
import { zeros } from '../src/linalg/matrix';
import { splitTruth, tailAccuracy } from '../src/report/tail-accuracy';
import { SelectionRecord, summarizeSelections } from '../src/report/tail-selection-summary';
import {
  tailSampler,
  TAIL_SAMPLER_DEFAULTS,
  TAIL_GUARDS,
  TailGuard,
  THRESHOLD_TYPES,
  ThresholdType,
} from '../src/sampling';
import { CliSpec, intFlag, ParsedCli, requiredFlag, runCli, stringFlag } from '../src/util/cli';
import { OptionError } from '../src/util/errors';

const CLI: CliSpec = {
  command: 'npx tsx scripts/tail-selection.ts',
  summary:
    "TailSampler's selection on drawn splits (step K=1, step K=4, Pareto) of one or more datasets, per guard, judged by the worst seed.",
  flags: {
    data: { type: 'string', value: 'DIR[,DIR...]', description: 'datasets in MVTec layout (comma-separated)' },
    guards: {
      type: 'string',
      value: 'LIST',
      description: `comma-separated TailSampler guards (${TAIL_GUARDS.join(', ')}); default the kit's`,
      default: TAIL_SAMPLER_DEFAULTS.guard,
    },
    thresholds: {
      type: 'string',
      value: 'LIST',
      description: `comma-separated TailSampler threshold types (${THRESHOLD_TYPES.join(', ')})`,
      default: 'trim_min',
    },
    embedding: {
      type: 'string',
      value: 'NAME',
      description:
        'kit-default, paper, mobilenet-max, or a spec as JSON: \'{"resize":256,"crop":224,"flip":false,"parts":[...]}\'',
      default: 'kit-default',
    },
    resize: { type: 'string', value: 'PX', description: 'patch pass: shorter side', default: '64' },
    crop: { type: 'string', value: 'PX', description: 'patch pass: centre crop', default: '56' },
    seeds: { type: 'string', value: 'N', description: 'split seeds 0..N-1', default: '5' },
    noise: { type: 'string', value: 'LIST', description: 'comma-separated noise ratios', default: '0.1' },
    cache: { type: 'string', value: 'DIR', description: 'feature cache folder', default: 'data/cache' },
    'per-split': { type: 'boolean', description: 'also print one row per split' },
  },
};

/** A name, or a spec given as JSON (checked by the extractor). */
function embeddingOf(v: string): EmbeddingChoice {
  if (!v.trim().startsWith('{')) return v as EmbeddingChoice;
  try {
    return JSON.parse(v) as EmbeddingChoice;
  } catch (e) {
    throw new OptionError(`--embedding: not valid JSON (${(e as Error).message}); give a name or a spec object`);
  }
}

const pct = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(1));
const SETTINGS = [
  { label: 'step K=1', tail: 'step' as const, k: 1 },
  { label: 'step K=4', tail: 'step' as const, k: 4 },
  { label: 'Pareto', tail: 'pareto' as const, k: null },
];

async function main(cli: ParsedCli): Promise<void> {
  const roots = requiredFlag(cli, CLI, 'data').split(',');
  const seeds = intFlag(cli, 'seeds', { min: 1, max: 100 }) ?? 5;
  const noises = (stringFlag(cli, 'noise') ?? '0.1').split(',').map(Number);
  if (noises.some((v) => !(v >= 0 && v < 1)))
    throw new OptionError(`--noise must list ratios in [0, 1), got "${stringFlag(cli, 'noise')}"`);
  const guards = (stringFlag(cli, 'guards') ?? TAIL_SAMPLER_DEFAULTS.guard).split(',') as TailGuard[];
  for (const g of guards)
    if (!TAIL_GUARDS.includes(g))
      throw new OptionError(`--guards: unknown guard "${g}" (known: ${TAIL_GUARDS.join(', ')})`);
  const thresholds = (stringFlag(cli, 'thresholds') ?? 'trim_min').split(',') as ThresholdType[];
  for (const t of thresholds)
    if (!THRESHOLD_TYPES.includes(t))
      throw new OptionError(`--thresholds: unknown threshold type "${t}" (known: ${THRESHOLD_TYPES.join(', ')})`);
  // One label per (threshold type, guard): the guard alone while only trim_min is scored.
  const variants = thresholds.flatMap((thresholdType) =>
    guards.map((guard) => ({
      thresholdType,
      guard,
      label: thresholds.length > 1 || thresholdType !== 'trim_min' ? `${thresholdType} ${guard}` : guard,
    })),
  );
  const fx = await FeatureExtractor.create({
    resize: intFlag(cli, 'resize', { min: 8 }) ?? 64,
    crop: intFlag(cli, 'crop', { min: 8 }) ?? 56,
    cacheDir: stringFlag(cli, 'cache') ?? 'data/cache',
    embedding: embeddingOf(stringFlag(cli, 'embedding') ?? 'kit-default'),
  });
  const records: SelectionRecord[] = [];
  const oracle: SelectionRecord[] = [];
  const perSplit: string[] = [
    '| dataset | setting | noise | seed | guard | train images | true tail | selected | max K (paper) | missing tail % | incl. anomaly % | incl. head % |',
    '|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  try {
    for (const root of roots) {
      const name = path.basename(root);
      const ds = await openDataset(root);
      // Every image that can be a training image: train/good and the test anomalies that noise may inject.
      const paths = [...new Set(ds.classes.flatMap((c) => [...c.train, ...c.test].map((i) => i.path)))];
      const E = (await fx.extract(paths)).embeddings;
      const row = new Map(paths.map((p, i) => [p, i]));
      const classNames = ds.classes.map((c) => c.name);
      for (const s of SETTINGS) {
        for (const noiseRatio of noises) {
          for (let seed = 0; seed < seeds; seed++) {
            const items = trainItems(
              ds,
              buildSplit(ds, { tail: s.tail, ...(s.k !== null ? { k: s.k } : {}), noiseRatio, seed }),
            );
            const X = zeros(items.length, E.cols);
            items.forEach((t, i) => {
              const r = row.get(t.image.path)!;
              X.data.set(E.data.subarray(r * E.cols, (r + 1) * E.cols), i * E.cols);
            });
            const { trueSizes, isNoise } = splitTruth(items);
            const label = `${name} | ${s.label}${noises.length > 1 ? ` | noise ${noiseRatio}` : ''}`;
            for (const { thresholdType, guard, label: variant } of variants) {
              const r = await tailSampler(X, { thresholdType, guard });
              const selected = new Uint8Array(items.length);
              for (const i of r.tailIndices) selected[i] = 1;
              const a = tailAccuracy(trueSizes, selected, isNoise, r.classSizes);
              records.push({ group: `${label} | ${variant}`, seed, accuracy: a });
              perSplit.push(
                `| ${name} | ${s.label} | ${noiseRatio} | ${seed} | ${variant} | ${items.length} | ${a.trueTail} | ${a.selected} | ` +
                  `${r.maxK} (${r.paperMaxK}) | ${pct(a.missingTailPct)} | ${pct(a.inclAnomalyPct)} | ${pct(a.inclHeadPct)} |`,
              );
            }
            // The oracle: a one-hot true-class embedding under the paper's rule (what the rule itself allows).
            const O = zeros(items.length, classNames.length);
            items.forEach((t, i) => {
              O.data[i * classNames.length + classNames.indexOf(t.className)] = 1;
            });
            const ro = await tailSampler(O, { guard: 'paper' });
            const so = new Uint8Array(items.length);
            for (const i of ro.tailIndices) so[i] = 1;
            oracle.push({ group: label, seed, accuracy: tailAccuracy(trueSizes, so, isNoise) });
          }
        }
      }
    }
  } finally {
    fx.dispose();
  }
  if (cli.values['per-split']) console.log(perSplit.join('\n') + '\n');
  const oracleMiss = new Map(summarizeSelections(oracle).map((o) => [o.group, o.meanMissingPct]));
  console.log(
    `TailSampler (mode vote) per threshold type and guard, split seeds 0-${seeds - 1}, noise ${noises.join(', ')}; ` +
      `true tail = class size <= 20. Worst = over the seeds; "selected / true" and "incl. head %" (1 - precision) at their worst seed.\n`,
  );
  console.log(
    '| dataset | setting | guard | selected / true tail, worst (seed) | incl. head %, worst | missing tail %, mean / worst | oracle missing % | incl. anomaly %, mean / worst |',
  );
  console.log('|---|---|---|---:|---:|---:|---:|---:|');
  for (const s of summarizeSelections(records)) {
    const [ds, setting, ...rest] = s.group.split(' | ');
    const guard = rest.pop();
    const key = [ds, setting, ...rest].join(' | ');
    console.log(
      `| ${ds} | ${[setting, ...rest].join(', ')} | ${guard} | ${s.worstRatio.toFixed(2)} (${s.worstRatioSeed}) | ${pct(s.worstInclHeadPct)} | ` +
        `${pct(s.meanMissingPct)} / ${pct(s.worstMissingPct)} | ${pct(oracleMiss.get(key) ?? NaN)} | ${pct(s.meanInclAnomalyPct)} / ${pct(s.worstInclAnomalyPct)} |`,
    );
  }
}

if (require.main === module) runCli(CLI, main);
