/**
 * `npx tsx bench/kcenter-lowdims.ts [--rows N,N,...] [--picks P] [--order 16,32,32,16]`: the exact k-center with 16 against
 * 32 low-dimensional directions on the paper-scale generator's projected head rows (bench/paper-scale.ts
 * paperHeadRows: 1,256,164 x 128, generated and projected once, ~1-2 min), the first N rows (each N in turn), the first P picks, the
 * models' default parts, in the given order (AB-BA by default), with wall and CPU seconds and the load. The figures
 * behind the 32-direction row limit of src/sampling/coreset-parallel.ts (LOW_DIMS_32_MAX_BYTES) and docs/speed.md.
 * Run it on a quiet machine; the picks of every run are checked equal.
 */
import { loadavg } from 'node:os';
import { kCenterParallel } from '../src/sampling';
import { createRng, runCli, valueFlag, OptionError } from '../src/util';
import type { CliSpec, ParsedCli } from '../src/util';
import { paperHeadRows } from './paper-scale';

const SPEC: CliSpec = {
  command: 'npx tsx bench/kcenter-lowdims.ts',
  summary:
    'The exact k-center with 16 against 32 low-dimensional directions on the paper-scale head rows (a prefix of N rows, the first P picks), AB-BA, wall and CPU seconds with the load; meant for a quiet machine.',
  flags: {
    rows: valueFlag('N,N,...', 'rows of the 1,256,164 to use (prefixes, one after the other)', '1256164'),
    picks: valueFlag('P', 'picks per run', '5000'),
    order: valueFlag('L,L,...', 'directions per run, in order', '16,32,32,16'),
  },
};

function positiveInt(name: string, text: string): number {
  const v = Number(text);
  if (!(Number.isInteger(v) && v >= 1)) throw new OptionError(`--${name} must be an integer >= 1, got "${text}"`);
  return v;
}

async function main(p: ParsedCli): Promise<void> {
  const order = ((p.values.order as string | undefined) ?? '16,32,32,16')
    .split(',')
    .map((s) => positiveInt('order', s));
  const picks = positiveInt('picks', (p.values.picks as string | undefined) ?? '5000');
  const sizes = ((p.values.rows as string | undefined) ?? '1256164').split(',').map((s) => positiveInt('rows', s));
  console.log('generating and projecting the paper-scale head rows: 1,256,164 x 1024 -> 128 (about 1-2 min, 643 MB)');
  const { bank } = await paperHeadRows();
  for (const size of sizes) {
    const rows = Math.min(bank.rows, size);
    const prefix = { data: bank.data.subarray(0, rows * 128), rows, cols: 128 };
    const start = createRng('ps-start').int(rows); // the seed of the runs quoted in docs/speed.md
    let first: Int32Array | null = null;
    for (const lowDims of order) {
      const l0 = loadavg()[0];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const got = await kCenterParallel(prefix, Math.min(rows, picks), start, { lowDims });
      const s = (performance.now() - t0) / 1000;
      const cu = process.cpuUsage(c0);
      if (first && !got.every((v, i) => v === first![i]))
        throw new Error(`the picks with ${lowDims} directions differ`);
      first ??= got;
      console.log(
        `${rows} rows, ${Math.min(rows, picks)} picks, ${lowDims} directions: ${s.toFixed(1)} s, CPU ${((cu.user + cu.system) / 1e6).toFixed(1)} s; load ${l0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`,
      );
    }
  }
}

if (require.main === module) runCli(SPEC, main);
