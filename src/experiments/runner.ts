/**
 * The experiment grid runner: for each dataset, extract every image's features once; then for each cell
 * (split x method x seed) fit, predict each class's test set, compute the metrics and commit the cell's rows.
 * Everything that can be checked without work (config, dataset layout, results folder, method options) is checked
 * first, in `preflight`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset, DatasetImage, Manifest } from '../data/types';
import type { TrainFeatures } from '../models/types';
import { assertWritableDir, writeFileAtomic } from '../util/atomic';
import { InputError, OptionError } from '../util/errors';
import { progress } from '../util/progress';
import type { MetricName, ResolvedConfig } from './config';
import { describeEnvironment } from './env';
import { buildFeatureStore, FeatureStore } from './feature-store';
import { Cell, expandGrid, splitId } from './grid';
import { checkMvtecLayout } from './layout';
import type { FeatureSource, Pipeline } from './pipeline';
import { commitCell, recoverRun, ResultRow } from './results-file';

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
    if (d.synthetic && !fs.existsSync(d.root)) continue; // generated later
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

function classTestImages(cls: Dataset['classes'][number], manifest: Manifest, overlap: boolean): DatasetImage[] {
  if (overlap) return cls.test;
  const injected = new Set(manifest.classes.find((c) => c.name === cls.name)?.injected ?? []);
  return cls.test.filter((im) => !injected.has(im.rel));
}

interface ClassTest { name: string; images: DatasetImage[]; paths: string[]; labels: Uint8Array; masks?: Uint8Array }

/** Runs (or resumes) the whole grid. */
export async function runExperiment(config: ResolvedConfig, pipeline: Pipeline, opts: RunOptions = {}): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => { if (!opts.quiet) console.error(l); });
  preflight(config, pipeline);
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
      if (entry.synthetic && !fs.existsSync(entry.root)) {
        log(`generating the synthetic dataset at ${entry.root}`);
        await pipeline.generateSynthetic(entry.root, entry.syntheticOptions);
        checkMvtecLayout(entry.root);
      }
      const dataset = await pipeline.loadDataset(entry.root);
      const allPaths = dataset.classes.flatMap((c) => [...c.train, ...c.test].map((im) => im.path));
      const store = await buildFeatureStore(fx, allPaths, { quiet: opts.quiet, label: `features ${entry.name}` });
      const tests = new Map<string, ClassTest>();
      const manifests = new Map<string, Manifest>();
      for (const cell of mine) {
        if (summary.ranCells >= limit) return summary;
        const sid = splitId(cell);
        let manifest = manifests.get(sid);
        if (!manifest) {
          manifest = await pipeline.buildSplit(dataset, { tailType: cell.tailType, k: cell.k, noiseRatio: cell.noiseRatio, seed: cell.seed, tailRatio: config.tailRatio, extra: config.split });
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
  testCache: Map<string, ClassTest>,
): Promise<ResultRow[]> {
  const { paths, classNames } = pipeline.trainPaths(dataset, manifest);
  if (paths.length === 0) throw new InputError(`split ${cell.key} has no training images`);
  const train: TrainFeatures = {
    ...store.take(paths),
    classNames,
    augmentedPatches: (indices, type) => fx.augmentedPatches(indices.map((i) => paths[i]), type),
  };
  const model = pipeline.createModel(cell.method.name, cell.method.options, { seed: cell.seed, augmentation: cell.augmentation });
  const rows: ResultRow[] = [];
  try {
    await model.fit(train);
    for (const cls of dataset.classes) {
      const key = `${config.overlap ? 'o' : splitId(cell)}|${cls.name}`;
      let t = testCache.get(key);
      if (!t) {
        const images = classTestImages(cls, manifest, config.overlap);
        t = { name: cls.name, images, paths: images.map((im) => im.path), labels: Uint8Array.from(images.map((im) => im.label)) };
        testCache.set(key, t);
      }
      if (t.images.length === 0) continue;
      const pred = await model.predict(store.take(t.paths));
      if (!t.masks) t.masks = await pipeline.loadMasks(t.images, pred.mapSize);
      const metrics = pipeline.evaluateClass({ labels: t.labels, imageScores: pred.imageScores, masks: t.masks, maps: pred.maps, mapSize: pred.mapSize });
      const mc = manifest.classes.find((c) => c.name === cls.name);
      const noiseCount = mc ? mc.injected.length : 0;
      const trainCount = mc ? mc.trainGood.length + noiseCount : 0;
      for (const metric of config.metrics as MetricName[]) {
        rows.push({
          run: config.run, dataset: cell.dataset.name, tail_type: cell.tailType, k: cell.k, noise_ratio: cell.noiseRatio, seed: cell.seed,
          method: cell.method.label, class: cls.name, is_tail: trainCount <= config.tailMaxCount, train_count: trainCount, noise_count: noiseCount,
          metric, value: metrics[metric],
        });
      }
    }
  } finally {
    model.dispose();
  }
  return rows;
}
