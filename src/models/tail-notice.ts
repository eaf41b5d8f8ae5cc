/**
 * What the tail branch says before its coreset (issue 17, "say why a cell is slow"): one line with the selected
 * images, the augmentation views, the tail bank rows, the elbow K / max K and an estimated time; and one warning
 * line when TailSampler selected far more images than its own histogram's tail implies. Pure: builds the text, the
 * caller writes it.
 */
import { fmtSeconds } from '../util/progress';

/** A measured coreset run (rows in, picks out, milliseconds) used to scale the time estimate. */
export interface CoresetCost {
  rows: number;
  picks: number;
  ms: number;
}

export interface TailNoticeInput {
  /** Selected tail images. */
  selected: number;
  /** Augmentation views per image (0 without augmentation). */
  views: number;
  /** Patches per image. */
  patchesPerImage: number;
  /** Rows of the tail coreset's input (base + augmented patches). */
  rows: number;
  /** Picks the tail coreset will make. */
  picks: number;
  /** TailSampler's numbers; null for the oracle. */
  sampler: {
    kElbow: number;
    maxK: number;
    /** Estimated class sizes, descending (TailSampler's histogram). */
    classHistogram: readonly number[];
    /** The guard that chose maxK ('paper' = the paper's rule). */
    guard: string;
  } | null;
  /** A coreset that already ran in this fit (the head's), to scale the estimate; null: no estimate. */
  reference: CoresetCost | null;
  /** The tail coreset runs on a worker thread beside the head branch (then there is no reference yet). */
  beside?: boolean;
}

/**
 * The warning fires when the selection is more than this many times what the histogram's tail implies:
 * (estimated tail classes) x (their median size). A tail of many small classes plus one blurred head class of 55
 * (the over-selection case of issue 17) gives a median of a few images, so 80 selected against ~10 implied warns;
 * a Pareto tail of 1-20 has its median near the middle, and selected stays within ~2x of the implied count.
 */
export const OVER_SELECTION_FACTOR = 3;

/** Images the histogram's tail implies: number of estimated classes <= maxK times their median size. */
export function impliedTailImages(classHistogram: readonly number[], maxK: number): number {
  const tail = classHistogram.filter((k) => k <= maxK).sort((a, b) => a - b);
  if (tail.length === 0) return 0;
  const m = tail.length;
  const median = m % 2 ? tail[(m - 1) / 2] : (tail[m / 2 - 1] + tail[m / 2]) / 2;
  return m * median;
}

/**
 * Greedy coreset work grows with rows x picks (each pick updates every row's distance): scaled from a measured run.
 * Returns seconds, or null without a usable reference.
 */
export function estimateCoresetSeconds(rows: number, picks: number, ref: CoresetCost | null): number | null {
  if (!ref || ref.rows <= 0 || ref.picks <= 0 || !(ref.ms > 0)) return null;
  return (ref.ms / 1000) * ((rows * picks) / (ref.rows * ref.picks));
}

export function tailNotice(x: TailNoticeInput): { line: string; warning: string | null } {
  const est = estimateCoresetSeconds(x.rows, x.picks, x.reference);
  const views = x.views > 0 ? ` x ${x.views + 1} views (base + ${x.views} augmented)` : '';
  const k = x.sampler
    ? `, elbow K ${x.sampler.kElbow}, max K ${x.sampler.maxK} (guard '${x.sampler.guard}')`
    : ' (oracle)';
  const line =
    `tail branch: ${x.selected} images${views} x ${x.patchesPerImage} patches = ${x.rows} tail bank rows, ` +
    `${x.picks} coreset picks${k}; ${x.beside ? 'runs beside the head branch' : `estimated ${est === null ? '?' : fmtSeconds(est)}`}`;
  let warning: string | null = null;
  if (x.sampler) {
    const implied = impliedTailImages(x.sampler.classHistogram, x.sampler.maxK);
    if (implied > 0 && x.selected > OVER_SELECTION_FACTOR * implied) {
      warning =
        `warning: TailSampler selected ${x.selected} tail images, more than ${OVER_SELECTION_FACTOR}x the ${implied} its histogram's tail implies ` +
        `(${x.sampler.classHistogram.filter((v) => v <= x.sampler!.maxK).length} estimated classes <= max K ${x.sampler.maxK}, median size x count): ` +
        `a large estimated class became the elbow. The tail option's 'guard' bounds this (e.g. tail: { guard: 'gap' }); ` +
        `'percentile' caps the share of images`;
    }
  }
  return { line, warning };
}
