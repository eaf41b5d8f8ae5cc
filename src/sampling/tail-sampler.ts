/**
 * TailSampler (docs/method.md §2): finds the training images of rare ("tail") classes from image embeddings alone.
 * Cosine self-similarity -> one class size per image (threshold + vote, ./class-size) -> few-shot selection
 * (./few-shot). Default = the paper's 'ada_trim_min-mode': per-row trim_min thresholds and a mode vote.
 */
import { Matrix, assertFinite, normalizeRows } from '../linalg/matrix';
import { matmulTransposed } from '../linalg';
import { InputError, OptionError } from '../util/errors';
import { resolveOptions, checkRange, checkOneOf } from '../util/options';
import {
  THRESHOLD_TYPES,
  VOTE_TYPES,
  GLOBAL_THRESHOLD_TYPES,
  ThresholdType,
  VoteType,
  GlobalThresholdType,
  RowThresholdType,
  SimilarityMatrix,
  rowThresholds,
  globalThreshold,
  rowCounts,
  voteClassSizes,
} from './class-size';
import { checkMatrixArg } from '../linalg/matrix-arg';
import { predictFewShot } from './few-shot';
import { TAIL_GUARDS, TailGuard, guardMaxK } from './tail-guard';
import { TAIL_MAX_COUNT } from '../data/splits/options';

export interface TailSamplerOptions {
  /**
   * How each image's similarity threshold is chosen (docs/method.md §2.3). Per-row ("adaptive"): 'trim_min', 'half_min',
   * 'truncate_min', 'max_step', 'double_max_step', 'max_step_min_num_neighbors', 'double_min_bin_count',
   * 'min_kde', 'double_min_kde', 'ruled_max_step'. One global threshold: 'symmin', 'symavg', 'indep'.
   * @default 'trim_min'
   */
  thresholdType: ThresholdType;
  /** How the count map becomes one class size per image: 'mode' (ties to the smallest), 'mean', 'none', 'nearest'. @default 'mode' */
  vote: VoteType;
  /** Few-shot percentile cap: the tail holds at most this share of the images (>= 1 switches the cap off). @default 0.15 */
  percentile: number;
  /** Share kept by 'trim_min' (hard-coded 0.85 in the reference; 'truncate_min' is the same rule at 0.5). @default 0.85 */
  trimP: number;
  /**
   * A guard on max K after the paper's elbow + percentile cap (./tail-guard): 'paper' (none: the paper's rule),
   * 'bound' (max K <= tailBound), 'gap' (cut below the first large jump in the estimated class sizes), 'gap-bound'.
   * Deviation from the paper (issue 17): the default is 'bound'; 'paper' is the paper's rule (docs/method.md §6).
   * @default 'bound'
   */
  guard: TailGuard;
  /** 'bound' / 'gap-bound': the largest max K allowed. @default TAIL_MAX_COUNT (20) */
  tailBound: number;
  /** 'gap' / 'gap-bound': a jump to at least this many times the previous estimated class size ... @default 2 */
  gapRatio: number;
  /** ... and at least this many images larger is a gap. @default 10 */
  gapMin: number;
}

export const TAIL_SAMPLER_DEFAULTS: TailSamplerOptions = {
  thresholdType: 'trim_min',
  vote: 'mode',
  percentile: 0.15,
  trimP: 0.85,
  // Deviation: the paper has no guard. With 'paper' the elbow can land on a head class blurred into a pseudo-class of
  // 40-55 images and every image of it becomes "tail" (synthetic step K=1: 59-68 selected for 7 true tail images,
  // a tail bank 8-10x too large; real images: 83 for 7). 'bound' caps max K at the tail bound; measured on three
  // generated families x 3 settings x seeds 0-4 (scripts/tail-selection.ts; docs/method.md §6).
  guard: 'bound',
  tailBound: TAIL_MAX_COUNT,
  gapRatio: 2,
  gapMin: 10,
};

/** The names the official TailedCore constructor accepts (docs/method.md §2.3, end). */
export type TailSamplerPresetName = 'ada_trim_min-mode' | 'symmin' | 'double_max_step';

/** Options equal to the official constructor names: 'ada_trim_min-mode' (the paper's default), 'symmin' (vote mean), 'double_max_step' (vote none); always guard 'paper'. */
export function tailSamplerPreset(name: TailSamplerPresetName): TailSamplerOptions {
  switch (name) {
    // The official constructors know no guard: a preset is the paper's rule whatever the kit's default guard is.
    case 'ada_trim_min-mode':
      return { ...TAIL_SAMPLER_DEFAULTS, thresholdType: 'trim_min', vote: 'mode', guard: 'paper' };
    case 'symmin':
      return { ...TAIL_SAMPLER_DEFAULTS, thresholdType: 'symmin', vote: 'mean', guard: 'paper' };
    case 'double_max_step':
      return { ...TAIL_SAMPLER_DEFAULTS, thresholdType: 'double_max_step', vote: 'none', guard: 'paper' };
    default:
      throw new OptionError(
        `tailSamplerPreset: unknown preset "${String(name)}" (known: ada_trim_min-mode, symmin, double_max_step)`,
      );
  }
}

export interface TailSamplerResult {
  /** Predicted class size of each image (float32, unrounded, as the reference's vote returns it). */
  classSizes: Float32Array;
  /** Indices (ascending) of the images predicted to be in tail classes: classSizes[i] <= maxK. */
  tailIndices: Int32Array;
  /** Largest class size that counts as tail: min(elbow, percentile cap), lowered by the guard. */
  maxK: number;
  /** The paper's max K, min(elbow, percentile cap), before the guard. */
  paperMaxK: number;
  /** The guard that was applied ('paper' = none). */
  guard: TailGuard;
  /** The similarity threshold of each row (the same value in every row for the global types). */
  thresholds: Float32Array;
  /** Estimated class sizes, descending. */
  classHistogram: number[];
  /** Elbow of classHistogram. */
  kElbow: number;
  /** Percentile cap; null when switched off. */
  kPct: number | null;
}

