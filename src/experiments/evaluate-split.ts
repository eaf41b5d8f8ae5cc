/**
 * One fit on a split's training set and the evaluation of every class's test set: the body of a grid cell, and
 * what notebooks and the demo call directly (with keepPredictions for heatmaps).
 */
import type { Dataset, Manifest } from '../data/types';
import type { AugmentationType, Prediction, TrainFeatures } from '../models/types';
import type { ClassEvaluation, ClassTestSet, SplitEvaluation } from '../results/evaluation';
import { InputError } from '../util/errors';
import { METRIC_NAMES } from '../metrics/evaluate';
import type { MetricName } from '../metrics/evaluate';
import { TAIL_MAX_COUNT } from '../data/splits/options';
import { describeCell, inClassOfCell } from './cell-context';
import type { FeatureStore } from './feature-store';
import type { FeatureSource, Pipeline } from './pipeline';
import type { ResultRow } from '../results/results-file';

// The evaluation's result types live in src/results (plots read them without importing experiments).
export type { ClassTestSet, ClassEvaluation, SplitEvaluation } from '../results/evaluation';

export interface EvaluateSplitArgs {
  pipeline: Pipeline;
  fx: FeatureSource;
  store: FeatureStore;
  dataset: Dataset;
  manifest: Manifest;
  /** Model name (MODEL_NAMES) and options. */
  method: { name: string; label?: string; options?: Record<string, unknown> };
  /** Split seed (written in the rows). */
  seed: number;
  /** Seed of the model's randomness. @default seed */
  modelSeed?: number;
  /** Tail augmentation (rot15flip for step, rot30flip for Pareto in the official configs). */
  augmentation: AugmentationType;
  /** Labels written into the result rows. */
  labels: { run: string; dataset: string; tail_type: string; k: number | null; noise_ratio: number };
  /** Keep injected images in the test set (paper protocol). @default true */
  overlap?: boolean;
  /** A class with at most this many training images is tail. @default 20 */
  tailMaxCount?: number;
  /** Metrics written as rows. @default all four */
  metrics?: readonly string[];
  /** Cache of class test sets across calls (same dataset and overlap). */
  testCache?: Map<string, ClassTestSet>;
  /** Keep each class's prediction (for heatmaps). @default false */
  keepPredictions?: boolean;
  /** Return the model undisposed (for model.info). @default false */
  keepModel?: boolean;
}

function classTestSet(cls: Dataset['classes'][number], manifest: Manifest, overlap: boolean): ClassTestSet {
  const injected = new Set(overlap ? [] : (manifest.classes.find((c) => c.name === cls.name)?.injected ?? []));
  const images = cls.test.filter((im) => !injected.has(im.rel));
  return {
    name: cls.name,
    images,
    paths: images.map((im) => im.path),
    labels: Uint8Array.from(images.map((im) => im.label)),
  };
}

export async function evaluateSplit(a: EvaluateSplitArgs): Promise<SplitEvaluation> {
  const overlap = a.overlap ?? true;
  const tailMax = a.tailMaxCount ?? TAIL_MAX_COUNT;
  const metrics = (a.metrics ?? METRIC_NAMES) as readonly MetricName[];
  const cache = a.testCache ?? new Map<string, ClassTestSet>();
  const { paths, classNames } = a.pipeline.trainPaths(a.dataset, a.manifest);
  if (paths.length === 0) throw new InputError('the split has no training images');
  const embeddingsOf = a.store.embeddingsOf;
  const train: TrainFeatures = {
    ...a.store.take(paths),
    ...(embeddingsOf ? { loadEmbeddings: () => embeddingsOf(paths) } : {}),
    classNames,
    augmentedPatches: (indices, type) =>
      a.fx.augmentedPatches(
        indices.map((i) => paths[i]),
        type,
      ),
  };
  const model = a.pipeline.createModel(a.method.name, a.method.options ?? {}, {
    seed: a.modelSeed ?? a.seed,
    augmentation: a.augmentation,
  });
  const rows: ResultRow[] = [];
  const classes: ClassEvaluation[] = [];
  let fitSeconds: number;
  let predictSeconds: number;
  try {
    const t0 = Date.now();
    await model.fit(train);
    fitSeconds = (Date.now() - t0) / 1000;
    const sets: ClassTestSet[] = [];
    for (const cls of a.dataset.classes) {
      const key = `${overlap ? 'overlap' : JSON.stringify(a.manifest.classes.find((c) => c.name === cls.name)?.injected ?? [])}|${cls.name}`;
      let t = cache.get(key);
      if (!t) {
        t = classTestSet(cls, a.manifest, overlap);
        cache.set(key, t);
      }
      if (t.images.length > 0) sets.push(t);
    }
    // One predict over every class's test images (fewer calls, same numbers), then split per class.
    const t1 = Date.now();
    const all = await model.predict(a.store.take(sets.flatMap((t) => t.paths)));
    predictSeconds = (Date.now() - t1) / 1000;
    const px = all.mapSize * all.mapSize;
    let off = 0;
    for (const t of sets) {
      const n = t.images.length;
      const pred: Prediction = {
        imageScores: all.imageScores.subarray(off, off + n),
        maps: all.maps.subarray(off * px, (off + n) * px),
        mapSize: all.mapSize,
      };
      off += n;
      if (!t.masks) {
        const g = a.fx.describe();
        if (pred.mapSize !== g.crop)
          throw new RangeError(`maps are ${pred.mapSize}px but the extractor crops to ${g.crop}px`);
        t.masks = await a.pipeline.loadMasks(t.images, { resize: g.resize, crop: g.crop });
      }
      const cell = describeCell(a.labels, a.seed, a.method.label ?? a.method.name);
      const m = inClassOfCell(t.name, cell, () =>
        a.pipeline.evaluateClass({
          labels: t.labels,
          imageScores: pred.imageScores,
          masks: t.masks!,
          maps: pred.maps,
          mapSize: pred.mapSize,
        }),
      );
      const mc = a.manifest.classes.find((c) => c.name === t.name);
      const noiseCount = mc ? mc.injected.length : 0;
      const trainCount = mc ? mc.trainGood.length + noiseCount : 0;
      const isTail = trainCount <= tailMax;
      classes.push({
        name: t.name,
        isTail,
        trainCount,
        noiseCount,
        metrics: m,
        test: t,
        prediction: a.keepPredictions ? pred : undefined,
      });
      for (const metric of metrics) {
        rows.push({
          ...a.labels,
          seed: a.seed,
          method: a.method.label ?? a.method.name,
          class: t.name,
          is_tail: isTail,
          train_count: trainCount,
          noise_count: noiseCount,
          metric,
          value: m[metric],
        });
      }
    }
  } finally {
    if (!a.keepModel) model.dispose();
  }
  return { rows, classes, model, fitSeconds, predictSeconds };
}
