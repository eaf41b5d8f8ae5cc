/**
 * npm run synth -- --out DIR [--seed N] [--size 256] [--classes a,b] [--force]
 * Writes the synthetic industrial dataset in the MVTec layout (thin wrapper around generateSynthetic).
 */
import { generateSynthetic } from '../src/data/synth';
import { SYNTH_CLASS_NAMES } from '../src/data/synth/classes';

const HELP = `usage: npm run synth -- --out DIR [--seed N] [--size PX] [--classes a,b,...] [--train N] [--force]
  --out DIR        output folder (must be empty, new, or an earlier synthetic output)      (required)
  --seed N         integer seed; the same seed gives byte-identical files                   (default 0)
  --size PX        image side in pixels                                                     (default 256)
  --classes LIST   comma-separated subset of: ${SYNTH_CLASS_NAMES.join(', ')}
  --train N        train good images per class, instead of the per-class sizes (60-200)
  --force          regenerate even if DIR already holds the same set`;

function parse(argv: string[]): Record<string, string | boolean> {
  const flags: Record<string, string | boolean> = {};
  const valued = new Set(['--out', '--seed', '--size', '--classes', '--train']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') flags.help = true;
    else if (a === '--force') flags.force = true;
    else if (valued.has(a)) {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new Error(`${a} needs a value\n${HELP}`);
      flags[a.slice(2)] = argv[++i];
    } else throw new Error(`unknown argument "${a}"\n${HELP}`);
  }
  return flags;
}

function int(flags: Record<string, string | boolean>, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new Error(`--${name} must be an integer, got "${String(v)}"`);
  return Number(v);
}

async function main(): Promise<void> {
  const flags = parse(process.argv.slice(2));
  if (flags.help) { console.log(HELP); return; }
  if (typeof flags.out !== 'string') throw new Error(`--out DIR is required\n${HELP}`);
  const r = await generateSynthetic({
    out: flags.out, seed: int(flags, 'seed') ?? 0, size: int(flags, 'size') ?? 256, trainCount: int(flags, 'train'),
    classes: typeof flags.classes === 'string' ? flags.classes.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    reuse: !flags.force,
  });
  const perClass = r.classes.map((c) => `${c.name} ${c.train}/${c.testGood}/${Object.values(c.defects).reduce((a, b) => a + b, 0)}`).join(', ');
  console.log(`${r.reused ? 'reused' : 'wrote'} ${r.images} images and ${r.masks} masks in ${r.out} (${r.classes.length} classes, seed ${r.seed}, ${r.size}px) in ${r.seconds.toFixed(1)} s`);
  console.log(`train good / test good / test defective: ${perClass}`);
}

main().catch((e: Error) => { console.error(`synth: ${e.message}`); process.exit(1); });
