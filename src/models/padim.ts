/**
 * PaDiM (Defard et al. 2021), the one other baseline of the paper's bias figure that needs no training (spec §4.2):
 * one Gaussian per patch position over the whole (unified, noisy) training set, on a seeded random subset of the
 * patch channels; covariance regularised by +0.01·I; the patch score is the Mahalanobis distance to its position's
 * Gaussian. Maps are built like the other models' (bilinear upsample + Gaussian σ = blurSigma) and the image score is
 * the max raw patch score, so the kit's models differ only in how they score a patch.
 * Deviation from the PaDiM paper: its image score is the max of the smoothed full-size map; here it is the max patch
 * score, as every other model of the kit (docs/method.md §3.4). Settings of the TailedCore authors' PaDiM run are unknown.
 */
import { FeatureSet } from '../features/types';
import { InputError } from '../util/errors';
import { checkRange, resolveOptions } from '../util/options';
import { OptionError } from '../util/errors';
import { createRng } from '../util/rng';
import { AnomalyModel, Prediction, TrainFeatures } from './types';
import { checkFeatureSet, predictionOf } from './feature-checks';

export interface PadimOptions {
  /** Patch channels kept (seeded random subset, as PaDiM's 100 of 448 for ResNet18); all channels when the features have fewer. @default 100 */
  channels: number;
  /** Added to each covariance's diagonal (PaDiM's 0.01·I). @default 0.01 */
  regularization: number;
  /** Seed of the channel subset. @default 0 */
  seed: number | string;
  /** Gaussian σ of the anomaly maps in output pixels (0 = no blur). @default 4 */
  blurSigma: number;
}

export const PADIM_DEFAULTS: PadimOptions = { channels: 100, regularization: 0.01, seed: 0, blurSigma: 4 };

/** The fitted Gaussians: per position p, mean (d) and the lower Cholesky factor L of Σ_p (d x d), float64. */
export interface PadimGaussians {
  channels: Int32Array;
  positions: number;
  means: Float64Array;
  cholesky: Float64Array;
}

/** Lower Cholesky factor of a symmetric positive definite d x d matrix (row-major, float64), in place into `out`. */
export function choleskyLower(a: Float64Array, d: number, out: Float64Array, where = 'covariance'): void {
  out.fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= out[i * d + k] * out[j * d + k];
      if (i === j) {
        if (!(s > 0))
          throw new InputError(`${where} is not positive definite (pivot ${i} = ${s}); raise regularization`);
        out[i * d + i] = Math.sqrt(s);
      } else out[i * d + j] = s / out[j * d + j];
    }
  }
}

/** Fits one Gaussian per position on the chosen channels of every training image's patches. */
export function fitPadimGaussians(train: FeatureSet, channels: Int32Array, regularization: number): PadimGaussians {
  const ppi = train.gridH * train.gridW;
  const n = train.imageCount;
  const D = train.patches.cols;
  const d = channels.length;
  if (n < 2) throw new InputError(`PaDiM needs at least 2 training images for a covariance, got ${n}`);
  const means = new Float64Array(ppi * d);
  const cholesky = new Float64Array(ppi * d * d);
  const x = new Float64Array(n * d);
  const cov = new Float64Array(d * d);
  const L = new Float64Array(d * d);
  const src = train.patches.data;
  for (let p = 0; p < ppi; p++) {
    const mu = means.subarray(p * d, (p + 1) * d);
    for (let i = 0; i < n; i++) {
      const o = (i * ppi + p) * D;
      for (let c = 0; c < d; c++) {
        const v = src[o + channels[c]];
        x[i * d + c] = v;
        mu[c] += v;
      }
    }
    for (let c = 0; c < d; c++) mu[c] /= n;
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) x[i * d + c] -= mu[c];
    // Unbiased covariance (numpy.cov, rowvar=False), upper triangle then mirrored.
    cov.fill(0);
    for (let i = 0; i < n; i++) {
      const r = x.subarray(i * d, (i + 1) * d);
      for (let a = 0; a < d; a++) {
        const ra = r[a];
        if (ra === 0) continue;
        for (let b = a; b < d; b++) cov[a * d + b] += ra * r[b];
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        const v = cov[a * d + b] / (n - 1) + (a === b ? regularization : 0);
        cov[a * d + b] = v;
        cov[b * d + a] = v;
      }
    }
    choleskyLower(cov, d, L, `PaDiM covariance at position ${p}`);
    cholesky.set(L, p * d * d);
  }
  return { channels, positions: ppi, means, cholesky };
}

