/**
 * npm run split -- --data DIR --tail step|pareto [--k 1] [--noise 0.1] [--seed N] [--no-overlap] --out FILE.json
 * Builds a long-tail noisy split of a dataset in the MVTec layout, writes its manifest and prints the per-class table.
 */
import { loadDataset } from '../src/data/mvtec';
import { buildSplit, formatSplitTable, writeManifest } from '../src/data/splits';
import type { SplitOptions } from '../src/data/splits';

const HELP = `usage: npm run split -- --data DIR --tail step|pareto [--k K] [--noise R] [--seed N] [--no-overlap] --out FILE.json
  --data DIR      dataset root in the MVTec layout (e.g. from npm run synth)          (required)
  --tail T        step (K-shot tail classes) or pareto                                (default step)
  --k K           step only: images kept per tail class                               (default 1)
  --noise R       noise ratio in [0, 1): test anomalies copied into training           (default 0.1)
  --seed N        integer seed; same inputs and seed give a byte-identical manifest   (default 0)
  --no-overlap    remove injected anomalies from the test set (paper: they stay)
  --out FILE      manifest to write (JSON)                                            (required)`;

const VALUED: Record<string, string> = { '--data': 'data', '--tail': 'tail', '--k': 'k', '--noise': 'noise', '--seed': 'seed', '--out': 'out' };

function num(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const ok = integer ? /^-?\d+$/.test(v) : /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(v);
  if (!ok) throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'}, got "${v}"`);
  return Number(v);
}

function main(): void {
  const argv = process.argv.slice(2);
  const f: Record<string, string> = {};
  let overlap = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') { console.log(HELP); return; }
    if (a === '--no-overlap') { overlap = false; continue; }
    const key = VALUED[a];
    if (!key) throw new Error(`unknown argument "${a}"\n${HELP}`);
    if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new Error(`${a} needs a value\n${HELP}`);
    f[key] = argv[++i];
  }
  if (!f.data) throw new Error(`--data DIR is required\n${HELP}`);
  if (!f.out) throw new Error(`--out FILE.json is required\n${HELP}`);
  const opts: Partial<SplitOptions> = {
    tail: (f.tail ?? 'step') as SplitOptions['tail'], k: num('k', f.k, true), noiseRatio: num('noise', f.noise, false),
    seed: num('seed', f.seed, true), overlap,
  };
  if (opts.tail === 'pareto' && f.k !== undefined) throw new Error('--k applies to --tail step only');
  const dataset = loadDataset(f.data);
  const manifest = buildSplit(dataset, opts);
  writeManifest(f.out, manifest);
  console.log(formatSplitTable(manifest));
  console.log(`wrote ${f.out}`);
}

try { main(); } catch (e) { console.error(`split: ${(e as Error).message}`); process.exit(1); }
