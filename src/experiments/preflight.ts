/**
 * Checks that need no data and no backbone, run before anything is written: run name, results folder, dataset
 * layouts, names usable in cell ids, every method's options (nested ones included), and that an existing run folder
 * belongs to this config. Checks that need the data (split feasibility, feature options, dataset fingerprint) run
 * right after, in the runner's `prepare`, still before the run folder is created.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { predictClassSizes } from '../sampling/tail-sampler';
import { InputError, OptionError } from '../util/errors';
import type { ResolvedConfig } from './config';
import { storedConfigVerdict } from './run-records';
import { checkMvtecLayout } from './layout';
import { checkConfigPaths, checkCreatable } from './preflight-paths';
import type { Pipeline } from './pipeline';

/** A run name is one plain folder name: letters, digits, ".", "_", "-"; not "." or "..", no separators. */
export function checkRunName(run: unknown): string {
  if (typeof run !== 'string' || !/^[A-Za-z0-9._-]+$/.test(run) || /^\.+$/.test(run)) {
    throw new OptionError(
      `config key "run" must be a plain folder name (letters, digits, ".", "_", "-"; not "." or "..", no "/" or "\\"), got ${JSON.stringify(run)}`,
    );
  }
  return run;
}

/** The run folder of a config: <resultsDir>/<run>, never outside resultsDir. */
export function runDir(config: Pick<ResolvedConfig, 'resultsDir' | 'run'>): string {
  const base = path.resolve(config.resultsDir);
  const dir = path.resolve(base, checkRunName(config.run));
  if (path.dirname(dir) !== base)
    throw new OptionError(
      `config key "run" (${JSON.stringify(config.run)}) must name a folder directly inside resultsDir`,
    );
  return dir;
}

/** The resolved config as stored in <run>/config.json. */
export function configText(config: ResolvedConfig): string {
  return JSON.stringify(config, null, 2) + '\n';
}

const ID_UNSAFE = /[|\t\r\n]/;

/** Nested method options the model constructors only read at fit time: checked here with their owners' validators. */
function checkNestedMethodOptions(config: ResolvedConfig): void {
  config.methods.forEach((m, i) => {
    const tail = m.options.tail;
    if (tail !== null && typeof tail === 'object' && !Array.isArray(tail)) {
      try {
        // The TailSampler's own option check (unknown keys, value ranges), on a trivial 2 x 2 similarity matrix.
        predictClassSizes({ data: Float32Array.of(1, 0, 0, 1), n: 2 }, tail as Record<string, never>);
      } catch (e) {
        if (e instanceof OptionError)
          throw new OptionError(
            `methods[${i}].options.tail (${m.label}): ${e.message.replace(/^predictClassSizes: /, '')}`,
          );
        throw e;
      }
    }
  });
}

/**
 * Checks everything that needs neither data nor backbone. Throws an OptionError/InputError before any work and
 * before anything is written.
 */
export function preflight(config: ResolvedConfig, pipeline: Pipeline): void {
  const dir = runDir(config);
  const resultsDir = path.resolve(config.resultsDir);
  if (fs.existsSync(resultsDir) && !fs.statSync(resultsDir).isDirectory()) {
    throw new InputError(
      `cannot create results folder "${dir}": ${resultsDir} is a file, not a folder (ENOTDIR); move that file or choose another folder`,
    );
  }
  checkCreatable(dir, 'results folder');
  checkConfigPaths(config); // kind and permissions of every path, naming its key (./preflight-paths)
  for (const d of config.datasets) {
    if (ID_UNSAFE.test(d.name))
      throw new OptionError(
        `datasets: name ${JSON.stringify(d.name)} may not contain "|", tabs or line breaks (it is part of every cell id)`,
      );
    if (d.synthetic) continue; // the generator checks (and reuses or refuses) its own folder later
    checkMvtecLayout(d.root);
  }
  config.methods.forEach((m, i) => {
    if (ID_UNSAFE.test(m.label))
      throw new OptionError(
        `methods[${i}].label ${JSON.stringify(m.label)} may not contain "|", tabs or line breaks (it is part of every cell id)`,
      );
  });
  checkNestedMethodOptions(config);
  config.methods.forEach((m, i) => {
    for (const t of config.tailTypes) {
      try {
        pipeline.createModel(m.name, m.options, { seed: 0, augmentation: config.augmentation[t] }).dispose();
      } catch (e) {
        if (e instanceof OptionError) throw new OptionError(`methods[${i}] (${m.label}): ${e.message}`);
        throw e;
      }
    }
  });
  storedConfigVerdict(dir, config); // throws when the run's finished cells belong to another config (./run-records)
}
