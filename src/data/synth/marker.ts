/**
 * The marker file a synthetic dataset folder carries (`.tailedcore-synth.json`). It lets the generator tell its own
 * previous output (safe to overwrite) from user data (never clobbered), and lets the loader refuse a half-written set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../util/atomic';

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
