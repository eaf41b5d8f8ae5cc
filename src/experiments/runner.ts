/**
 * The experiment grid runner. One writer (a single process, or one shard of a SLURM array / Kubernetes Indexed Job)
 * runs the cells assigned to it and commits them to its own part of the run folder; a single process then merges.
 *
 * Order of work, so that nothing is written before every check has passed:
 *   1. preflight: config, run name, results folder, dataset layouts, method options (no data, no backbone);
 *   2. prepare: feature options (the extractor is created), synthetic data generated, every split of the grid built
 *      (feasibility of ks, split options), dataset fingerprints compared with the run's;
 *   3. the run folder is created (config.json, fingerprint.json) and this writer's part is locked;
 *   4. the part is verified (cells whose rows do not match their log line are recomputed), the missing cells run;
 *   5. a single process (shard 0 of 1) merges the part into results.csv.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset, Manifest } from '../data/types';
import { settingLabel } from '../data/splits/options';
import { writeFileAtomic } from '../util/atomic';
import { InputError, OptionError } from '../util/errors';
import { progress } from '../util/progress';
import type { ResolvedConfig, ResolvedDataset } from './config';
import { evaluateSplit, ClassTestSet } from './evaluate-split';
import { describeEnvironment } from './env';
import { buildFeatureStore, FeatureStore } from './feature-store';
import { configFingerprint, datasetFingerprint, DatasetFingerprint } from './fingerprint';
import { Cell, expandGrid, splitId } from './grid';
import { checkMvtecLayout } from './layout';
import { commitCell, PARTS_DIR, recoverPart } from './parts';
import type { FeatureSource, Pipeline } from './pipeline';
import { preflight } from './preflight';
import { checkDataDependentOptions } from './preflight-data';
import {
  checkDatasetsUnchanged,
  initRunFolder,
  storedDatasetFingerprint,
  lockPart,
  mergeRun,
  MergeSummary,
  partBusyMessage,
} from './run-folder';
import { withLock } from './run-lock';
import { cellsOfShard, partName, ShardSpec, SINGLE } from './shards';
import { preflightSources, splitForCell } from './split-source';
import type { ResultRow } from '../results/results-file';
import { TAIL_SAMPLER_DEFAULTS } from '../sampling/tail-sampler';
import { appendTailRecord, tailRecordOf, TailRecord } from './tail-records';
import { CellDetailsOptions, recordCellDetails, recordFeatureStage, resolveCellDetailsOptions } from './cell-details';

export { preflight } from './preflight';

export interface RunOptions {
  /** Print nothing (tests). @default false */
  quiet?: boolean;
  /** Stop after this many newly finished cells (tests simulate a kill with it). @default Infinity */
  maxCells?: number;
  /** Where log lines go. @default console.error */
  log?: (line: string) => void;
  /** The shard this process runs. @default shard 0 of 1 (the whole grid) */
  shard?: ShardSpec;
  /** When another process writes this shard: wait for it (true) or stop with an InputError (false). @default false */
  wait?: boolean;
  /** Merge the parts into results.csv when this writer has finished. @default true for a single process (0 of 1) */
  merge?: boolean;
  /** What each cell records for the HTML report (anomaly-map thumbnails per class, ...). @default CELL_DETAILS_DEFAULTS */
  details?: CellDetailsOptions;
}

export interface RunSummary {
  dir: string;
  shard: ShardSpec;
  /** Cells of the whole grid. */
  gridCells: number;
  /** Cells of this shard. */
  totalCells: number;
  skippedCells: number;
  ranCells: number;
  /** Cells found damaged at resume (torn or cut rows, checksum mismatch) and recomputed. */
  recomputed: string[];
  /** Set when this call merged the run. */
  merged?: MergeSummary;
}

/** One dataset, loaded and checked, with every split of the grid built. */
export interface PreparedDataset {
  entry: ResolvedDataset;
  dataset: Dataset;
  fingerprint: DatasetFingerprint;
  manifests: Map<string, Manifest>;
}

