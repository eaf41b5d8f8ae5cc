/**
 * The run folder: <resultsDir>/<run>/ holds config.json, fingerprint.json (config and dataset fingerprints), one
 * part per writer under parts/, and after a merge results.csv, env.json, summaries and figures.
 *
 * Who may write what: parts/<p>/ only by the holder of parts/<p>/lock; config.json, fingerprint.json and the merged
 * outputs only by the holder of run.lock (held briefly). Both are flock(2) locks that die with their process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { InputError, OptionError } from '../util/errors';
import type { ResolvedConfig } from './config';
import { configFingerprint, DatasetFingerprint, describeDatasetChange } from './fingerprint';
import { runRecords, storedConfigVerdict, storedDatasetVerdict } from './run-records';
import { expandGrid } from './grid';
import { acquireLock, describeHolder, HeldLock, withLock } from './run-lock';
import { configText, runDir } from './preflight';
import { readPart, PARTS_DIR, PART_LOCK, VerifiedCell } from './parts';
import { assignShards, parsePartName, partName, ShardSpec } from './shards';
import { RESULTS_FILE, RESULTS_HEADER } from '../results/results-file';
import { mergeTailRecords } from './tail-records';

export const RUN_LOCK = 'run.lock';
export const FINGERPRINT_FILE = 'fingerprint.json';

export interface RunFingerprint {
  config: string;
  datasets: Record<string, DatasetFingerprint>;
}

export function readRunFingerprint(dir: string): RunFingerprint | null {
  const f = path.join(dir, FINGERPRINT_FILE);
  if (!fs.existsSync(f)) return null;
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8')) as RunFingerprint;
  } catch {
    throw new InputError(`${f} is not valid JSON; the run folder is damaged: delete ${dir} to start over`);
  }
}

/** The run's stored fingerprint of a dataset, if any (its content hashes are reused for files not touched since). */
export function storedDatasetFingerprint(config: ResolvedConfig, name: string): DatasetFingerprint | undefined {
  const dir = runDir(config);
  return fs.existsSync(dir) ? readRunFingerprint(dir)?.datasets[name] : undefined;
}

/** The message for a resume on changed data: what changed and how to start a new run. */
export function changedDataMessage(
  config: ResolvedConfig,
  name: string,
  before: DatasetFingerprint,
  now: DatasetFingerprint,
): string {
  return (
    `dataset "${name}" (${now.root}) changed since run "${config.run}" started: ${describeDatasetChange(before, now)}. ` +
    `Its finished cells were computed on the old files, so they cannot be mixed with new ones. Start a new run: set "run" to a new name ` +
    `(e.g. "${config.run}-2") or delete ${runDir(config)}; or restore the dataset as it was.`
  );
}

/**
 * Refuses when a dataset recorded in an existing run folder differs from what is on disk now and finished cells were
 * computed on it (see ./run-records for the rules when there are none, or when fingerprint.json is missing).
 */
export function checkDatasetsUnchanged(config: ResolvedConfig, fingerprints: Map<string, DatasetFingerprint>): void {
  const dir = runDir(config);
  if (!fs.existsSync(dir)) return;
  const stored = readRunFingerprint(dir);
  const rec = runRecords(dir);
  for (const [name, now] of fingerprints)
    storedDatasetVerdict(dir, name, stored?.datasets[name], now, (b) => changedDataMessage(config, name, b, now), rec);
}

/**
 * Creates (or checks) the run folder for a writer of `shard`: config.json, fingerprint.json, and that the run's
 * existing parts use the same number of shards. Holds run.lock while doing so.
 */
