/**
 * The one model implementation: a head branch (optionally LOF-denoised, optionally LOF-weighted), an optional tail
 * branch, one memory bank [tail; head], and the shared 1-NN scorer and map builder. PatchCore, SoftPatch and
 * TailedCore (and every ablation) are configurations of this class (./methods, ./factory).
 */
import { FeatureSet } from '../features/types';
import { createRng } from '../util/rng';
import { InputError } from '../util/errors';
import { MemoryBank, makeMemoryBank, scorePatches } from '../scoring/memory-bank';
import { AnomalyModel, Prediction, TrainFeatures } from './types';
import { checkFeatureSet, checkMagnitude, predictionOf } from './feature-checks';
import { MemoryBankModelOptions, resolveModelOptions } from './options';
import { buildHeadBranch, HeadBranchResult } from './head-branch';
import { buildTailBranch } from './tail-branch';
import { CoresetCost } from './tail-notice';
import { coresetParts } from '../sampling/coreset-parallel';

/** What a fit produced, for notebooks and diagnostics. */
export interface ModelInfo {
  /** Rows in the memory bank (tail + head). */
  bankRows: number;
  tailRows: number;
  headRows: number;
  /** Training patch rows. */
  trainPatches: number;
  /** Patch rows left after the LOF filter (all of them without denoising). */
  keptAfterLof: number;
  lofThreshold: number | null;
  /** Tail images (training order), empty without a tail branch. */
  tailImageIndices: Int32Array;
  /** TailSampler's predicted class size per training image (null without TailSampler). */
  predictedClassSizes: Float32Array | null;
  maxK: number | null;
  /** TailSampler's elbow and the paper's max K before the guard (null without TailSampler). */
  kElbow: number | null;
  paperMaxK: number | null;
  /** The guard TailSampler applied ('paper' = the paper's rule; null without TailSampler). */
  tailGuard: string | null;
  /** Rows the tail coreset was drawn from (base + augmented tail patches). */
  tailCandidateRows: number;
  /**
   * Milliseconds per stage. Where TailedCore runs its tail coreset beside the head's (docs/speed.md), the stages
   * overlap, and tailCoreset also counts the time its result waited for the head coreset to free the main thread.
   */
  timings: {
    lof: number;
    headCoreset: number;
    tailSampler: number;
    augmentation: number;
    tailCoreset: number;
    fit: number;
  };
  /** The resolved options the model was fitted with. */
  options: MemoryBankModelOptions;
}

export class MemoryBankModel implements AnomalyModel {
  readonly name: string;
  readonly options: MemoryBankModelOptions;
  private bank: MemoryBank | null = null;
  private fitInfo: ModelInfo | null = null;

  constructor(name: string, options?: Partial<MemoryBankModelOptions>) {
    this.name = name;
    this.options = resolveModelOptions(options, name);
  }

  /** Diagnostics of the last fit; throws before fit. */
  get info(): ModelInfo {
    if (!this.fitInfo) throw new InputError(`${this.name}: no fit yet; call fit(train) first`);
    return this.fitInfo;
  }

  /** The fitted memory bank (read-only use: notebooks, tests). */
  get memoryBank(): MemoryBank {
    if (!this.bank) throw new InputError(`${this.name}: no fit yet; call fit(train) first`);
    return this.bank;
  }

