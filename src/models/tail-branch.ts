/**
 * Tail branch, docs/method.md §3.2 step 3: pick the tail images (TailSampler on the image embeddings, or the oracle's true
 * tail classes), take all their patches plus their augmentation views, and build a greedy coreset of those.
 */
import { Matrix, assertFinite, concatRows, takeRows } from '../linalg/matrix';
import { greedyCoresetParallel } from '../sampling/coreset';
import { coresetParts } from '../sampling/coreset-parallel';
import { progress } from '../util/progress';
import { Rng } from '../util/rng';
import { InputError, OptionError } from '../util/errors';
import { TrainFeatures, AugmentationType } from './types';
import { TailChoice } from './options';
import { AUGMENTATION_VIEWS } from '../features/augment';
import { tailSampler } from '../sampling/tail-sampler';
import { TAIL_MAX_COUNT } from '../data/splits/options';
import { CoresetCost, tailNotice } from './tail-notice';

export interface TailBranchOptions {
  tail: Exclude<TailChoice, null>;
  oracleTailClasses: string[] | null;
  tailMaxCount: number;
  augmentation: AugmentationType | null;
  tailCoresetRatio: number;
  projDim: number;
}

export interface TailBranchResult {
  /** Coreset rows (original dimension); 0 rows when no tail image was selected. */
  features: Matrix;
  /** Selected tail images, ascending training order. */
  tailIndices: Int32Array;
  /** TailSampler's predicted class size per training image (null for the oracle). */
  classSizes: Float32Array | null;
  /** TailSampler's cut (null for the oracle). */
  maxK: number | null;
  /** TailSampler's elbow of its estimated class histogram (null for the oracle). */
  kElbow: number | null;
  /** The paper's max K before the guard (null for the oracle). */
  paperMaxK: number | null;
  /** The guard that set maxK ('paper' = the paper's elbow + percentile cap; null for the oracle). */
  guard: string | null;
  /** Rows the coreset ran on (base + augmented patches). */
  candidateRows: number;
  samplerMs: number;
  augmentationMs: number;
  coresetMs: number;
}

/**
 * Image indices of the classes named in `tailClasses`, or, when it is null, of every class with at most
 * `tailMaxCount` training images (ablation: the split's true tail).
 */
export function oracleTailIndices(
  classNames: string[] | undefined,
  tailClasses: string[] | null,
  imageCount: number,
  tailMaxCount = TAIL_MAX_COUNT,
): Int32Array {
  if (!classNames)
    throw new InputError(
      "tail: 'oracle' needs train.classNames (the class of every training image); the feature set has none",
    );
  if (classNames.length !== imageCount)
    throw new InputError(`train.classNames has ${classNames.length} entries for ${imageCount} images`);
  if (tailClasses === null) {
    const counts = new Map<string, number>();
    for (const c of classNames) counts.set(c, (counts.get(c) ?? 0) + 1);
    tailClasses = [...counts].filter(([, n]) => n <= tailMaxCount).map(([c]) => c);
  }
  const present = new Set(classNames);
  const missing = tailClasses.filter((c) => !present.has(c));
  if (missing.length)
    throw new OptionError(
      `option oracleTailClasses names classes that are not in the training set: ${missing.join(', ')}`,
    );
  const want = new Set(tailClasses);
  const out: number[] = [];
  classNames.forEach((c, i) => {
    if (want.has(c)) out.push(i);
  });
  return Int32Array.from(out);
}

