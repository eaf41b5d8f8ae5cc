/** Options of the long-tail noisy split builders; defaults are the paper's (docs/method.md, "Long-tail noisy splits"). */
import { OptionError } from '../../util/errors';
import { checkOneOf, checkRange, checkSeed, resolveOptions } from '../../util/options';

/** Long-tail shape of a split: 'step' (K-shot tail classes) or 'pareto'. The kit's one declaration of it. */
export type TailType = 'step' | 'pareto';
export const TAIL_TYPES: readonly TailType[] = ['step', 'pareto'];

/** The setting's one label in tables, figures and logs: "step K=1", "pareto" (K null or absent: none). */
export function settingLabel(tailType: string, k: number | null | undefined): string {
  return k === null || k === undefined ? tailType : `${tailType} K=${k}`;
}
export type ParetoNoiseCap = 'official' | 'redistribute';
export type NoiseShortfall = 'error' | 'allow';
export const PARETO_NOISE_CAPS: readonly ParetoNoiseCap[] = ['official', 'redistribute'];

/**
 * The benchmark's tail rule, the one constant for it: a class with at most this many training images (injected noise
 * included) is a tail class ([R] analyze_extracted.py:519, "class size <= 20"). Split manifests, results rows,
 * summaries, the oracle ablation and the TailSampler accuracy report all read it through option `tailMaxCount`.
 */
export const TAIL_MAX_COUNT = 20;

/** Every option of a split, resolved (see SplitSpec for the request form and SPLIT_DEFAULTS for the defaults). */
export interface SplitOptions {
  /** Long-tail shape: 'step' (K-shot tail classes) or 'pareto'. @default 'step' */
  tailType: TailType;
  /** Step only: training images kept per tail class (the paper uses 1 and 4). @default 1 */
  k: number;
  /** Share of noise: test anomalies copied into training, in [0, 1). MVTec 0.1, VisA 0.05 in the paper. @default 0.1 */
  noiseRatio: number;
  /** Step only: share of classes that become tail classes, round(#classes * tailRatio). @default 0.6 */
  tailRatio: number;
  /** Pareto only: shape alpha of the Pareto law. @default 6 */
  paretoAlpha: number;
  /** Pareto only: every class keeps at least this many images (fewer only if it has fewer). @default 5 */
  paretoMin: number;
  /** Pareto only: only classes keeping at least this many images receive noise. @default 20 */
  paretoNoiseMinClass: number;
  /**
   * Pareto only: what happens when a class drawn for noise has no anomalies left.
   * 'official': the draw counts it anyway and each class's count is capped at its anomalies afterwards, so fewer
   * than round(noiseRatio * kept) images may be injected ([R] make_tailed_noisy_mvtec.py: sample_name2size, then
   * min(num_samples, #anomalies) in _select_tailed_noises). 'redistribute': the draw skips exhausted classes and
   * keeps drawing from the others until the total is reached (the kit's earlier behaviour; more noise at high ratios).
   * @default 'official'
   */
  paretoNoiseCap: ParetoNoiseCap;
  /**
   * Pareto only: a class keeping at most this many images is marked tail (the [R] analysis rule "class size <= 20";
   * the paper's own head/tail rule for Pareto is not known). @default 20
   */
  tailMaxCount: number;
  /**
   * Keep injected anomalies in the test set too, as the paper does ([J] src/dataset.py keeps them; docs/method.md). With false, `testItems` drops each
   * injected image from its class's test list (SoftPatch's default protocol). @default true
   */
  overlap: boolean;
  /**
   * When the available anomalies cannot supply noiseRatio (more than 0.005 short): 'error' refuses the split;
   * 'allow' builds it and records the realised ratio (rounded to 0.01) as the manifest's `realisedNoiseRatio`. The
   * experiment grid refuses 'allow' (every row there is labelled with the ratio asked for). @default 'error'
   */
  noiseShortfall: NoiseShortfall;
  /** Seed of the split (an integer). Same dataset + options + seed = byte-identical manifest. @default 0 */
  seed: number;
}

export const SPLIT_DEFAULTS: SplitOptions = {
  tailType: 'step',
  k: 1,
  noiseRatio: 0.1,
  tailRatio: 0.6,
  paretoAlpha: 6,
  paretoMin: 5,
  paretoNoiseMinClass: 20,
  paretoNoiseCap: 'official',
  tailMaxCount: TAIL_MAX_COUNT,
  overlap: true,
  noiseShortfall: 'error',
  seed: 0,
};

/**
 * One long-tail noisy split as notebooks, the session, the runner's cells and the pipeline ask for it: the setting
 * (tail type, K, noise ratio), its seed, and any other option of SplitOptions. Every default lives in SPLIT_DEFAULTS.
 * `k: null` means "no K" (Pareto; the grid's cells carry it so); K is ignored for Pareto.
 */
export type SplitSpec = Partial<Omit<SplitOptions, 'k'>> & { k?: number | null };

/** A spec with every default filled in and every option checked; an unknown key is an OptionError naming it. */
export function resolveSplitOptions(spec: SplitSpec | undefined): SplitOptions {
  const { k, ...rest } = spec ?? {};
  const given: Partial<SplitOptions> = k === null || k === undefined ? rest : { ...rest, k };
  const o = resolveOptions(SPLIT_DEFAULTS, given, 'buildSplit');
  checkOneOf('tailType', o.tailType, TAIL_TYPES);
  checkRange('k', o.k, 1, Number.MAX_SAFE_INTEGER, { integer: true });
  checkRange('noiseRatio', o.noiseRatio, 0, 1, { maxOpen: true });
  checkRange('tailRatio', o.tailRatio, 0, 1, { minOpen: true, maxOpen: true });
  checkRange('paretoAlpha', o.paretoAlpha, 0, 1000, { minOpen: true });
  checkRange('paretoMin', o.paretoMin, 1, Number.MAX_SAFE_INTEGER, { integer: true });
  checkOneOf('paretoNoiseCap', o.paretoNoiseCap, PARETO_NOISE_CAPS);
  checkRange('paretoNoiseMinClass', o.paretoNoiseMinClass, 1, Number.MAX_SAFE_INTEGER, { integer: true });
  checkRange('tailMaxCount', o.tailMaxCount, 0, Number.MAX_SAFE_INTEGER, { integer: true });
  checkSeed('seed', o.seed);
  checkOneOf('noiseShortfall', o.noiseShortfall, ['error', 'allow'] as const);
  if (typeof o.overlap !== 'boolean')
    throw new OptionError(`option overlap must be true or false, got ${String(o.overlap)}`);
  return o;
}

/**
 * The options as stored in a manifest: only those that shaped the split, in a fixed key order. The file keeps the key
 * `tail` for the tail type (the manifest format, unchanged so that existing manifests and fingerprints stay valid).
 */
export function manifestOptions(o: SplitOptions): Record<string, unknown> {
  const common = { tail: o.tailType, noiseRatio: o.noiseRatio, overlap: o.overlap };
  return o.tailType === 'step'
    ? { ...common, k: o.k, tailRatio: o.tailRatio }
    : {
        ...common,
        paretoAlpha: o.paretoAlpha,
        paretoMin: o.paretoMin,
        paretoNoiseMinClass: o.paretoNoiseMinClass,
        paretoNoiseCap: o.paretoNoiseCap,
        tailMaxCount: o.tailMaxCount,
      };
}
