/**
 * npm run demo [-- --paper] [--splits-only] [--seed N]
 * (a) writes the synthetic dataset (data/synthetic, reused when complete) and three long-tail noisy splits (step K=1,
 *     step K=4, Pareto; 10 % noise) to data/splits/*.json, and prints each split's per-class table;
 * (b) fits PatchCore, SoftPatch and TailedCore on the step K=1 split and prints per-class, head and tail image AUROC,
 *     pixel AUROC and AUPRO.
 * The default settings are sized for a 2-core CPU (see DEMO_FEATURES); --paper uses the paper's 256 -> 224 input.
 */
import * as path from 'node:path';
import { generateSynthetic } from '../src/data/synth';
import { loadDataset } from '../src/data';
import { buildSplit, formatSplitTable, writeManifest } from '../src/data/splits';
import type { SplitSpec } from '../src/data/splits';
import type { Manifest } from '../src/data';
import { openSession } from '../src/session';
import { DEMO_FEATURES, PAPER_FEATURES, DEMO_CORESET_RATIO, PAPER_CORESET_RATIO, coresetOptions } from '../src/session';
import { summarizeResults } from '../src/report';
import { formatCell } from '../src/report';
import type { ResultRow } from '../src/results';
import { CliSpec, intFlag, ParsedCli, runCli } from '../src/util';

const ROOT = 'data/synthetic';
const SPLITS_DIR = 'data/splits';
const METHODS = ['patchcore', 'softpatch', 'tailedcore'] as const;
const CLI: CliSpec = {
  command: 'npm run demo --',
  summary:
    'The main job on the embedded default data: the synthetic set, three long-tail noisy splits, then PatchCore, SoftPatch and TailedCore on step K=1.',
  flags: {
    paper: { type: 'boolean', description: "the paper's 256 -> 224 input and coreset ratio 0.1 (slower)" },
    'splits-only': { type: 'boolean', description: 'write the dataset and the splits, fit nothing' },
    seed: { type: 'string', value: 'N', description: 'split and model seed (an integer >= 0)', default: '0' },
  },
};

const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