/** Mahalanobis distance of every test patch to its position's Gaussian (forward substitution with L). */
export function padimPatchScores(g: PadimGaussians, test: FeatureSet): Float32Array {
  const ppi = test.gridH * test.gridW;
  if (ppi !== g.positions)
    throw new InputError(
      `PaDiM: test grid ${test.gridH}x${test.gridW} has ${ppi} positions; the fit had ${g.positions}`,
    );
  const d = g.channels.length;
  const D = test.patches.cols;
  const out = new Float32Array(test.imageCount * ppi);
  const y = new Float64Array(d);
  const src = test.patches.data;
  for (let i = 0; i < test.imageCount; i++) {
    for (let p = 0; p < ppi; p++) {
      const o = (i * ppi + p) * D;
      const mu = g.means.subarray(p * d, (p + 1) * d);
      const L = g.cholesky.subarray(p * d * d, (p + 1) * d * d);
      let s = 0;
      for (let a = 0; a < d; a++) {
        let v = src[o + g.channels[a]] - mu[a];
        for (let k = 0; k < a; k++) v -= L[a * d + k] * y[k];
        v /= L[a * d + a];
        y[a] = v;
        s += v * v;
      }
      out[i * ppi + p] = Math.sqrt(s);
    }
  }
  return out;
}

export class Padim implements AnomalyModel {
  readonly name: string;
  readonly options: PadimOptions;
  private gaussians: PadimGaussians | null = null;
  private featureDim = 0;

  constructor(options?: Partial<PadimOptions>, name = 'padim') {
    const o = resolveOptions(PADIM_DEFAULTS, options, 'PaDiM');
    checkRange('channels', o.channels, 1, 1 << 16, { integer: true });
    checkRange('regularization', o.regularization, 0, 1e6, { minOpen: true });
    checkRange('blurSigma', o.blurSigma, 0, 1000);
    if (typeof o.seed !== 'number' && typeof o.seed !== 'string')
      throw new OptionError('PaDiM: option seed must be a number or a string');
    this.name = name;
    this.options = o;
  }

  /** The fitted Gaussians (read-only use: tests, notebooks). */
  get model(): PadimGaussians {
    if (!this.gaussians) throw new InputError(`${this.name}: no fit yet; call fit(train) first`);
    return this.gaussians;
  }

  async fit(train: TrainFeatures): Promise<void> {
    this.gaussians = null;
    checkFeatureSet(train, 'training features');
    const D = train.patches.cols;
    const all = Array.from({ length: D }, (_, c) => c);
    // Ascending channel order, so the subset (not its draw order) defines the model.
    const pick =
      this.options.channels >= D
        ? all
        : createRng(this.options.seed).fork('padim-channels').sample(all, this.options.channels);
    const channels = Int32Array.from(pick).sort();
    this.featureDim = D;
    this.gaussians = fitPadimGaussians(train, channels, this.options.regularization);
  }

  async predict(test: FeatureSet): Promise<Prediction> {
    const g = this.model;
    const ppi = checkFeatureSet(test, 'test features');
    if (test.patches.cols !== this.featureDim)
      throw new InputError(
        `${this.name}: test features have ${test.patches.cols} channels; the fit had ${this.featureDim}`,
      );
    return predictionOf(padimPatchScores(g, test), test, ppi, this.options.blurSigma);
  }

  dispose(): void {
    this.gaussians = null;
  }
}