export async function buildTailBranch(
  train: TrainFeatures,
  o: TailBranchOptions,
  coresetRng: Rng,
  /**
   * A coreset already run in this fit (the head's), to estimate the tail coreset's time in the notice line; a promise
   * is awaited only where the tail coreset does not run detached (below).
   */
  costReference: CoresetCost | null | Promise<CoresetCost | null> = null,
  /** Where the notice and warning lines go; default stderr, silent with TAILEDCORE_QUIET=1. */
  log: (line: string) => void = defaultLog,
  /**
   * Run a one-part tail coreset on a worker thread (greedyCoresetParallel's `detached`), so that the caller can run
   * the head branch meanwhile. A larger tail bank waits for costReference and runs on all cores as before.
   */
  detachSmall = false,
  /** A detached tail coreset starts only once this settles (the head's LOF done: both use all cores). */
  gate: Promise<unknown> = Promise.resolve(),
): Promise<TailBranchResult> {
  const t0 = performance.now();
  const ppi = train.gridH * train.gridW;
  let tailIndices: Int32Array;
  let classSizes: Float32Array | null = null;
  let maxK: number | null = null;
  let kElbow: number | null = null;
  let guard: string | null = null;
  let paperMaxK: number | null = null;
  let classHistogram: number[] = [];
  if (o.tail === 'oracle') {
    tailIndices = oracleTailIndices(train.classNames, o.oracleTailClasses, train.imageCount, o.tailMaxCount);
  } else {
    // A lazy feature store computes the embeddings here, for the training images only.
    const embeddings =
      train.embeddings.cols === 0 && train.loadEmbeddings ? await train.loadEmbeddings() : train.embeddings;
    assertFinite(embeddings, 'image embeddings (TailSampler input)');
    if (embeddings.rows !== train.imageCount) {
      throw new InputError(`image embeddings have ${embeddings.rows} rows for ${train.imageCount} training images`);
    }
    // One step (its N x N similarity and per-row loops have no inner counter): a closing line when it took > 1 s.
    const bar = progress(`TailSampler (${train.imageCount} images)`, 1, {
      unit: 'stage',
      finalLine: 'ifShown',
      intervalMs: 1000,
    });
    const r = await tailSampler(embeddings, o.tail);
    bar.tick();
    bar.done();
    tailIndices = r.tailIndices;
    classSizes = r.classSizes;
    maxK = r.maxK;
    kElbow = r.kElbow;
    guard = r.guard;
    paperMaxK = r.paperMaxK;
    classHistogram = r.classHistogram;
  }
  // Loader order (ascending) for the base patches, as the official code gathers them.
  tailIndices = Int32Array.from(tailIndices).sort();
  for (const i of tailIndices) {
    if (!(i >= 0 && i < train.imageCount))
      throw new InputError(`tail image index ${i} is outside [0, ${train.imageCount})`);
  }
  const t1 = performance.now();
  if (tailIndices.length === 0) {
    return {
      features: { data: new Float32Array(0), rows: 0, cols: train.patches.cols },
      tailIndices,
      classSizes,
      maxK,
      kElbow,
      paperMaxK,
      guard,
      candidateRows: 0,
      samplerMs: t1 - t0,
      augmentationMs: 0,
      coresetMs: 0,
    };
  }
  const rows = new Int32Array(tailIndices.length * ppi);
  tailIndices.forEach((img, k) => {
    for (let p = 0; p < ppi; p++) rows[k * ppi + p] = img * ppi + p;
  });
  const parts: Matrix[] = [takeRows(train.patches, rows)];
  if (o.augmentation) parts.push(await augmentedTailPatches(train, tailIndices, o.augmentation));
  const pool = parts.length > 1 ? concatRows(parts) : parts[0];
  const t2 = performance.now();
  const detached = detachSmall && coresetParts(pool.rows) === 1;
  const reference = detached ? null : await costReference;
  if (detached) await gate;
  const t2c = performance.now(); // the coreset's clock starts after any wait for the head
  const notice = tailNotice({
    selected: tailIndices.length,
    views: o.augmentation ? AUGMENTATION_VIEWS[o.augmentation] : 0,
    patchesPerImage: ppi,
    rows: pool.rows,
    picks: Math.max(1, Math.floor(pool.rows * o.tailCoresetRatio)),
    sampler: maxK === null ? null : { kElbow: kElbow!, maxK, classHistogram, guard: guard! },
    reference,
    beside: detached,
  });
  log(notice.line);
  if (notice.warning) log(notice.warning);
  const picks = await greedyCoresetParallel(pool, coresetRng, {
    ratio: o.tailCoresetRatio,
    projDim: o.projDim,
    progress: true,
    label: 'tail coreset',
    detached,
    // the training patches were checked at fit, the views by augmentedTailPatches
    checkedFinite: true,
  });
  const features = takeRows(pool, picks);
  const t3 = performance.now();
  return {
    features,
    tailIndices,
    classSizes,
    maxK,
    kElbow,
    paperMaxK,
    guard,
    candidateRows: pool.rows,
    samplerMs: t1 - t0,
    augmentationMs: t2 - t1,
    coresetMs: t3 - t2c,
  };
}

function defaultLog(line: string): void {
  if (process.env.TAILEDCORE_QUIET !== '1') process.stderr.write(line + '\n');
}

async function augmentedTailPatches(
  train: TrainFeatures,
  tailIndices: Int32Array,
  type: AugmentationType,
): Promise<Matrix> {
  if (typeof train.augmentedPatches !== 'function') {
    throw new OptionError(
      `option augmentation is '${type}' but the training features provide no augmentedPatches; extract the augmentation views or set augmentation: null`,
    );
  }
  const aug = await train.augmentedPatches(Array.from(tailIndices), type);
  const want = tailIndices.length * AUGMENTATION_VIEWS[type] * train.gridH * train.gridW;
  if (aug.cols !== train.patches.cols || aug.rows !== want) {
    throw new InputError(
      `augmentedPatches('${type}') returned ${aug.rows}x${aug.cols}; expected ${want}x${train.patches.cols} (${tailIndices.length} images x ${AUGMENTATION_VIEWS[type]} views x ${train.gridH * train.gridW} patches)`,
    );
  }
  assertFinite(aug, `augmented patch features ('${type}')`);
  return aug;
}