async function main(cli: ParsedCli): Promise<void> {
  const args = {
    paper: cli.values.paper === true,
    splitsOnly: cli.values['splits-only'] === true,
    seed: intFlag(cli, 'seed', { min: 0 }) ?? 0,
  };
  const t0 = Date.now();
  // Per-stage wall and CPU seconds (this process, all its threads), printed as a table at the end.
  const stages: { stage: string; wall: number; cpu: number }[] = [];
  let mark = { t: Date.now(), c: process.cpuUsage() };
  const lap = (stage: string) => {
    const c = process.cpuUsage(mark.c);
    stages.push({ stage, wall: (Date.now() - mark.t) / 1000, cpu: (c.user + c.system) / 1e6 });
    mark = { t: Date.now(), c: process.cpuUsage() };
  };
  console.log(`== (a) synthetic dataset and splits`);
  const rep = await generateSynthetic({ out: ROOT });
  console.log(`${rep.reused ? 'reused' : 'wrote'} ${ROOT}: ${rep.classes.length} classes, ${rep.images} images`);
  const dataset = loadDataset(ROOT);
  const specs: [string, SplitSpec][] = [
    ['step-k1-noise10', { tailType: 'step', k: 1 }],
    ['step-k4-noise10', { tailType: 'step', k: 4 }],
    ['pareto-noise10', { tailType: 'pareto' }],
  ];
  const manifests: Record<string, Manifest> = {};
  for (const [name, opt] of specs) {
    const m = buildSplit(dataset, { ...opt, noiseRatio: 0.1, seed: args.seed });
    const file = path.join(SPLITS_DIR, `${name}-seed${args.seed}.json`);
    writeManifest(file, m);
    manifests[name] = m;
    console.log(`\n${file}\n${formatSplitTable(m)}`);
  }
  lap('dataset and splits');
  if (args.splitsOnly) return;

  const features = args.paper ? PAPER_FEATURES : DEMO_FEATURES;
  const ratio = args.paper ? PAPER_CORESET_RATIO : DEMO_CORESET_RATIO;
  console.log(`\n== (b) PatchCore, SoftPatch, TailedCore on step K=1, 10 % noise, seed ${args.seed}`);
  console.log(
    `settings: ${args.paper ? 'paper' : "fast (use --paper for the paper's)"}: input resize ${features.resize} -> crop ${features.crop}, coreset ratio ${ratio}, ` +
      'backbone = bundled MobileNetV2 (ImageNet layers), tail augmentation rot15flip',
  );
  // Image embeddings only for the images TailSampler sees (the split's training images), cached apart.
  const session = await openSession({ root: ROOT, features, lazyEmbeddings: true });
  lap('features (extraction or cache)');
  console.log(`feature extractor: ${JSON.stringify(session.fx.describe())}`);
  const rows: ResultRow[] = [];
  try {
    for (const method of METHODS) {
      const t = Date.now();
      const r = await session.evaluate(
        manifests['step-k1-noise10'],
        { name: method, options: coresetOptions(method, ratio) },
        { seed: args.seed },
      );
      rows.push(...r.rows);
      const evalSeconds = (Date.now() - t) / 1000 - r.fitSeconds - r.predictSeconds;
      const c = process.cpuUsage(mark.c);
      const cpu = (c.user + c.system) / 1e6;
      const wall = (Date.now() - mark.t) / 1000;
      // fit / predict / evaluation split by wall time; CPU seconds shared in proportion (one counter per method)
      for (const [what, w] of [
        ['fit', r.fitSeconds],
        ['predict', r.predictSeconds],
        ['metrics and maps', evalSeconds],
      ] as const)
        stages.push({ stage: `${method} ${what}`, wall: w, cpu: wall > 0 ? (cpu * w) / wall : 0 });
      mark = { t: Date.now(), c: process.cpuUsage() };
      console.log(
        `${method}: fit ${r.fitSeconds.toFixed(1)} s, predict ${r.predictSeconds.toFixed(1)} s, total ${((Date.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    session.dispose();
  }
  const metrics = ['image_auroc', 'pixel_auroc', 'aupro'];
  const short: Record<string, string> = { image_auroc: 'img', pixel_auroc: 'pix', aupro: 'pro' };
  const classes = [...new Set(rows.map((r) => r.class))];
  const val = (cls: string, method: string, metric: string) =>
    rows.find((r) => r.class === cls && r.method === method && r.metric === metric)?.value ?? NaN;
  const head = [
    pad('class', 12),
    pad('role', 5),
    lpad('train', 5),
    lpad('noise', 5),
    ...METHODS.flatMap((m) => metrics.map((x) => lpad(`${m.slice(0, 5)}:${short[x]}`, 10))),
  ];
  console.log(`\nper class (percent; img = image AUROC, pix = pixel AUROC, pro = AUPRO):\n${head.join(' ')}`);
  for (const c of classes) {
    const r0 = rows.find((r) => r.class === c)!;
    console.log(
      [
        pad(c, 12),
        pad(r0.is_tail ? 'tail' : 'head', 5),
        lpad(String(r0.train_count), 5),
        lpad(String(r0.noise_count), 5),
        ...METHODS.flatMap((m) => metrics.map((x) => lpad(formatCell(val(c, m, x), NaN), 10))),
      ].join(' '),
    );
  }
  const summary = summarizeResults(rows);
  console.log('\nmean over classes:');
  for (const g of ['all', 'head', 'tail'] as const) {
    const cells = METHODS.flatMap((m) =>
      metrics.map((x) => {
        const s = summary.find((r) => r.method === m && r.metric === x && r.group === g);
        return lpad(s ? formatCell(s.mean, NaN) : '–', 10);
      }),
    );
    console.log([pad(`${g} classes`, 12), pad('', 5), lpad('', 5), lpad('', 5), ...cells].join(' '));
  }
  lap('report');
  console.log('\ntime per stage (wall s / CPU s of this process):');
  for (const st of stages)
    console.log(`  ${pad(st.stage, 32)} ${lpad(st.wall.toFixed(1), 7)} ${lpad(st.cpu.toFixed(1), 7)}`);
  console.log(
    `  ${pad('total', 32)} ${lpad(((Date.now() - t0) / 1000).toFixed(1), 7)} ${lpad(stages.reduce((a, b) => a + b.cpu, 0).toFixed(1), 7)}`,
  );
  console.log(
    `\ndone in ${((Date.now() - t0) / 1000).toFixed(0)} s. One seed only; run \`npm run experiment -- --config configs/synthetic-benchmark.json\` for mean ± std over seeds.`,
  );
}

runCli(CLI, main);