  async fit(train: TrainFeatures): Promise<void> {
    const o = this.options;
    const t0 = performance.now();
    // A failed refit must not leave the previous bank looking fitted.
    this.bank = null;
    this.fitInfo = null;
    const ppi = checkFeatureSet(train, 'training features');
    // TailSampler normalises the image embeddings: a huge value overflows its norm (NaN similarities).
    // (Embeddings a lazy feature store leaves out are checked by the tail branch once loaded.)
    if (o.tail !== null && o.tail !== 'oracle' && !(train.embeddings.cols === 0 && train.loadEmbeddings))
      checkMagnitude(train.embeddings, 'training features (image embeddings)');
    if (o.augmentation && o.tail !== null && typeof train.augmentedPatches !== 'function') {
      // Fail before the expensive stages.
      throw new InputError(
        `${this.name}: option augmentation is '${o.augmentation}' but the training features provide no augmentedPatches; extract the augmentation views or set augmentation: null`,
      );
    }
    // One seed, independent streams per stage (docs/method.md §3.2 "RNG order"): adding draws in one stage never shifts another.
    const rng = createRng(o.seed);
    const lofRng = rng.fork('lof');
    const headRng = rng.fork('head-coreset');
    const tailRng = rng.fork('tail-coreset');

    const { head, tail } = await runBranches(
      (afterLof) => buildHeadBranch(train.patches, train.imageCount, ppi, o, lofRng, headRng, afterLof),
      o.tail === null
        ? null
        : (headCost, detachSmall, gate) =>
            buildTailBranch(train, { ...o, tail: o.tail! }, tailRng, headCost, undefined, detachSmall, gate),
      // Where the head coreset runs on one part, a one-part tail coreset runs beside it on the other core.
      coresetParts(train.patches.rows) === 1,
    );
    this.bank = makeMemoryBank(tail ? tail.features : null, head.features, head.weights);
    this.fitInfo = {
      bankRows: this.bank.tailRows + head.features.rows,
      tailRows: this.bank.tailRows,
      headRows: head.features.rows,
      trainPatches: train.patches.rows,
      keptAfterLof: head.keptRows,
      lofThreshold: head.lofThreshold,
      tailImageIndices: tail ? tail.tailIndices : new Int32Array(0),
      predictedClassSizes: tail ? tail.classSizes : null,
      maxK: tail ? tail.maxK : null,
      kElbow: tail ? tail.kElbow : null,
      paperMaxK: tail ? tail.paperMaxK : null,
      tailGuard: tail ? tail.guard : null,
      tailCandidateRows: tail ? tail.candidateRows : 0,
      timings: {
        lof: head.lofMs,
        headCoreset: head.coresetMs,
        tailSampler: tail ? tail.samplerMs : 0,
        augmentation: tail ? tail.augmentationMs : 0,
        tailCoreset: tail ? tail.coresetMs : 0,
        fit: performance.now() - t0,
      },
      options: o,
    };
  }

  async predict(test: FeatureSet): Promise<Prediction> {
    const bank = this.memoryBank;
    const ppi = checkFeatureSet(test, 'test features');
    // checkFeatureSet has just checked every value (finite and bounded): the scorer need not scan them again.
    const { scores } = await scorePatches(bank, test.patches, { checkedFinite: true });
    checkScores(scores, this.name);
    return predictionOf(scores, test, ppi, this.options.blurSigma);
  }

  dispose(): void {
    this.bank = null;
  }
}

/**
 * The head branch, and the tail branch if any. `overlap`: the tail branch starts first (TailSampler and the views
 * while the head's LOF runs), and a small tail coreset runs detached on a worker thread once the LOF is done, beside
 * the head coreset (the stages draw from independent rng streams, so the results are the same); a larger tail coreset
 * waits for the head's cost, as in sequence. Else: head, then tail. Either way the head coreset's measured cost
 * scales the tail's time estimate where one is printed.
 */
export async function runBranches<H extends HeadBranchResult, T>(
  head: (afterLof: () => void) => Promise<H>,
  tail:
    ((headCost: CoresetCost | Promise<CoresetCost>, detachSmall: boolean, gate: Promise<void>) => Promise<T>) | null,
  overlap: boolean,
): Promise<{ head: H; tail: T | null }> {
  const costOf = (h: H): CoresetCost => ({ rows: h.keptRows, picks: h.features.rows, ms: h.coresetMs });
  if (!tail || !overlap) {
    const h = await head(() => {});
    return { head: h, tail: tail ? await tail(costOf(h), false, Promise.resolve()) : null };
  }
  const deferred = <V>() => {
    let s!: { resolve: (v: V) => void; reject: (e: unknown) => void };
    const p = new Promise<V>((resolve, reject) => (s = { resolve, reject }));
    p.catch(() => {}); // only a waiting tail branch observes it
    return { p, ...s };
  };
  const headCost = deferred<CoresetCost>(),
    lofDone = deferred<void>();
  const t = tail(headCost.p, true, lofDone.p);
  t.catch(() => {}); // awaited below; a failure must not surface as unhandled while the head branch runs
  let h: H;
  try {
    h = await head(() => lofDone.resolve());
  } catch (e) {
    lofDone.reject(e);
    headCost.reject(e);
    await t.catch(() => {});
    throw e;
  }
  lofDone.resolve();
  headCost.resolve(costOf(h));
  return { head: h, tail: await t };
}

/** Patch scores must be finite: an Infinity or NaN here means the inputs or the bank are broken, never a result. */
function checkScores(scores: Float32Array, model: string): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new InputError(
        `${model} scoring: patch score ${scores[i]} at patch ${i}; scores must be finite (check the features' scale and the memory bank)`,
      );
    }
  }
}