export interface Prepared {
  fx: FeatureSource;
  datasets: Map<string, PreparedDataset>;
  cells: Cell[];
}

/** The lock that serialises generating one synthetic dataset (a sibling of its root, so it is shared like the data). */
function datasetLockFile(root: string): string {
  const abs = path.resolve(root);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.lock`);
}

/**
 * Step 2 of the run: every check that needs the data or the backbone, before the run folder exists. The returned
 * extractor must be disposed by the caller.
 */
export async function prepare(config: ResolvedConfig, pipeline: Pipeline, log: (l: string) => void): Promise<Prepared> {
  let fx: FeatureSource;
  await preflightSources(config, pipeline); // dataset kinds, official manifests, an ONNX backbone's outputs
  try {
    fx = await pipeline.createExtractor(config.features);
  } catch (e) {
    if (e instanceof OptionError || e instanceof InputError)
      throw new OptionError(`config key "features": ${e.message}`);
    throw e;
  }
  try {
    const cells = expandGrid(config);
    const datasets = new Map<string, PreparedDataset>();
    for (const entry of config.datasets) {
      if (entry.synthetic) {
        // Generates the set, or returns at once when a complete one with the same options is there; one writer at a time.
        await withLock(
          datasetLockFile(entry.root),
          `generating ${entry.root}`,
          () => pipeline.generateSynthetic(entry.root, entry.syntheticOptions),
          (h) => log(`waiting for the synthetic dataset ${entry.root} (generated by ${h})`),
        );
        checkMvtecLayout(entry.root);
      }
      const dataset = await pipeline.loadDataset(entry.root);
      const manifests = new Map<string, Manifest>();
      for (const cell of cells.filter((c) => c.dataset.name === entry.name)) {
        const sid = splitId(cell);
        if (manifests.has(sid)) continue;
        try {
          manifests.set(sid, await splitForCell(config, pipeline, entry, dataset, cell)); // official manifest or a drawn split
        } catch (e) {
          if (!(e instanceof OptionError || e instanceof InputError)) throw e;
          const setting = settingLabel(cell.tailType, cell.k);
          throw new OptionError(
            `config keys "ks"/"split"/"tailRatio": dataset "${entry.name}", ${setting}, noise ${cell.noiseRatio}, seed ${cell.seed}: ${e.message}`,
          );
        }
      }
      const fingerprint = datasetFingerprint(entry.root, storedDatasetFingerprint(config, entry.name));
      datasets.set(entry.name, { entry, dataset, fingerprint, manifests });
    }
    checkDataDependentOptions(config, pipeline, splitsOf(datasets)); // LOF k against the training counts
    checkDatasetsUnchanged(
      config,
      new Map([...datasets].map(([n, d]) => [n, d.fingerprint] as [string, DatasetFingerprint])),
    );
    return { fx, datasets, cells };
  } catch (e) {
    fx.dispose?.();
    throw e;
  }
}

function splitsOf(datasets: Map<string, PreparedDataset>) {
  return [...datasets.values()].flatMap((d) => [...d.manifests].map(([sid, manifest]) => ({ sid, manifest })));
}

function fingerprints(p: Prepared): Map<string, DatasetFingerprint> {
  return new Map([...p.datasets].map(([n, d]) => [n, d.fingerprint] as [string, DatasetFingerprint]));
}

/** Runs (or resumes) this process's shard of the grid; a single process then merges. */
export async function runExperiment(
  config: ResolvedConfig,
  pipeline: Pipeline,
  opts: RunOptions = {},
): Promise<RunSummary> {
  const log =
    opts.log ??
    ((l: string) => {
      if (!opts.quiet) console.error(l);
    });
  const shard = opts.shard ?? SINGLE;
  preflight(config, pipeline);
  resolveCellDetailsOptions(opts.details); // a bad option fails before any work
  const prep = await prepare(config, pipeline, log);
  const { fx } = prep;
  let summary: RunSummary;
  try {
    const dir = await initRunFolder(config, fingerprints(prep), shard, log);
    const lock = await lockPart(dir, shard, opts.wait ?? false, log);
    if (!lock) throw new InputError(partBusyMessage(config, shard));
    try {
      summary = await runPart(config, pipeline, prep, dir, shard, opts, log);
    } finally {
      await lock.release();
    }
  } finally {
    fx.dispose?.();
  }
  const finished = summary.skippedCells + summary.ranCells === summary.totalCells;
  if ((opts.merge ?? shard.count === 1) && finished) {
    summary.merged = await mergeRun(config, log);
  } else if (finished && shard.count > 1) {
    log(
      `shard ${shard.index}/${shard.count} done; merge when every shard has finished: npm run experiment -- --config FILE --merge`,
    );
  }
  return summary;
}

async function runPart(
  config: ResolvedConfig,
  pipeline: Pipeline,
  prep: Prepared,
  dir: string,
  shard: ShardSpec,
  opts: RunOptions,
  log: (l: string) => void,
): Promise<RunSummary> {
  const partDir = path.join(dir, PARTS_DIR, partName(shard));
  if (fs.existsSync(path.join(dir, 'cells.log')) && !fs.existsSync(partDir)) {
    log(
      `note: ${dir} was written by an older version (cells.log without checksums or dataset fingerprint); its cells are recomputed into ${PARTS_DIR}/`,
    );
  }
  const state = recoverPart(partDir);
  for (const p of state.problems) log(`resume check: ${p}`);
  const recomputed = state.dropped;
  const mine = cellsOfShard(prep.cells, shard);
  const todo = mine.filter((c) => !state.cells.has(c.key));
  const summary: RunSummary = {
    dir,
    shard,
    gridCells: prep.cells.length,
    totalCells: mine.length,
    skippedCells: mine.length - todo.length,
    ranCells: 0,
    recomputed,
  };
  const who = shard.count > 1 ? ` shard ${shard.index}/${shard.count}` : '';
  log(
    `experiment ${config.run}${who}: ${mine.length} cells, ${summary.skippedCells} already done, ${todo.length} to run -> ${partDir}`,
  );
  if (todo.length === 0) return summary;

  const { fx } = prep;
  writeFileAtomic(
    path.join(partDir, 'env.json'),
    JSON.stringify(
      // TailSampler's defaults (guard included) as this kit has them; a method's own tail options are in config.json.
      { ...describeEnvironment(pipeline.backend(), config.seeds, fx.describe()), tailSampler: TAIL_SAMPLER_DEFAULTS },
      null,
      2,
    ) + '\n',
  );
  const cfp = configFingerprint(config);
  const bar = progress('cells', todo.length, { quiet: opts.quiet, intervalMs: 0 });
  const limit = opts.maxCells ?? Infinity;
  for (const entry of config.datasets) {
    const here = todo.filter((c) => c.dataset.name === entry.name);
    if (here.length === 0) continue;
    const d = prep.datasets.get(entry.name)!;
    const allPaths = d.dataset.classes.flatMap((c) => [...c.train, ...c.test].map((im) => im.path));
    const t0 = Date.now();
    const store = await buildFeatureStore(fx, allPaths, { quiet: opts.quiet, label: `features ${entry.name}` });
    recordFeatureStage(partDir, { dataset: entry.name, images: allPaths.length, seconds: (Date.now() - t0) / 1000 });
    const tests = new Map<string, ClassTestSet>();
    for (const cell of here) {
      if (summary.ranCells >= limit) return summary;
      let tail: TailRecord | null = null;
      const details = { partDir, options: opts.details };
      const manifest = d.manifests.get(splitId(cell))!;
      const onTail = (t: TailRecord) => {
        tail = t;
      };
      const rows = await runCell(config, pipeline, fx, store, d.dataset, manifest, cell, tests, onTail, details);
      commitCell(partDir, { cell: cell.key, config: cfp, data: d.fingerprint.id }, rows);
      if (tail) appendTailRecord(partDir, tail);
      summary.ranCells++;
      bar.tick();
    }
  }
  bar.done();
  return summary;
}

/**
 * The features stage: extracts a disjoint slice (every count-th image, from index) of every dataset's images into
 * the shared feature cache, so that the fit shards only read it. Needs features.cacheDir.
 */
export async function runFeatureStage(
  config: ResolvedConfig,
  pipeline: Pipeline,
  opts: { shard?: ShardSpec; quiet?: boolean; log?: (l: string) => void } = {},
): Promise<{ images: number; dir: string }> {
  const log =
    opts.log ??
    ((l: string) => {
      if (!opts.quiet) console.error(l);
    });
  const shard = opts.shard ?? SINGLE;
  if (!config.features.cacheDir)
    throw new OptionError(
      'the features stage fills the feature cache: set config key "features.cacheDir" to a folder every shard can read (a shared filesystem on a cluster)',
    );
  preflight(config, pipeline);
  const prep = await prepare(config, pipeline, log);
  let images = 0;
  try {
    const dir = await initRunFolder(config, fingerprints(prep), null, log);
    for (const d of prep.datasets.values()) {
      const all = [...new Set(d.dataset.classes.flatMap((c) => [...c.train, ...c.test].map((im) => im.path)))].sort();
      const slice = all.filter((_, i) => i % shard.count === shard.index);
      log(
        `features ${d.entry.name} shard ${shard.index}/${shard.count}: ${slice.length} of ${all.length} images -> ${String(config.features.cacheDir)}`,
      );
      await buildFeatureStore(prep.fx, slice, { quiet: opts.quiet, label: `features ${d.entry.name}` });
      images += slice.length;
    }
    return { images, dir };
  } finally {
    prep.fx.dispose?.();
  }
}

/**
 * One cell: fit on the split's training set, predict and score every class's test set; returns its rows. With
 * `details`, also writes what the HTML report shows of the cell into the part folder.
 */
export async function runCell(
  config: ResolvedConfig,
  pipeline: Pipeline,
  fx: FeatureSource,
  store: FeatureStore,
  dataset: Dataset,
  manifest: Manifest,
  cell: Cell,
  testCache: Map<string, ClassTestSet>,
  /** Receives what the tail branch selected (cells with a TailSampler tail branch only). */
  onTail?: (r: TailRecord) => void,
  details?: { partDir: string; options?: CellDetailsOptions },
): Promise<ResultRow[]> {
  const r = await evaluateSplit({
    pipeline,
    fx,
    store,
    dataset,
    manifest,
    method: cell.method,
    seed: cell.seed,
    augmentation: cell.augmentation,
    modelSeed: config.modelSeed === 'split' ? cell.seed : config.modelSeed,
    labels: {
      run: config.run,
      dataset: cell.dataset.name,
      tail_type: cell.tailType,
      k: cell.k,
      noise_ratio: cell.noiseRatio,
    },
    overlap: config.overlap,
    tailMaxCount: config.tailMaxCount,
    metrics: config.metrics,
    testCache,
    keepPredictions: details !== undefined,
    keepModel: details !== undefined,
  });
  if (onTail) {
    const t = tailRecordOf(cell.key, cell.method.label, r.model, dataset, manifest, config.tailMaxCount);
    if (t) onTail(t);
  }
  if (details) {
    try {
      const ids = { cell: cell.key, split: splitId(cell), method: cell.method.label };
      await recordCellDetails(details.partDir, ids, r, { pipeline, dataset, manifest }, details.options);
    } finally {
      r.model.dispose();
    }
  }
  return r.rows;
}