/**
 * Cosine self-similarity S = X̂ X̂ᵀ of the row-normalised embeddings (float32, n x n) through the linalg engine.
 * An all-zero row has no direction: that is an error, not a silent similarity of 0.
 */
export async function selfSimilarity(embeddings: Matrix): Promise<SimilarityMatrix> {
  checkMatrixArg(embeddings, 'embeddings', 'selfSimilarity');
  assertFinite(embeddings, 'tailSampler embeddings');
  for (let i = 0; i < embeddings.rows; i++) {
    let any = false;
    const o = i * embeddings.cols;
    for (let c = 0; c < embeddings.cols && !any; c++) any = embeddings.data[o + c] !== 0;
    if (!any)
      throw new InputError(
        `tailSampler embeddings: row ${i} is all zeros, so its cosine similarity is undefined; check the embedding of image ${i}`,
      );
  }
  const x = normalizeRows(embeddings);
  const s = await matmulTransposed(x, x);
  if (s.rows !== embeddings.rows || s.cols !== embeddings.rows) {
    throw new InputError(
      `tailSampler: similarity engine returned ${s.rows}x${s.cols} for ${embeddings.rows} embeddings`,
    );
  }
  return { data: s.data, n: s.rows };
}

/** TailSampler's options with defaults, checked (unknown keys, values); what model constructors check a tail option with. */
export function resolveTailSamplerOptions(given: unknown, where: string): TailSamplerOptions {
  const o = resolveOptions(TAIL_SAMPLER_DEFAULTS, given as Partial<TailSamplerOptions> | undefined, where);
  validate(o);
  return o;
}

function validate(o: TailSamplerOptions): void {
  checkOneOf('thresholdType', o.thresholdType, THRESHOLD_TYPES);
  checkOneOf('vote', o.vote, VOTE_TYPES);
  checkRange('percentile', o.percentile, 0, 1, { minOpen: true });
  checkRange('trimP', o.trimP, 0, 1, { minOpen: true });
  checkOneOf('guard', o.guard, TAIL_GUARDS);
  checkRange('tailBound', o.tailBound, 1, Number.MAX_SAFE_INTEGER);
  checkRange('gapRatio', o.gapRatio, 1, Number.MAX_SAFE_INTEGER);
  checkRange('gapMin', o.gapMin, 0, Number.MAX_SAFE_INTEGER);
}

/** Thresholds, counts and votes on a given similarity matrix (the part of tailSampler after S). */
export function predictClassSizes(
  S: SimilarityMatrix,
  options?: Partial<TailSamplerOptions>,
): { classSizes: Float32Array; thresholds: Float32Array } {
  const o = resolveOptions(TAIL_SAMPLER_DEFAULTS, options, 'predictClassSizes');
  validate(o);
  if (S.n < 2) throw new InputError(`tailSampler needs at least 2 embeddings, got ${S.n}`);
  if (S.data.length !== S.n * S.n) throw new InputError(`similarity matrix: ${S.data.length} values for ${S.n}x${S.n}`);
  let thresholds: Float32Array;
  if ((GLOBAL_THRESHOLD_TYPES as readonly string[]).includes(o.thresholdType)) {
    thresholds = new Float32Array(S.n).fill(globalThreshold(S, o.thresholdType as GlobalThresholdType));
  } else {
    thresholds = rowThresholds(S, o.thresholdType as RowThresholdType, o.trimP);
  }
  const counts = rowCounts(S, thresholds);
  return { classSizes: voteClassSizes(S, thresholds, counts, o.vote), thresholds };
}

/**
 * TailSampler on image embeddings (N x D, e.g. the 2048-d avgpool of WRN50; non-negative in the paper).
 * Memory: one N x N float32 similarity matrix plus O(N) (N = 5000 -> 100 MB).
 */
export async function tailSampler(
  embeddings: Matrix,
  options?: Partial<TailSamplerOptions>,
): Promise<TailSamplerResult> {
  checkMatrixArg(embeddings, 'embeddings', 'tailSampler');
  const o = resolveTailSamplerOptions(options, 'tailSampler');
  assertFinite(embeddings, 'tailSampler embeddings');
  if (embeddings.rows < 2) throw new InputError(`tailSampler needs at least 2 embeddings, got ${embeddings.rows}`);
  const S = await selfSimilarity(embeddings);
  const { classSizes, thresholds } = predictClassSizes(S, o);
  const fs = predictFewShot(classSizes, { percentile: o.percentile });
  const maxK = guardMaxK(fs.classHistogram, fs.maxK, o);
  return {
    classSizes,
    thresholds,
    tailIndices: maxK === fs.maxK ? fs.tailIndices : tailIndicesAtMost(classSizes, maxK),
    maxK,
    paperMaxK: fs.maxK,
    guard: o.guard,
    classHistogram: fs.classHistogram,
    kElbow: fs.kElbow,
    kPct: fs.kPct,
  };
}

/** Indices (ascending) of the images whose predicted class size is <= maxK. */
function tailIndicesAtMost(classSizes: Float32Array, maxK: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < classSizes.length; i++) if (classSizes[i] <= maxK) out.push(i);
  return Int32Array.from(out);
}