export async function initRunFolder(
  config: ResolvedConfig,
  fingerprints: Map<string, DatasetFingerprint>,
  shard: ShardSpec | null,
  log: (l: string) => void,
): Promise<string> {
  const dir = runDir(config);
  fs.mkdirSync(dir, { recursive: true });
  await withLock(
    path.join(dir, RUN_LOCK),
    'initialising the run folder',
    () => {
      const cfgFile = path.join(dir, 'config.json');
      const fp = configFingerprint(config);
      const verdict = storedConfigVerdict(dir, config);
      if (verdict.note) log(verdict.note);
      if (verdict.write) writeFileAtomic(cfgFile, configText(config));
      const rec = runRecords(dir);
      const stored = readRunFingerprint(dir) ?? { config: fp, datasets: {} };
      stored.config = fp;
      let changed = !fs.existsSync(path.join(dir, FINGERPRINT_FILE));
      for (const [name, now] of fingerprints) {
        const before = stored.datasets[name];
        const v = storedDatasetVerdict(dir, name, before, now, (b) => changedDataMessage(config, name, b, now), rec);
        if (v === 'write') {
          if (before)
            log(
              `note: dataset "${name}" differs from the one recorded in ${dir}, which has no finished cell on it; recorded anew`,
            );
          stored.datasets[name] = now;
          changed = true;
        }
      }
      if (changed) writeFileAtomic(path.join(dir, FINGERPRINT_FILE), JSON.stringify(stored) + '\n');
      if (shard) {
        const other = listParts(dir).find((p) => p.count !== shard.count);
        if (other) {
          throw new OptionError(
            `run "${config.run}" is split into ${other.count} shard(s) (${path.join(dir, PARTS_DIR, partName(other))}); ` +
              `this writer is shard ${shard.index}/${shard.count}. Use --shard I/${other.count} (or --merge to build results.csv from its parts), or a new "run" name to shard it differently`,
          );
        }
        // Created under run.lock, so two writers with different shard counts cannot both pass the check above.
        fs.mkdirSync(path.join(dir, PARTS_DIR, partName(shard)), { recursive: true });
      }
    },
    (holder) => log(`waiting for ${path.join(dir, RUN_LOCK)} (held by ${holder})`),
  );
  return dir;
}

/** The parts present in a run folder. */
export function listParts(dir: string): ShardSpec[] {
  const p = path.join(dir, PARTS_DIR);
  if (!fs.existsSync(p)) return [];
  return fs
    .readdirSync(p)
    .map(parsePartName)
    .filter((s): s is ShardSpec => s !== null)
    .sort((a, b) => a.count - b.count || a.index - b.index);
}

/** Takes a part's lock: null when another process holds it (and `wait` is false). */
export async function lockPart(
  dir: string,
  shard: ShardSpec,
  wait: boolean,
  log: (l: string) => void,
  what = `writing shard ${shard.index}/${shard.count}`,
): Promise<HeldLock | null> {
  const file = path.join(dir, PARTS_DIR, partName(shard), PART_LOCK);
  return acquireLock(file, {
    wait,
    what,
    onWait: (h) => log(`shard ${shard.index}/${shard.count} is being written by ${h}; waiting`),
  });
}

export function partBusyMessage(config: ResolvedConfig, shard: ShardSpec): string {
  const file = path.join(runDir(config), PARTS_DIR, partName(shard), PART_LOCK);
  return (
    `run "${config.run}" shard ${shard.index}/${shard.count} is being written by another process (${describeHolder(file)}); ` +
    'two writers of one part would duplicate its rows. Wait for it to finish, or pass --wait to queue behind it'
  );
}

export interface MergeSummary {
  dir: string;
  cells: number;
  rows: number;
  parts: string[];
}

/**
 * Combines the parts into results.csv (rows in grid order, each cell's rows as written: exactly what a
 * single-process run writes). Refuses when a cell is missing, duplicated, damaged, or was computed under another
 * config or dataset fingerprint; refuses while a part is still being written. Rerunnable.
 */
