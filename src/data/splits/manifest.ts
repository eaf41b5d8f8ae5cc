/** Split manifests as JSON files: canonical serialisation (fixed key order, 2-space, sorted paths), atomic writes, checked reads. */
import * as fs from 'node:fs';
import { Manifest, ManifestClass } from '../types';
import { InputError } from '../../util/errors';
import { writeFileAtomic } from '../../util/atomic';
import { sortNames } from '../layout';

function canonicalValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(sortNames(Object.keys(o)).map((k) => [k, canonicalValue(o[k])]));
  }
  return v;
}

/** The manifest's canonical JSON text: same content gives the same bytes. */
export function serializeManifest(m: Manifest): string {
  const classes = m.classes
    .map((c) => ({
      name: c.name,
      isTail: c.isTail,
      trainGood: sortNames(c.trainGood),
      injected: sortNames(c.injected),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify({ seed: m.seed, options: canonicalValue(m.options), classes }, null, 2) + '\n';
}

/** Writes a manifest atomically (never a half-written file). */
export function writeManifest(file: string, m: Manifest): void {
  writeFileAtomic(file, serializeManifest(m));
}

const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Reads and shape-checks a manifest file; errors name the file and the broken field. */
export function readManifest(file: string): Manifest {
  if (!fs.existsSync(file)) throw new InputError(`manifest not found: ${file}. Build one with \`npm run split\``);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`manifest ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const m = raw as Record<string, unknown>;
  const bad = (what: string) => new InputError(`manifest ${file}: ${what}`);
  if (!m || typeof m !== 'object') throw bad('expected an object with seed, options, classes');
  if (typeof m.seed !== 'number') throw bad('"seed" must be a number');
  if (!m.options || typeof m.options !== 'object') throw bad('"options" must be an object');
  if (!Array.isArray(m.classes) || m.classes.length === 0) throw bad('"classes" must be a non-empty array');
  const classes: ManifestClass[] = m.classes.map((c: unknown, i: number) => {
    const o = c as Record<string, unknown>;
    if (!o || typeof o.name !== 'string') throw bad(`classes[${i}].name must be a string`);
    if (typeof o.isTail !== 'boolean') throw bad(`classes[${i}] (${o.name}): isTail must be true or false`);
    if (!isStrList(o.trainGood)) throw bad(`classes[${i}] (${o.name}): trainGood must be a list of paths`);
    if (!isStrList(o.injected)) throw bad(`classes[${i}] (${o.name}): injected must be a list of paths`);
    return { name: o.name, isTail: o.isTail, trainGood: o.trainGood, injected: o.injected };
  });
  return { seed: m.seed, options: m.options as Record<string, unknown>, classes };
}
