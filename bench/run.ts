/**
 * `npm run bench` (tsx bench/run.ts [--quick] [--no-python] [--only=knn,coreset,...]): times the kit's hot paths side
 * by side, in one run and on the same inputs, against (a) the kit's naive reference version and (b) the Python
 * originals' way (torch / scikit-learn / numpy via Debian's /usr/bin/python3: a benchmark harness only, never a
 * dependency of the kit; skipped with a note when Python or a module is missing). Prints a table and writes
 * results/bench/latest.json (BenchRow[]). The machine is shared and noisy: compare ratios within one run.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { writeFileAtomic } from '../src/util/atomic';
import { BenchRow } from './types';
import { BenchContext, cleanup, makeContext, THREADS } from './common';
import { benchKnn } from './knn';
import { benchCoreset } from './coreset';
import { benchLof } from './lof';
import { benchTailSampler } from './tail-sampler';
import { benchEndToEnd } from './e2e';

type Section = { name: string; run: (ctx: BenchContext) => Promise<BenchRow[]> };

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
  if (typeof mod.benchExtraction !== 'function') { ctx.log('  extraction: bench/extract.ts has no benchExtraction(); row skipped'); return []; }
  return mod.benchExtraction({ quick: ctx.quick });
}

const SECTIONS: Section[] = [
  { name: 'knn', run: benchKnn },
  { name: 'coreset', run: benchCoreset },
  { name: 'lof', run: benchLof },
  { name: 'tailsampler', run: benchTailSampler },
  { name: 'extraction', run: benchExtractionIfPresent },
  { name: 'e2e', run: benchEndToEnd },
];

function fmt(v: number | null, digits = 2): string { return v === null ? '-' : v.toFixed(digits); }

export function formatTable(rows: BenchRow[]): string {
  const head = ['kernel', 'size', 'seconds', 'GFLOP/s', 'x naive', 'x python'];
  const body = rows.map((r) => [r.kernel, r.size, fmt(r.seconds, 3), fmt(r.gflops, 1), fmt(r.ratio_vs_naive, 1), fmt(r.ratio_vs_python, 1)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const unknown = argv.filter((a) => !['--quick', '--no-python'].includes(a) && !a.startsWith('--only='));
  if (unknown.length) throw new Error(`bench: unknown argument(s) ${unknown.join(' ')} (known: --quick, --no-python, --only=${SECTIONS.map((s) => s.name).join(',')})`);
  const ctx = makeContext(quick, !argv.includes('--no-python'));
  ctx.log(`tailedcore-kit bench (${quick ? 'quick' : 'full'}), ${THREADS} threads per side`);
  ctx.log(ctx.pythonMissing ? `python column skipped: ${ctx.pythonMissing}` : `python column: ${ctx.python} (benchmark harness only, not a kit dependency)`);
  const rows: BenchRow[] = [];
  const t0 = performance.now();
  try {
    for (const s of SECTIONS) {
      if (only && !only.includes(s.name)) continue;
      const load = loadavg()[0].toFixed(1);
      ctx.log(`[${s.name}] (1-min load average ${load} on ${availableParallelism()} cores)`);
      try {
        const got = await s.run(ctx);
        for (const r of got) r.note = `${r.note ?? ''}${r.note ? '; ' : ''}load avg ${load}`;
        rows.push(...got);
      } catch (e) {
        ctx.log(`  ${s.name} failed: ${(e as Error).stack ?? e}`);
        rows.push({ kernel: s.name, size: '-', seconds: NaN, gflops: null, ratio_vs_naive: null, ratio_vs_python: null, note: `failed: ${(e as Error).message}` });
      }
    }
  } finally { cleanup(ctx); }
  console.log(formatTable(rows));
  for (const r of rows) if (r.note) console.log(`- ${r.kernel} ${r.size}: ${r.note}`);
  const dir = join(__dirname, '..', 'results', 'bench');
  mkdirSync(dir, { recursive: true });
  // Only a full, unfiltered run replaces the committed latest.json.
  const file = join(dir, quick ? 'latest-quick.json' : only ? 'latest-partial.json' : 'latest.json');
  writeFileAtomic(file, JSON.stringify(rows, null, 2) + '\n');
  console.log(`wrote ${file} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