export async function mergeRun(config: ResolvedConfig, log: (l: string) => void = () => {}): Promise<MergeSummary> {
  const dir = runDir(config);
  const cfgFile = path.join(dir, 'config.json');
  if (!fs.existsSync(cfgFile))
    throw new InputError(`nothing to merge: ${dir} holds no run (no config.json); run the shards first`);
  const old = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as ResolvedConfig;
  const fp = configFingerprint(config);
  if (configFingerprint(old) !== fp)
    throw new OptionError(
      `results folder ${dir} holds a run with a different config (${cfgFile}); merge with the config it was run with`,
    );
  const stored = readRunFingerprint(dir);
  return withLock(
    path.join(dir, RUN_LOCK),
    'merging',
    async () => {
      const parts = listParts(dir);
      if (parts.length === 0)
        throw new InputError(`nothing to merge: ${path.join(dir, PARTS_DIR)} has no parts; run the shards first`);
      const locks: HeldLock[] = [];
      try {
        for (const s of parts) {
          const l = await lockPart(dir, s, false, log, 'merging the run');
          if (!l)
            throw new InputError(
              `cannot merge yet: ${partBusyMessage(config, s).replace(/; two writers.*$/, '')}; merge when it has finished`,
            );
          locks.push(l);
        }
        const errors: string[] = [];
        const found = new Map<string, { part: string; cell: VerifiedCell }>();
        const damaged = new Set<string>(); // logged, but rows cut or not matching their checksum
        for (const s of parts) {
          const name = partName(s);
          const state = readPart(path.join(dir, PARTS_DIR, name));
          for (const p of state.problems) log(`${name}: ${p}`);
          for (const id of state.dropped) damaged.add(id);
          for (const [id, c] of state.cells) {
            const prev = found.get(id);
            if (prev) {
              errors.push(`cell ${id} is in two parts (${prev.part} and ${name})`);
              continue;
            }
            if (c.record.config !== fp)
              errors.push(
                `cell ${id} in ${name} was computed under another config (fingerprint ${c.record.config}, this run's is ${fp})`,
              );
            found.set(id, { part: name, cell: c });
          }
        }
        const grid = expandGrid(config);
        for (const c of grid) {
          const f = found.get(c.key);
          if (!f) continue;
          const want = stored?.datasets[c.dataset.name]?.id;
          if (want !== undefined && f.cell.record.data !== want)
            errors.push(
              `cell ${c.key} in ${f.part} was computed on another version of dataset "${c.dataset.name}" (fingerprint ${f.cell.record.data}, the run's is ${want})`,
            );
        }
        const inGrid = new Set(grid.map((c) => c.key));
        for (const id of found.keys()) if (!inGrid.has(id)) errors.push(`cell ${id} is not in this config's grid`);
        const count = parts[0].count;
        const assign = assignShards(grid, count);
        const broken = grid.filter((c) => !found.has(c.key) && damaged.has(c.key));
        if (broken.length > 0) {
          const shards = [...new Set(broken.map((c) => assign[grid.indexOf(c)]))].sort((a, b) => a - b);
          errors.push(
            `${broken.length} cell(s) are damaged: their rows are cut or do not match their checksum (${broken
              .slice(0, 5)
              .map((c) => c.key)
              .join(', ')}${broken.length > 5 ? ', ...' : ''}); ` +
              `rerun shard(s) ${shards.map((x) => `${x}/${count}`).join(', ')} to recompute them: npm run experiment -- --config FILE --shard I/${count}`,
          );
        }
        const missing = grid.filter((c) => !found.has(c.key) && !damaged.has(c.key));
        if (missing.length > 0) {
          const shards = [...new Set(missing.map((c) => assign[grid.indexOf(c)]))].sort((a, b) => a - b);
          errors.push(
            `${missing.length} of ${grid.length} cells are missing (${missing
              .slice(0, 5)
              .map((c) => c.key)
              .join(', ')}${missing.length > 5 ? ', ...' : ''}); ` +
              `run (or resume) shard(s) ${shards.map((s) => `${s}/${count}`).join(', ')} first: npm run experiment -- --config FILE --shard I/${count}`,
          );
        }
        if (errors.length > 0)
          throw new InputError(
            `cannot merge run "${config.run}": ${errors.slice(0, 8).join('; ')}${errors.length > 8 ? `; and ${errors.length - 8} more` : ''}`,
          );
        const text = RESULTS_HEADER + grid.map((c) => found.get(c.key)!.cell.text).join('');
        writeFileAtomic(path.join(dir, RESULTS_FILE), text);
        // env.json of the run: the first part's (every part keeps its own).
        const envs = parts
          .map((s) => path.join(dir, PARTS_DIR, partName(s), 'env.json'))
          .filter((f) => fs.existsSync(f));
        if (envs.length > 0) writeFileAtomic(path.join(dir, 'env.json'), fs.readFileSync(envs[0], 'utf8'));
        mergeTailRecords(
          dir,
          parts.map((s) => path.join(dir, PARTS_DIR, partName(s))),
          grid.map((c) => c.key),
        );
        return { dir, cells: grid.length, rows: text.split('\n').length - 2, parts: parts.map(partName) };
      } finally {
        for (const l of locks) await l.release();
      }
    },
    (holder) => log(`waiting for ${path.join(dir, RUN_LOCK)} (held by ${holder})`),
  );
}
