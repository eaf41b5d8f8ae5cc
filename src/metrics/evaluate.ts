/**
 * Per-class evaluation: image AUROC and image F1-max from image scores, plus pixel AUROC and AUPRO when anomaly maps
 * and masks are given. Metric names are the kit's column names: image_auroc, pixel_auroc, aupro, f1_max.
 */
import { InputError } from '../util/errors';
import { auroc, pixelAuroc } from './auroc';
import { aupro, checkMapsAndMasks } from './aupro';
import { f1Max } from './f1-max';
import { Scores, Labels } from './validate';

/** The per-class metrics, by their column names in results.csv. */
export const METRIC_NAMES = ['image_auroc', 'pixel_auroc', 'aupro', 'f1_max'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
/** Each metric's title in tables and figures. */
export const METRIC_TITLES: Readonly<Record<MetricName, string>> = {
  image_auroc: 'image AUROC',
  pixel_auroc: 'pixel AUROC',
  aupro: 'AUPRO',
  f1_max: 'F1-max',
};
/** A metric's title; an unknown name shows as itself. */
export function metricTitle(name: string): string {
  return (METRIC_TITLES as Record<string, string>)[name] ?? name;
}

export interface ClassMetrics {
  image_auroc: number;
  pixel_auroc?: number;
  aupro?: number;
  /** Image-level F1-max. */
  f1_max: number;
}

export interface EvaluateClassInput {
  /** One score per test image of the class (raw, never squashed). */
  imageScores: Scores;
  /** One 0/1 label per test image (1 = anomalous). */
  labels: Labels;
  /** imageCount * width * height anomaly-map values, image-major. Give with masks, or leave both out. */
  maps?: Float32Array;
  /** Binary ground-truth masks, same layout as maps. */
  masks?: Uint8Array | ArrayLike<number>;
  /** Map width in pixels (needed with maps). */
  width?: number;
  /** Map height in pixels (needed with maps). */
  height?: number;
  /** AUPRO's FPR limit. @default 0.3 */
  fprLimit?: number;
}

/** Runs one metric; an InputError it throws names the metric (its results.csv key) in front. */
function keyed(metric: MetricName, fn: () => number): number {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`metric ${metric}: ${e.message}`);
    throw e;
  }
}

export function evaluateClass(input: EvaluateClassInput): ClassMetrics {
  const { imageScores, labels, maps, masks } = input;
  const out: ClassMetrics = {
    image_auroc: keyed('image_auroc', () => auroc(imageScores, labels)),
    f1_max: keyed('f1_max', () => f1Max(imageScores, labels).f1),
  };
  if ((maps === undefined) !== (masks === undefined)) {
    throw new InputError(
      `evaluateClass: ${maps ? 'maps given without masks' : 'masks given without maps'}; pass both for pixel metrics, or neither`,
    );
  }
  if (maps && masks) {
    if (input.width === undefined || input.height === undefined)
      throw new InputError('evaluateClass: width and height are needed with maps');
    const images = checkMapsAndMasks(maps, masks, input.width, input.height);
    if (images !== imageScores.length) {
      throw new InputError(
        `evaluateClass: ${images} anomaly maps of ${input.width}x${input.height} but ${imageScores.length} image scores; they must describe the same images`,
      );
    }
    out.pixel_auroc = keyed('pixel_auroc', () => pixelAuroc(maps, masks));
    out.aupro = keyed('aupro', () =>
      aupro(maps, masks, { width: input.width!, height: input.height!, fprLimit: input.fprLimit ?? 0.3 }),
    );
  }
  return out;
}
