/**
 * `npm run bench [-- --quick] [--no-python] [--only=knn,coreset,...] [--paper-scale [--fraction F]] [--device D]`:
 * times the kit's hot paths side by side, in one run and on the same inputs, against (a) the kit's naive reference
 * version and (b) the Python originals' way (torch / scikit-learn / numpy via Debian's /usr/bin/python3: a benchmark
 * harness only, never a dependency of the kit; skipped with a note when Python or a module is missing). Prints a
 * table and writes results/bench/latest.json (BenchRow[]). The machine is shared and noisy: compare ratios within one
 * run. `--paper-scale` runs the paper-sized cell (bench/paper-scale.ts) instead of the default sections.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { writeFileAtomic } from '../src/util';
import { BenchRow } from './types';
import { BenchContext, cleanup, makeContext, THREADS } from './common';
import { benchKnn } from './knn';
import { benchCoreset } from './coreset';
import { benchLof } from './lof';
import { benchTailSampler } from './tail-sampler';
import { benchEndToEnd } from './e2e';
import { benchPaperScale } from './paper-scale';
import { benchHeadline, headlineMarkdown } from './headline';
import { runCli, CliSpec, stringFlag, numberFlag } from '../src/util';
import { OptionError } from '../src/util';
import { setDefaultDevice, resolveDevice, ortCudaInstalled } from '../src/linalg';

type Section = { name: string; run: (ctx: BenchContext) => Promise<BenchRow[]>; byDefault: boolean };

/** bench/extract.ts is written by the features engineer; used when present. */
async function benchExtractionIfPresent(ctx: BenchContext): Promise<BenchRow[]> {
  let mod: { benchExtraction?: (opts: { quick: boolean }) => Promise<BenchRow[]> };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('./extract');
  } catch (e) {
    ctx.log(`  extraction: bench/extract.ts not loadable (${(e as Error).message.split('\n')[0]}); row skipped`);
    return [];
  }
  if (typeof mod.benchExtraction !== 'function') {
    ctx.log('  extraction: bench/extract.ts has no benchExtraction(); row skipped');
    return [];
  }
  return mod.benchExtraction({ quick: ctx.quick });
}

let paperFraction = 0.05;
let skipFullCoreset = false;

const SECTIONS: Section[] = [
  { name: 'knn', run: benchKnn, byDefault: true },
  { name: 'coreset', run: benchCoreset, byDefault: true },
  { name: 'lof', run: benchLof, byDefault: true },
  { name: 'tailsampler', run: benchTailSampler, byDefault: true },
  { name: 'extraction', run: benchExtractionIfPresent, byDefault: true },
  { name: 'e2e', run: benchEndToEnd, byDefault: true },
  { name: 'paper-scale', run: (ctx) => benchPaperScale(ctx, paperFraction, !skipFullCoreset), byDefault: false },
];

const SPEC: CliSpec = {
  command: 'npm run bench --',
  summary:
    "Times the kit's hot paths against its naive reference kernels and the Python originals, in one run on the same inputs.",
  flags: {
    quick: { type: 'boolean', description: 'smaller sizes (a smoke run; writes results/bench/latest-quick.json)' },
    'no-python': { type: 'boolean', description: 'skip the Python column' },
    only: {
      type: 'string',
      value: 'LIST',
      description: `comma-separated sections: ${SECTIONS.map((s) => s.name).join(', ')}`,
    },
    headline: {
      type: 'boolean',
      description:
        'the rows docs/speed.md quotes: real patch features, kit/Python pairs interleaved 3 times, minima, load; writes results/bench/headline.json and headline.md (sized for under 8 minutes on a quiet 2-core machine)',
    },
    'paper-scale': {
      type: 'boolean',
      description: 'run the paper-sized MVTec step K=1 cell (bench/paper-scale.ts), not part of the default run',
    },
    fraction: {
      type: 'string',
      value: 'F',
      description:
        "share of the paper cell's head images and test images for --paper-scale, in (0, 1] (1: the whole cell, no Python side)",
      default: '0.05',
    },
    'skip-full-coreset': {
      type: 'boolean',
      description:
        'with --paper-scale: bound the head coreset quadratically instead of measuring it at full size (1.256 M rows, 125.6 k picks)',
    },
    device: {
      type: 'string',
      value: 'D',
      description: "GEMM device: auto, cpu or cuda ('cuda' is an error when onnxruntime's CUDA provider is absent)",
      default: 'auto',
    },
  },
};

/** The sections to run: --only (validated against the known names), else --paper-scale, else the default set. */
export function pickSections(only: string | undefined, paperScale: boolean): Section[] {
  if (only !== undefined) {
    const names = only
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0);
    const known = SECTIONS.map((s) => s.name);
    const bad = names.filter((x) => !known.includes(x));
    if (names.length === 0 || bad.length) {
      throw new OptionError(
        `--only: unknown section${bad.length > 1 ? 's' : ''} ${bad.length ? bad.map((b) => `"${b}"`).join(', ') : '(empty list)'}; valid names: ${known.join(', ')}`,
      );
    }
    return SECTIONS.filter((s) => names.includes(s.name) || (paperScale && s.name === 'paper-scale'));
  }
  return SECTIONS.filter((s) => (paperScale ? s.name === 'paper-scale' : s.byDefault));
}

