/**
 * A session for notebooks and the demo: one dataset, one feature extractor, every image's features extracted once;
 * then splits and fits are single calls. Uses the same code path as the grid runner.
 */
import * as fs from 'node:fs';
import type { Dataset, Manifest } from '../data/types';
import type { AugmentationType } from '../models/types';
import type { TailType } from './config';
import { SPLIT_DEFAULTS } from '../data/splits/options';
import { buildFeatureStore, FeatureStore } from './feature-store';
import { evaluateSplit, ClassTestSet, SplitEvaluation } from './evaluate-split';
import { kitPipeline } from './kit-pipeline';
import type { FeatureSource, Pipeline } from './pipeline';

export interface SessionOptions {
  /** Dataset root in MVTec layout. */
  root: string;
  /** Generate the synthetic set at root first (reused when complete): true or generator options. @default false */
  synthetic?: boolean | Record<string, unknown>;
  /** FeatureExtractor options (resize, crop, cacheDir, ...). @default { cacheDir: 'data/cache' } */
  features?: Record<string, unknown>;
  /** No progress lines. @default false */
  quiet?: boolean;
  /** Another pipeline (tests). @default kitPipeline() */
  pipeline?: Pipeline;
}

export interface SplitSpec {
  tailType: TailType;
  /** Step only. @default 1 */
  k?: number;
  /** @default 0.1 */
  noiseRatio?: number;
  /** @default 0 */
  seed?: number;
  /** @default 0.6 */
  tailRatio?: number;
  /** Keep injected images in the test set. @default true */
  overlap?: boolean;
}

export interface Session {
  dataset: Dataset;
  fx: FeatureSource;
  store: FeatureStore;
  pipeline: Pipeline;
  /** Builds a long-tail noisy split of the session's dataset. */
  split(spec: SplitSpec): Promise<Manifest>;
  /** Fits one method on a split and evaluates every class (per-class metrics, result rows, optional predictions). */
  evaluate(manifest: Manifest, method: string | { name: string; label?: string; options?: Record<string, unknown> }, opts?: { seed?: number; augmentation?: AugmentationType; keepPredictions?: boolean; keepModel?: boolean }): Promise<SplitEvaluation>;
  dispose(): void;
}

export async function openSession(o: SessionOptions): Promise<Session> {
  const pipeline = o.pipeline ?? kitPipeline();
  if (o.synthetic) await pipeline.generateSynthetic(o.root, o.synthetic === true ? { quiet: o.quiet ?? false } : { quiet: o.quiet ?? false, ...o.synthetic });
  else if (!fs.existsSync(o.root)) throw new Error(`dataset root ${o.root} does not exist`);
  const dataset = await pipeline.loadDataset(o.root);
  const fx = await pipeline.createExtractor(o.features ?? { cacheDir: 'data/cache' });
  const paths = dataset.classes.flatMap((c) => [...c.train, ...c.test].map((im) => im.path));
  const store = await buildFeatureStore(fx, paths, { quiet: o.quiet, label: 'features' });
  const testCache = new Map<string, ClassTestSet>();
  const overlapOf = new WeakMap<Manifest, boolean>();
  return {
    dataset, fx, store, pipeline,
    async split(s) {
      const m = await pipeline.buildSplit(dataset, {
        tailType: s.tailType, k: s.tailType === 'step' ? s.k ?? 1 : null, noiseRatio: s.noiseRatio ?? 0.1, seed: s.seed ?? 0,
        tailRatio: s.tailRatio ?? SPLIT_DEFAULTS.tailRatio, overlap: s.overlap ?? true, extra: {},
      });
      overlapOf.set(m, s.overlap ?? true);
      return m;
    },
    async evaluate(manifest, method, opts = {}) {
      const m = typeof method === 'string' ? { name: method } : method;
      const tail = String(manifest.options.tail ?? 'step');
      const k = tail === 'step' ? Number(manifest.options.k ?? 1) : null;
      const overlap = overlapOf.get(manifest) ?? manifest.options.overlap !== false;
      return evaluateSplit({
        pipeline, fx, store, dataset, manifest, method: m, seed: opts.seed ?? manifest.seed,
        augmentation: opts.augmentation ?? (tail === 'pareto' ? 'rot30flip' : 'rot15flip'),
        labels: { run: 'session', dataset: dataset.root.split(/[\\/]/).pop() ?? 'dataset', tail_type: tail, k, noise_ratio: Number(manifest.options.noiseRatio ?? 0) },
        overlap, testCache: overlap ? testCache : undefined, keepPredictions: opts.keepPredictions, keepModel: opts.keepModel,
      });
    },
    dispose() { fx.dispose?.(); },
  };
}
