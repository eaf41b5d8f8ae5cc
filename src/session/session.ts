/**
 * A session for notebooks and the demo: one dataset, one feature extractor, every image's features extracted once;
 * then splits and fits are single calls. Uses the same code path as the grid runner.
 */
import * as fs from 'node:fs';
import type { Dataset, Manifest } from '../data/types';
import type { SynthOptions } from '../data/synth/generate';
import type { FeatureOptions } from '../features/feature-options';
import type { MethodSpec, ModelName } from '../models/registry';
import type { AugmentationType } from '../models/types';
import { EXPERIMENT_DEFAULTS, officialAugmentation } from '../experiments/config';
import type { DatasetKind } from '../experiments/config';
import type { SplitSpec, TailType } from '../data/splits/options';
import { detectBenchmark, loadOfficialManifest, loadOfficialSplit } from '../data/official';
import { OptionError } from '../util/errors';
import { resolveSplitOptions } from '../data/splits/options';
import { buildFeatureStore, FeatureStore } from '../experiments/feature-store';
import { evaluateSplit, ClassTestSet, SplitEvaluation } from '../experiments/evaluate-split';
import { kitPipeline } from '../experiments/kit-pipeline';
import type { FeatureSource, Pipeline } from '../experiments/pipeline';

export interface SessionOptions {
  /** Dataset root in MVTec layout. */
  root: string;
  /** Generate the synthetic set at root first (reused when complete): true or generator options. @default false */
  synthetic?: boolean | Partial<Omit<SynthOptions, 'out'>>;
  /** FeatureExtractor options (resize, crop, cacheDir, ...). @default { cacheDir: 'data/cache' } */
  features?: FeatureOptions;
  /** No progress lines. @default false */
  quiet?: boolean;
  /** Another pipeline (tests). @default kitPipeline() */
  pipeline?: Pipeline;
  /**
   * Which benchmark the dataset is, for the official tail augmentation (VisA: rotflip; others: step rot15flip,
   * Pareto rot30flip). @default 'synthetic' with synthetic, else from the class folder names ('visa', 'mvtec' or 'other')
   */
  kind?: DatasetKind;
  /**
   * Extract patch features up front and the image embeddings only when TailSampler needs them (for the training
   * images of the split being fitted), cached apart. `store.take()` then returns embeddings with 0 columns; use
   * `store.embeddingsOf(paths)`. @default false
   */
  lazyEmbeddings?: boolean;
}

/** An official manifest of the session's dataset: a seed folder, or the manifest folder plus the cell. */
export type OfficialSplitSpec = string | { folder: string; tailType: TailType; k?: number; seed: number };

export interface Session {
  dataset: Dataset;
  fx: FeatureSource;
  store: FeatureStore;
  pipeline: Pipeline;
  /** The dataset kind in effect (see SessionOptions.kind). */
  kind: DatasetKind;
  /** Builds a long-tail noisy split of the session's dataset (defaults: SPLIT_DEFAULTS, i.e. step K=1, 10 % noise, seed 0). */
  split(spec: SplitSpec): Promise<Manifest>;
  /**
   * Loads an official manifest (`<folder>/<setting>/seedNN`, or that seed folder itself); it keeps its tail type,
   * K and noise ratio, so evaluate() labels and augments it like a drawn split of the same setting.
   */
  officialSplit(spec: OfficialSplitSpec): Manifest;
  /**
   * Fits one method on a split and evaluates every class (per-class metrics, result rows, optional predictions).
   * Rows carry the manifest's tail type, K, noise ratio and seed. opts.modelSeed seeds the model (default 0, as the
   * official runs; opts.seed is an older name for it); opts.augmentation defaults to the kind's official one.
   */
  evaluate(
    manifest: Manifest,
    method: ModelName | MethodSpec,
    opts?: {
      modelSeed?: number;
      seed?: number;
      augmentation?: AugmentationType;
      keepPredictions?: boolean;
      keepModel?: boolean;
    },
  ): Promise<SplitEvaluation>;
  dispose(): void;
}

export async function openSession(o: SessionOptions): Promise<Session> {
  const pipeline = o.pipeline ?? kitPipeline();
  if (o.synthetic)
    await pipeline.generateSynthetic(
      o.root,
      o.synthetic === true ? { quiet: o.quiet ?? false } : { quiet: o.quiet ?? false, ...o.synthetic },
    );
  else if (!fs.existsSync(o.root)) throw new Error(`dataset root ${o.root} does not exist`);
  const dataset = await pipeline.loadDataset(o.root);
  const kind: DatasetKind =
    o.kind ?? (o.synthetic ? 'synthetic' : (detectBenchmark(dataset.classes.map((c) => c.name)) ?? 'other'));
  const fx = await pipeline.createExtractor(o.features ?? { cacheDir: 'data/cache' });
  const paths = dataset.classes.flatMap((c) => [...c.train, ...c.test].map((im) => im.path));
  const store = await buildFeatureStore(fx, paths, {
    quiet: o.quiet,
    label: o.lazyEmbeddings ? 'patch features' : 'features',
    lazyEmbeddings: o.lazyEmbeddings ?? false,
  });
  const testCache = new Map<string, ClassTestSet>();
  const overlapOf = new WeakMap<Manifest, boolean>();
  return {
    dataset,
    fx,
    store,
    pipeline,
    kind,
    async split(spec) {
      const m = await pipeline.buildSplit(dataset, spec);
      overlapOf.set(m, resolveSplitOptions(spec).overlap);
      return m;
    },
    officialSplit(spec) {
      if (typeof spec === 'string') return loadOfficialManifest(spec, dataset);
      return loadOfficialSplit(spec.folder, dataset, {
        tail: spec.tailType,
        k: spec.tailType === 'step' ? (spec.k ?? 1) : null,
        seed: spec.seed,
      });
    },
    async evaluate(manifest, method, opts = {}) {
      const m = typeof method === 'string' ? { name: method } : method;
      const tail = manifest.options.tail;
      if (tail !== 'step' && tail !== 'pareto') {
        throw new OptionError(
          `session.evaluate: the manifest has no tail type (options.tail = ${JSON.stringify(tail)}); build it with session.split or session.officialSplit`,
        );
      }
      const k = tail === 'step' ? Number(manifest.options.k ?? 1) : null;
      const overlap = overlapOf.get(manifest) ?? manifest.options.overlap !== false;
      if (opts.modelSeed !== undefined && opts.seed !== undefined && opts.modelSeed !== opts.seed)
        throw new OptionError('session.evaluate: give modelSeed or its older name seed, not both');
      return evaluateSplit({
        pipeline,
        fx,
        store,
        dataset,
        manifest,
        method: m,
        seed: manifest.seed,
        modelSeed: opts.modelSeed ?? opts.seed ?? 0,
        augmentation: opts.augmentation ?? (officialAugmentation(kind) ?? EXPERIMENT_DEFAULTS.augmentation)[tail],
        labels: {
          run: 'session',
          dataset: dataset.root.split(/[\\/]/).pop() ?? 'dataset',
          tail_type: tail,
          k,
          noise_ratio: Number(manifest.options.noiseRatio ?? 0),
        },
        overlap,
        testCache: overlap ? testCache : undefined,
        keepPredictions: opts.keepPredictions,
        keepModel: opts.keepModel,
      });
    },
    dispose() {
      fx.dispose?.();
    },
  };
}
