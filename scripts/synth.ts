/**
 * npm run synth -- --out DIR [--seed N] [--family default|lookalike|photo] [--size 256] [--classes a,b] [--train N] [--force]
 * Writes the synthetic industrial dataset in the MVTec layout (thin wrapper around generateSynthetic).
 */
import { generateSynthetic, LOOKALIKE_CLASS_NAMES, SYNTH_FAMILIES } from '../src/data/synth';
import type { SynthFamily } from '../src/data/synth';
import { SYNTH_CLASS_NAMES } from '../src/data/synth';
import { CliSpec, intFlag, requiredFlag, runCli, stringFlag, withFlagNames } from '../src/util';
import { SEED_MAX } from '../src/util';

const SPEC: CliSpec = {
  command: 'npm run synth --',
  summary:
    'Writes a synthetic industrial dataset (12 classes, MVTec layout) deterministically from a seed: the default family, the look-alike one or the photo one.',
  flags: {
    out: {
      type: 'string',
      value: 'DIR',
      description: 'output folder (new, empty, or an earlier synthetic output); required',
    },
    seed: {
      type: 'string',
      value: 'N',
      description: 'integer seed >= 0; the same seed gives byte-identical files',
      default: '0',
    },
    family: {
      type: 'string',
      value: 'NAME',
      description: `generated family: ${SYNTH_FAMILIES.join(' or ')} (look-alike classes: ${LOOKALIKE_CLASS_NAMES.join(', ')})`,
      default: 'default',
    },
    size: { type: 'string', value: 'PX', description: 'image side in pixels, 32-4096', default: '256' },
    classes: {
      type: 'string',
      value: 'LIST',
      description: `comma-separated subset of the family's classes (default family: ${SYNTH_CLASS_NAMES.join(', ')})`,
    },
    train: {
      type: 'string',
      value: 'N',
      description: 'train good images per class, instead of the per-class sizes (60-200)',
    },
    force: {
      type: 'boolean',
      description:
        'regenerate even if DIR already holds the same set; also replace a set this kit made there with other options',
    },
  },
  epilog:
    "A folder without the kit's marker (.tailedcore-synth.json), or holding a set made with other options, is never\n" +
    'touched unless --force is given (then only the class folders its marker lists are replaced).\n' +
    'Exit codes: 0 ok, 1 bug, 2 bad input (a flag, the output folder).',
};

runCli(SPEC, async (p) => {
  const classes = stringFlag(p, 'classes');
  // Ranges are generateSynthetic's own (one rule, one message); the flags only check that they are integers.
  const flagOf = {
    out: '--out',
    seed: '--seed',
    size: '--size',
    trainCount: '--train',
    classes: '--classes',
    family: '--family',
  };
  const r = await withFlagNames(flagOf, () =>
    generateSynthetic({
      out: requiredFlag(p, SPEC, 'out'),
      seed: intFlag(p, 'seed', { min: 0, max: SEED_MAX }) ?? 0,
      family: (stringFlag(p, 'family') ?? 'default') as SynthFamily,
      size: intFlag(p, 'size') ?? 256,
      trainCount: intFlag(p, 'train'),
      classes:
        classes !== undefined
          ? classes
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      reuse: p.values.force !== true,
      replace: p.values.force === true,
    }),
  );
  const perClass = r.classes
    .map((c) => `${c.name} ${c.train}/${c.testGood}/${Object.values(c.defects).reduce((a, b) => a + b, 0)}`)
    .join(', ');
  console.log(
    `${r.reused ? 'reused' : 'wrote'} ${r.images} images and ${r.masks} masks in ${r.out} (${r.classes.length} classes, seed ${r.seed}, ${r.size}px) in ${r.seconds.toFixed(1)} s`,
  );
  console.log(`train good / test good / test defective: ${perClass}`);
});
