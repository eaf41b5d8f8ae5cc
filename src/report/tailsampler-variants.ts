/**
 * TailSampler's threshold types x votes on one similarity matrix, scored with the authors' measures (docs/method.md
 * §2.3, spec §6.5), and their means in the authors' table shape. Pure numbers: the script
 * scripts/ablation-tailsampler.ts does the extraction and the writing.
 */
import {
  GLOBAL_THRESHOLD_TYPES,
  THRESHOLD_TYPES,
  VOTE_TYPES,
  GlobalThresholdType,
  RowThresholdType,
  SimilarityMatrix,
  ThresholdType,
  VoteType,
  globalThreshold,
  rowCounts,
  rowThresholds,
  voteClassSizes,
} from '../sampling/class-size';
import { predictFewShot } from '../sampling/few-shot';
import { TAIL_SAMPLER_DEFAULTS } from '../sampling/tail-sampler';
import { InputError } from '../util/errors';
import { TailAccuracy, tailAccuracy } from './tail-accuracy';

export interface VariantScore extends TailAccuracy {
  thresholdType: ThresholdType;
  vote: VoteType;
  /** null when the variant failed on this split (e.g. double_min_bin_count without a usable histogram). */
  error: string | null;
}

/** Every threshold type x vote of the official code, in the kit's order. */
export function allVariants(): { thresholdType: ThresholdType; vote: VoteType }[] {
  return THRESHOLD_TYPES.flatMap((thresholdType) => VOTE_TYPES.map((vote) => ({ thresholdType, vote })));
}

/**
 * Scores every variant on one split. Thresholds and counts are computed once per threshold type and shared by its votes.
 * A threshold type that throws an InputError on this split is recorded (error set, measures NaN), not fatal.
 */
export function scoreVariants(
  S: SimilarityMatrix,
  truth: { trueSizes: ArrayLike<number>; isNoise: ArrayLike<boolean> },
  opts: { percentile?: number; trimP?: number; variants?: { thresholdType: ThresholdType; vote: VoteType }[] } = {},
): VariantScore[] {
  const percentile = opts.percentile ?? TAIL_SAMPLER_DEFAULTS.percentile;
  const trimP = opts.trimP ?? TAIL_SAMPLER_DEFAULTS.trimP;
  const variants = opts.variants ?? allVariants();
  const out: VariantScore[] = [];
  const byType = new Map<ThresholdType, VoteType[]>();
  for (const v of variants) byType.set(v.thresholdType, [...(byType.get(v.thresholdType) ?? []), v.vote]);
  for (const [type, votes] of byType) {
    let th: Float32Array | null = null;
    let error: string | null = null;
    try {
      th = (GLOBAL_THRESHOLD_TYPES as readonly string[]).includes(type)
        ? new Float32Array(S.n).fill(globalThreshold(S, type as GlobalThresholdType))
        : rowThresholds(S, type as RowThresholdType, trimP);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      error = e.message;
    }
    const counts = th ? rowCounts(S, th) : null;
    for (const vote of votes) {
      if (!th || !counts) {
        out.push({ thresholdType: type, vote, error, ...nanAccuracy() });
        continue;
      }
      const sizes = voteClassSizes(S, th, counts, vote);
      const fs = predictFewShot(sizes, { percentile });
      const selected = new Uint8Array(S.n);
      for (const i of fs.tailIndices) selected[i] = 1;
      out.push({
        thresholdType: type,
        vote,
        error: null,
        ...tailAccuracy(truth.trueSizes, selected, truth.isNoise, sizes),
      });
    }
  }
  return out;
}

function nanAccuracy(): TailAccuracy {
  return {
    trueTail: NaN,
    selected: NaN,
    missingTailPct: NaN,
    inclAnomalyPct: NaN,
    inclHeadPct: NaN,
    sizeError: NaN,
    accuracyPct: NaN,
    mcc: NaN,
  };
}

/** The six measures of the authors' table, in their column order. */
export const VARIANT_MEASURES = [
  'missingTailPct',
  'inclAnomalyPct',
  'inclHeadPct',
  'sizeError',
  'accuracyPct',
  'mcc',
] as const;
export type VariantMeasure = (typeof VARIANT_MEASURES)[number];

export interface VariantRow {
  family: string;
  setting: string;
  seed: number;
  score: VariantScore;
}

export interface VariantMean {
  /** '' for the mean over every family and setting. */
  family: string;
  setting: string;
  thresholdType: ThresholdType;
  vote: VoteType;
  /** Splits that entered the mean (failed splits are left out and counted in `failed`). */
  n: number;
  failed: number;
  means: Record<VariantMeasure, number>;
}

/**
 * Means over seeds per (family, setting, variant), then the mean over all (family, setting) cells per variant (the
 * authors' "all six" rows: a mean of cell means). A cell whose splits all failed is NaN and makes the overall NaN.
 */
export function meanVariants(rows: readonly VariantRow[]): { cells: VariantMean[]; overall: VariantMean[] } {
  const key = (r: { family: string; setting: string; thresholdType: string; vote: string }) =>
    `${r.family}\u0000${r.setting}\u0000${r.thresholdType}\u0000${r.vote}`;
  const groups = new Map<string, VariantRow[]>();
  for (const r of rows) {
    const k = key({ family: r.family, setting: r.setting, ...r.score });
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const cells: VariantMean[] = [];
  for (const g of groups.values()) {
    const ok = g.filter((r) => r.score.error === null);
    const means = {} as Record<VariantMeasure, number>;
    for (const m of VARIANT_MEASURES) means[m] = ok.length ? ok.reduce((s, r) => s + r.score[m], 0) / ok.length : NaN;
    const { family, setting } = g[0];
    const { thresholdType, vote } = g[0].score;
    cells.push({ family, setting, thresholdType, vote, n: ok.length, failed: g.length - ok.length, means });
  }
  const byVariant = new Map<string, VariantMean[]>();
  for (const c of cells) {
    const k = `${c.thresholdType}\u0000${c.vote}`;
    byVariant.set(k, [...(byVariant.get(k) ?? []), c]);
  }
  const overall: VariantMean[] = [];
  for (const g of byVariant.values()) {
    const means = {} as Record<VariantMeasure, number>;
    for (const m of VARIANT_MEASURES) means[m] = g.reduce((s, c) => s + c.means[m], 0) / g.length;
    overall.push({
      family: '',
      setting: `all ${g.length}`,
      thresholdType: g[0].thresholdType,
      vote: g[0].vote,
      n: g.reduce((s, c) => s + c.n, 0),
      failed: g.reduce((s, c) => s + c.failed, 0),
      means,
    });
  }
  return { cells, overall };
}
