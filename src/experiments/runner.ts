/**
 * The experiment grid runner: for each dataset, extract every image's features once; then for each cell
 * (split x method x seed) fit, predict each class's test set, compute the metrics and commit the cell's rows.
 * Everything that can be checked without work (config, dataset layout, results folder, method options) is checked
 * first, in `preflight`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset, Manifest } from '../data/types';
import { assertWritableDir, writeFileAtomic } from '../util/atomic';
import { OptionError } from '../util/errors';
import { progress } from '../util/progress';
import type { ResolvedConfig } from './config';
import { evaluateSplit, ClassTestSet } from './evaluate-split';
import { describeEnvironment } from './env';
import { buildFeatureStore, FeatureStore } from './feature-store';
import { Cell, expandGrid, splitId } from './grid';
import { checkMvtecLayout } from './layout';
import type { FeatureSource, Pipeline } from './pipeline';
import { commitCell, recoverRun, ResultRow } from './results-file';
import { preflightSources, splitForCell } from './split-source';

export interface RunOptions {
  /** Print nothing (tests). @default false */
  quiet?: boolean;
  /** Stop after this many newly finished cells (tests simulate a kill with it). @default Infinity */
  maxCells?: number;
  /** Where log lines go. @default console.error */
  log?: (line: string) => void;
}

export interface RunSummary {
  dir: string;
  totalCells: number;
  skippedCells: number;
  ranCells: number;
}

/** The run folder of a config. */
export function runDir(config: ResolvedConfig): string {
  return path.resolve(config.resultsDir, config.run);
}

/** The part of a config that determines its numbers; a run folder can only be resumed with the same one. */
function configFingerprint(config: ResolvedConfig): string {
  return JSON.stringify(config);
}

/**
 * Checks everything that does not need the data or the backbone: dataset layouts, the results folder, each
 * method's options, and that an existing run folder belongs to the same config. Throws before any work.
 */
export function preflight(config: ResolvedConfig, pipeline: Pipeline): void {
  for (const d of config.datasets) {
    if (d.synthetic) continue; // the generator checks (and reuses or refuses) its own folder later
    checkMvtecLayout(d.root);
  }
  const dir = runDir(config);
  assertWritableDir(dir, 'results folder');
  const cfgFile = path.join(dir, 'config.json');
  if (fs.existsSync(cfgFile)) {
    const old = fs.readFileSync(cfgFile, 'utf8');
    if (old.trim() !== JSON.stringify(config, null, 2).trim()) {
      throw new OptionError(`results folder ${dir} holds a run with a different config (${cfgFile}); use another "run" name, or delete that folder to start over`);
    }
  }
  for (const m of config.methods) {
    const model = pipeline.createModel(m.name, m.options, { seed: 0, augmentation: config.augmentation.step }); // throws on unknown options
    model.dispose();
  }
}


/** Runs (or resumes) the whole grid. */
export async function runExperiment(config: ResolvedConfig, pipeline: Pipeline, opts: RunOptions = {}): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => { if (!opts.quiet) console.error(l); });
  preflight(config, pipeline);
  await preflightSources(config, pipeline); // official manifests, dataset kinds, the backbone
  const dir = runDir(config);
  writeFileAtomic(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const done = recoverRun(dir);
  const cells = expandGrid(config);
  const todo = cells.filter((c) => !done.has(c.key));
  const summary: RunSummary = { dir, totalCells: cells.length, skippedCells: cells.length - todo.length, ranCells: 0 };
  log(`experiment ${config.run}: ${cells.length} cells, ${summary.skippedCells} already done, ${todo.length} to run -> ${dir}`);
  if (todo.length === 0) return summary;

  const fx: FeatureSource = await pipeline.createExtractor(config.features);
  try {
    writeFileAtomic(path.join(dir, 'env.json'), JSON.stringify(describeEnvironment(pipeline.backend(), config.seeds, fx.describe()), null, 2) + '\n');
    const bar = progress('cells', todo.length, { quiet: opts.quiet, intervalMs: 0 });
    const limit = opts.maxCells ?? Infinity;
    for (const entry of config.datasets) {
      const mine = todo.filter((c) => c.dataset.name === entry.name);
      if (mine.length === 0) continue;
      if (entry.synthetic) {
        // Generates the set, or returns at once when a complete one with the same options is there.
        await pipeline.generateSynthetic(entry.root, entry.syntheticOptions);
        checkMvtecLayout(entry.root);
      }
      const dataset = await pipeline.loadDataset(entry.root);
      const allPaths = dataset.classes.flatMap((c) => [...c.train, ...c.test].map((im) => im.path));
      const store = await buildFeatureStore(fx, allPaths, { quiet: opts.quiet, label: `features ${entry.name}` });
      const tests = new Map<string, ClassTestSet>();
      const manifests = new Map<string, Manifest>();
      for (const cell of mine) {
        if (summary.ranCells >= limit) return summary;
        const sid = splitId(cell);
        let manifest = manifests.get(sid);
        if (!manifest) {
          manifest = await splitForCell(config, pipeline, entry, dataset, cell);
          manifests.set(sid, manifest);
        }
        const rows = await runCell(config, pipeline, fx, store, dataset, manifest, cell, tests);
        commitCell(dir, cell.key, rows);
        summary.ranCells++;
        bar.tick();
      }
    }
    bar.done();
  } finally {
    fx.dispose?.();
  }
  return summary;
}

/** One cell: fit on the split's training set, predict and score every class's test set; returns its rows. */
export async function runCell(
  config: ResolvedConfig, pipeline: Pipeline, fx: FeatureSource, store: FeatureStore, dataset: Dataset, manifest: Manifest, cell: Cell,
  testCache: Map<string, ClassTestSet>,
): Promise<ResultRow[]> {
  const r = await evaluateSplit({
    pipeline, fx, store, dataset, manifest, method: cell.method, seed: cell.seed, augmentation: cell.augmentation,
    modelSeed: config.modelSeed === 'split' ? cell.seed : config.modelSeed,
    labels: { run: config.run, dataset: cell.dataset.name, tail_type: cell.tailType, k: cell.k, noise_ratio: cell.noiseRatio },
    overlap: config.overlap, tailMaxCount: config.tailMaxCount, metrics: config.metrics, testCache,
  });
  return r.rows;
}
