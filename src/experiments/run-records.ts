/**
 * What a run folder's finished cells say about the config and data they were computed under, read from their
 * cells.log records. It decides what `config.json` and `fingerprint.json` mean on a rerun:
 * - a run folder with no finished cell protects nothing: a stored config or dataset fingerprint that differs (a start
 *   that failed after the folder was made, then the cause fixed) is replaced, so a failed start never blocks the name;
 * - a missing (or unreadable) config.json or fingerprint.json is rebuilt when every finished cell was computed under
 *   this config and on this data (each cell records both), and refused otherwise;
 * - with finished cells, a differing config or dataset is refused as before.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, OptionError } from '../util/errors';
import type { ResolvedConfig } from './config';
import { configFingerprint, DatasetFingerprint, sameDataset } from './fingerprint';
import { CELLS_LOG, PARTS_DIR } from './parts';

export interface RunRecords {
  /** Finished (logged) cells over every part. */
  cells: number;
  /** Config fingerprints the cells were computed under. */
  configs: Set<string>;
  /** Dataset name -> the dataset fingerprints its cells read. */
  data: Map<string, Set<string>>;
}

/** The cell records of every part (and of an older single cells.log); unreadable lines are skipped. */
export function runRecords(dir: string): RunRecords {
  const out: RunRecords = { cells: 0, configs: new Set(), data: new Map() };
  const logs = [path.join(dir, CELLS_LOG)];
  const parts = path.join(dir, PARTS_DIR);
  if (fs.existsSync(parts)) for (const p of fs.readdirSync(parts)) logs.push(path.join(parts, p, CELLS_LOG));
  for (const f of logs) {
    if (!fs.existsSync(f)) continue;
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      let r: { cell?: unknown; config?: unknown; data?: unknown };
      try {
        r = JSON.parse(line) as typeof r;
      } catch {
        continue;
      }
      if (typeof r?.cell !== 'string') continue;
      out.cells++;
      if (typeof r.config === 'string') out.configs.add(r.config);
      if (typeof r.data === 'string') {
        const name = r.cell.split('|')[0];
        const set = out.data.get(name) ?? new Set<string>();
        set.add(r.data);
        out.data.set(name, set);
      }
    }
  }
  return out;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/**
 * Whether <run>/config.json must be (re)written for `config`, with a note to log when an existing file is replaced or
 * rebuilt; throws when the run's finished cells belong to another config.
 */
export function storedConfigVerdict(dir: string, config: ResolvedConfig): { write: boolean; note?: string } {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(dir)) return { write: true };
  const exists = fs.existsSync(file);
  const old = exists ? (readJson(file) as ResolvedConfig | null) : null;
  const fp = configFingerprint(config);
  if (old && configFingerprint(old) === fp) return { write: false };
  const rec = runRecords(dir);
  if (rec.cells === 0)
    return exists
      ? { write: true, note: `note: ${file} was of another config, but the run has no finished cell; replaced` }
      : { write: true };
  if (!old && [...rec.configs].every((c) => c === fp))
    return {
      write: true,
      note: `note: ${file} was ${exists ? 'unreadable' : 'missing'}; rebuilt (the run's ${rec.cells} finished cells were computed under this config)`,
    };
  throw new OptionError(
    old
      ? `results folder ${dir} holds a run with a different config (${file}); use another "run" name, or delete that folder to start over`
      : `results folder ${dir} has ${exists ? 'an unreadable' : 'no'} config.json, and its ${rec.cells} finished cells were computed under another config; use another "run" name, or delete that folder to start over`,
  );
}

/**
 * Whether the stored fingerprint of one dataset must be (re)written; throws (with `changed`'s message) when the
 * run's finished cells were computed on other data.
 */
export function storedDatasetVerdict(
  dir: string,
  name: string,
  before: DatasetFingerprint | undefined,
  now: DatasetFingerprint,
  changed: (before: DatasetFingerprint) => string,
  rec: RunRecords,
): 'keep' | 'write' {
  if (before && sameDataset(before, now)) return 'keep';
  const mine = rec.data.get(name);
  if (!mine || mine.size === 0) return 'write'; // no finished cell read this dataset: nothing to protect
  if (before) throw new InputError(changed(before));
  if ([...mine].every((id) => id === now.id)) return 'write';
  throw new InputError(
    `dataset "${name}" (${now.root}) changed since run ${path.basename(dir)} started: ${path.join(dir, 'fingerprint.json')} is missing, and the run's finished cells were computed on data with fingerprint ${[...mine].join(', ')}, not ${now.id}. ` +
      `Start a new run (another "run" name) or delete ${dir}; or restore the dataset as it was.`,
  );
}
