/**
 * The ground truth of a split's training set, image by image, in the training order the models see (trainItems):
 * each image's true class size (kept good images + injected noise of its class), whether it is injected noise, and
 * whether its class is tail by the benchmark's rule. For diagnostics (TailSampler accuracy, oracle ablations); the
 * methods never read it.
 */
import { Dataset, Manifest } from '../types';
import { trainItems } from './items';
import { TAIL_MAX_COUNT } from './options';

export interface TrainTruth {
  /** Image paths, in the training order. */
  paths: string[];
  /** Class name of each image. */
  classNames: string[];
  /** True class size of each image's class in this split: kept good + injected images. */
  classSizes: Int32Array;
  /** 1 where the image is an injected anomaly (noise). */
  isNoise: Uint8Array;
  /** 1 where the image's class has at most `tailMaxCount` training images (the benchmark's tail rule). */
  isTail: Uint8Array;
}

export function trainTruth(dataset: Dataset, manifest: Manifest, tailMaxCount = TAIL_MAX_COUNT): TrainTruth {
  const items = trainItems(dataset, manifest);
  const size = new Map<string, number>();
  for (const t of items) size.set(t.className, (size.get(t.className) ?? 0) + 1);
  const classSizes = Int32Array.from(items, (t) => size.get(t.className)!);
  return {
    paths: items.map((t) => t.image.path),
    classNames: items.map((t) => t.className),
    classSizes,
    isNoise: Uint8Array.from(items, (t) => (t.isNoise ? 1 : 0)),
    isTail: Uint8Array.from(classSizes, (n) => (n <= tailMaxCount ? 1 : 0)),
  };
}
