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
}

export const TAIL_SAMPLER_DEFAULTS: TailSamplerOptions = {
  thresholdType: 'trim_min',
  vote: 'mode',
  percentile: 0.15,
  trimP: 0.85,
};

/** The names the official TailedCore constructor accepts (docs/method.md §2.3, end). */
export type TailSamplerPresetName = 'ada_trim_min-mode' | 'symmin' | 'double_max_step';

/** Options equal to the official constructor names: 'ada_trim_min-mode' (the paper's default), 'symmin' (vote mean), 'double_max_step' (vote none). */
export function tailSamplerPreset(name: TailSamplerPresetName): TailSamplerOptions {
  switch (name) {
    case 'ada_trim_min-mode':
      return { ...TAIL_SAMPLER_DEFAULTS };
    case 'symmin':
      return { ...TAIL_SAMPLER_DEFAULTS, thresholdType: 'symmin', vote: 'mean' };
    case 'double_max_step':
      return { ...TAIL_SAMPLER_DEFAULTS, thresholdType: 'double_max_step', vote: 'none' };
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
  /** Largest class size that counts as tail: min(elbow, percentile cap). */
  maxK: number;
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
  return {
    classSizes,
    thresholds,
    tailIndices: fs.tailIndices,
    maxK: fs.maxK,
    classHistogram: fs.classHistogram,
    kElbow: fs.kElbow,
    kPct: fs.kPct,
  };
}