function fmt(v: number | null, digits = 2): string {
  return v === null ? '-' : v.toFixed(digits);
}

export function formatTable(rows: BenchRow[]): string {
  const head = ['kernel', 'size', 'seconds', 'GFLOP/s', 'x naive', 'x python'];
  const body = rows.map((r) => [
    r.kernel,
    r.size,
    fmt(r.seconds, 3),
    fmt(r.gflops, 1),
    fmt(r.ratio_vs_naive, 1),
    fmt(r.ratio_vs_python, 1),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...body.map(line)].join('\n');
}

async function main(p: import('../src/util/cli').ParsedCli): Promise<void> {
  const quick = p.values.quick === true;
  const only = stringFlag(p, 'only');
  const paperScale = p.values['paper-scale'] === true;
  const fraction = numberFlag(p, 'fraction', { min: 0, max: 1 });
  if (fraction !== undefined) {
    if (!paperScale && !(only ?? '').includes('paper-scale'))
      throw new OptionError('--fraction applies to --paper-scale only');
    if (!(fraction > 0)) throw new OptionError(`--fraction must be in (0, 1], got ${fraction}`);
    paperFraction = fraction;
  }
  skipFullCoreset = p.values['skip-full-coreset'] === true;
  const device = stringFlag(p, 'device') ?? 'auto';
  if (!['auto', 'cpu', 'cuda'].includes(device))
    throw new OptionError(`--device must be auto, cpu or cuda, got "${device}"`);
  setDefaultDevice(device as 'auto' | 'cpu' | 'cuda');
  const gemmDevice = resolveDevice(); // throws an OptionError for 'cuda' without the provider
  const ctx = makeContext(quick, p.values['no-python'] !== true);
  if (p.values.headline === true) {
    if (only || paperScale) throw new OptionError('--headline runs alone (no --only, no --paper-scale)');
    const started = new Date();
    const t0 = performance.now();
    let rows: BenchRow[];
    try {
      rows = await benchHeadline(ctx);
    } finally {
      cleanup(ctx);
    }
    const dir = join(__dirname, '..', 'results', 'bench');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, quick ? 'headline-quick' : 'headline');
    const md = headlineMarkdown(rows, started);
    writeFileAtomic(
      `${base}.json`,
      JSON.stringify({ started: started.toISOString(), cores: availableParallelism(), rows }, null, 2) + '\n',
    );
    writeFileAtomic(`${base}.md`, md);
    console.log(md);
    console.log(`wrote ${base}.json and ${base}.md (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    return;
  }
  const sections = pickSections(only, paperScale);
  ctx.log(
    `tailedcore-kit bench (${quick ? 'quick' : 'full'}), ${THREADS} threads per side, GEMM device ${gemmDevice}` +
      `${ortCudaInstalled() ? '' : " (GPU rows skipped: onnxruntime-node's CUDA provider is not installed here, and no tfjs-node-gpu)"}`,
  );
  ctx.log(
    ctx.pythonMissing
      ? `python column skipped: ${ctx.pythonMissing}`
      : `python column: ${ctx.python} (benchmark harness only, not a kit dependency)`,
  );
  const rows: BenchRow[] = [];
  const t0 = performance.now();
  try {
    for (const s of sections) {
      const load = loadavg()[0].toFixed(1);
      ctx.log(`[${s.name}] (1-min load average ${load} on ${availableParallelism()} cores)`);
      try {
        const got = await s.run(ctx);
        // Synthetic inputs (labelled: never headline rows; `--headline` has the real-feature ones).
        const input = s.name === 'knn' ? 'uniform' : s.name === 'extraction' ? 'real' : 'clustered';
        for (const r of got) {
          r.note = `${r.note ?? ''}${r.note ? '; ' : ''}load avg ${load}`;
          r.input ??= input;
        }
        rows.push(...got);
      } catch (e) {
        ctx.log(`  ${s.name} failed: ${(e as Error).stack ?? e}`);
        rows.push({
          kernel: s.name,
          size: '-',
          seconds: NaN,
          gflops: null,
          ratio_vs_naive: null,
          ratio_vs_python: null,
          note: `failed: ${(e as Error).message}`,
        });
      }
    }
  } finally {
    cleanup(ctx);
  }
  console.log(formatTable(rows));
  for (const r of rows) if (r.note) console.log(`- ${r.kernel} ${r.size}: ${r.note}`);
  const dir = join(__dirname, '..', 'results', 'bench');
  mkdirSync(dir, { recursive: true });
  // Only a full, unfiltered run replaces the committed latest.json; only the whole paper cell replaces
  // paper-scale.json (a fraction run once overwrote it), a share of it goes to paper-scale-fraction<F>.json.
  const paperFile = paperFraction === 1 ? 'paper-scale.json' : `paper-scale-fraction${paperFraction}.json`;
  const file = join(
    dir,
    quick ? 'latest-quick.json' : paperScale ? paperFile : only ? 'latest-partial.json' : 'latest.json',
  );
  writeFileAtomic(file, JSON.stringify(rows, null, 2) + '\n');
  console.log(`wrote ${file} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

if (require.main === module) runCli(SPEC, main);
