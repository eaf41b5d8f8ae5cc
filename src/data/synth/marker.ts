/**
 * The marker file a synthetic dataset folder carries (`.tailedcore-synth.json`). It lets the generator tell its own
 * previous output from user data (never clobbered), a set made with other options (kept unless replacing is asked
 * for) and a half-written set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../util/atomic';
import { InputError } from '../../util/errors';

export const SYNTH_MARKER = '.tailedcore-synth.json';

export interface SynthMarker {
  generator: string;
  version: number;
  /** 'writing' until every file is on disk, then 'complete'. */
  status: 'writing' | 'complete';
  /** The resolved generator options (out excluded), to decide whether a folder can be reused as is. */
  options: Record<string, unknown>;
  classes: string[];
}

export function readSynthMarker(dir: string): SynthMarker | null {
  const file = path.join(dir, SYNTH_MARKER);
  if (!fs.existsSync(file)) return null;
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as SynthMarker;
    return m && m.generator === 'tailedcore-kit synth' ? m : null;
  } catch {
    return null;
  }
}

export function writeSynthMarker(dir: string, marker: SynthMarker): void {
  writeFileAtomic(path.join(dir, SYNTH_MARKER), JSON.stringify(marker, null, 2) + '\n');
}

/** The generator options of a marker in words, for the refusal message ("size 64, trainCount 8, seed 0"). */
function describeOptions(o: Record<string, unknown>): string {
  return Object.entries(o)
    .filter(([k]) => k !== 'classes')
    .map(([k, v]) => `${k} ${v === null ? 'default' : JSON.stringify(v)}`)
    .join(', ');
}

/**
 * What the generator may do with its output folder: 'reuse' a complete set made with these options, or 'write'
 * (absent or empty folder; a set this kit left half-written with these options; an older generator version's set
 * with these options; any kit-made set when `replace` is given). Everything else is refused with one line before
 * anything is touched: a folder without the marker (user data), and a kit-made set made with other options (the
 * user's own smaller set, say: replacing it would delete it). Only the class folders the marker lists are removed.
 */
export function prepareSynthFolder(
  out: string,
  wanted: { version: number; options: Record<string, unknown> },
  opts: { reuse: boolean; replace: boolean },
): 'reuse' | 'write' {
  if (!fs.existsSync(out)) return 'write';
  if (!fs.statSync(out).isDirectory())
    throw new InputError(`synthetic output ${out} exists and is not a folder; choose another --out`);
  if (fs.readdirSync(out).length === 0) return 'write';
  const m = readSynthMarker(out);
  if (!m)
    throw new InputError(
      `refusing to write into ${out}: it is not empty and is not a synthetic dataset made by this kit (no ${SYNTH_MARKER}). Choose an empty or new folder`,
    );
  const same = JSON.stringify(m.options) === JSON.stringify(wanted.options);
  if (same && opts.reuse && m.status === 'complete' && m.version === wanted.version) return 'reuse';
  if (!same && !opts.replace)
    throw new InputError(
      `refusing to replace the synthetic set in ${out}: it was made with other options (${describeOptions(m.options)}; ` +
        `asked for ${describeOptions(wanted.options)}${JSON.stringify(m.options.classes) === JSON.stringify(wanted.options.classes) ? '' : ', other classes'}). ` +
        `Point the config (or --out) at another folder, give the same generator options (a config's datasets[].syntheticOptions), or pass --force to replace it`,
    );
  for (const name of m.classes) {
    if (/^[A-Za-z0-9_-]+$/.test(name)) fs.rmSync(path.join(out, name), { recursive: true, force: true });
  }
  return 'write';
}
