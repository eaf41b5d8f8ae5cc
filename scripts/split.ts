/**
 * npm run split -- --data DIR [--tail step|pareto] [--k 1] [--noise 0.1] [--seed N] [--no-overlap] [--allow-noise-shortfall] --out FILE.json
 * Builds a long-tail noisy split of a dataset in the MVTec layout, writes its manifest and prints the per-class table.
 * The dataset (masks included) is validated before anything is written.
 */
import { openDataset } from '../src/data';
import { buildSplit, formatSplitTable, writeManifest } from '../src/data/splits';
import { resolveSplitOptions } from '../src/data/splits';
import type { SplitSpec, TailType } from '../src/data/splits';
import {
  CliSpec,
  DATA_FLAG,
  intFlag,
  numberFlag,
  requiredFlag,
  runCli,
  stringFlag,
  withFlagNames,
  valueFlag,
} from '../src/util';
import { OptionError } from '../src/util';
import { SEED_MAX } from '../src/util';

const SPEC: CliSpec = {
  command: 'npm run split --',
  summary:
    'Builds a long-tail noisy split (manifest JSON) of a dataset in the MVTec layout and prints its per-class table.',
  flags: {
    data: DATA_FLAG,
    tail: valueFlag('T', 'step (K-shot tail classes) or pareto', 'step'),
    k: valueFlag('K', 'step only: images kept per tail class', '1'),
    noise: valueFlag('R', 'noise ratio in [0, 1): test anomalies copied into training', '0.1'),
    seed: valueFlag('N', 'integer seed >= 0; same inputs and seed give a byte-identical manifest', '0'),
    'no-overlap': { type: 'boolean', description: 'remove injected anomalies from the test set (paper: they stay)' },
    'allow-noise-shortfall': {
      type: 'boolean',
      description:
        'build the split even if the anomalies cannot supply --noise; the manifest records realisedNoiseRatio',
    },
    out: valueFlag('FILE', 'manifest to write (JSON); required'),
  },
  epilog: 'Exit codes: 0 ok, 1 bug, 2 bad input (a flag, the dataset, a mask).',
};

runCli(SPEC, async (p) => {
  const data = requiredFlag(p, SPEC, 'data');
  const out = requiredFlag(p, SPEC, 'out');
  const tail = (stringFlag(p, 'tail') ?? 'step') as TailType; // checked by resolveSplitOptions below
  if (tail === 'pareto' && stringFlag(p, 'k') !== undefined) throw new OptionError('--k applies to --tail step only');
  const opts: SplitSpec = {
    tailType: tail,
    k: intFlag(p, 'k', { min: 1 }),
    noiseRatio: numberFlag(p, 'noise', { min: 0, max: 1 }),
    // The same rule as the experiment config and buildSplit: seeds are integers >= 0.
    seed: intFlag(p, 'seed', { min: 0, max: SEED_MAX }),
    overlap: p.values['no-overlap'] !== true,
    noiseShortfall: p.values['allow-noise-shortfall'] === true ? 'allow' : 'error',
  };
  const flagOf = { tailType: '--tail', k: '--k', noiseRatio: '--noise', seed: '--seed' };
  // A shortfall is found when the split is drawn: its message then names --noise and this flag.
  await withFlagNames(flagOf, () => resolveSplitOptions(opts)); // option errors before the dataset is read
  // Images: header only (a split reads no pixels); masks: decoded and checked in full.
  const dataset = await openDataset(data);
  const manifest = await withFlagNames(flagOf, () => buildSplit(dataset, opts));
  writeManifest(out, manifest);
  console.log(formatSplitTable(manifest));
  console.log(`wrote ${out}`);
});
