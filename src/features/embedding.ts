/**
 * Image-level embeddings for TailSampler, as pure functions on one HWC feature map (LayerMap).
 *
 * The paper's embedding is the raw global average pool of WRN50's last stage, compared by cosine
 * ([J] src/feature_embedder.py:138-141, src/class_size.py:15-29). The kit's bundled nets are mid-level ImageNet
 * layers, whose average pool separates classes poorly (assets/backbones/README.md); these functions give the
 * alternatives the kit measured: max, generalised-mean (GeM) and second-order pooling, signed square roots, parts
 * normalised before concatenation, and flip averaging.
 *
 * Every function accumulates in float64 and returns a fresh Float32Array.
 */
import { LayerMap } from './types';
import { InputError, OptionError } from '../util/errors';
import { Rng } from '../util/rng';

/** Spatial pooling of one map into one vector. */
export type PoolKind = 'mean' | 'max' | 'gem' | 'meanmax' | 'cov' | 'gram' | 'rcov';
export const POOL_KINDS: readonly PoolKind[] = ['mean', 'max', 'gem', 'meanmax', 'cov', 'gram', 'rcov'];
/** 'rcov' (outlier-robust covariance) drops this share of an image's patches, those farthest from its mean. */
export const ROBUST_COV_TRIM = 0.1;

function checkMap(m: LayerMap, where: string): void {
  if (
    !m ||
    !(m.data instanceof Float32Array) ||
    m.data.length !== m.height * m.width * m.channels ||
    m.height * m.width < 1
  ) {
    throw new InputError(`${where}: feature map must be HWC float32 with height*width*channels values`);
  }
}

/** Global average pool: v_c = mean over positions of x(p, c). */
export function poolMean(m: LayerMap): Float32Array {
  checkMap(m, 'poolMean');
  const C = m.channels,
    P = m.height * m.width,
    acc = new Float64Array(C);
  for (let p = 0; p < P; p++) for (let c = 0; c < C; c++) acc[c] += m.data[p * C + c];
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) out[c] = acc[c] / P;
  return out;
}

/** Global max pool: v_c = max over positions of x(p, c). */
export function poolMax(m: LayerMap): Float32Array {
  checkMap(m, 'poolMax');
  const C = m.channels,
    P = m.height * m.width,
    out = new Float32Array(C).fill(-Infinity);
  for (let p = 0; p < P; p++) for (let c = 0; c < C; c++) if (m.data[p * C + c] > out[c]) out[c] = m.data[p * C + c];
  return out;
}

/**
 * Generalised mean (GeM, Radenović et al. 2018): v_c = (mean_p max(x, eps)^p)^(1/p). p = 1 is the average pool
 * (of the clamped map), p → ∞ the max pool. Negative activations are clamped to eps (GeM assumes post-ReLU maps).
 */
export function poolGeM(m: LayerMap, p = 3, eps = 1e-6): Float32Array {
  checkMap(m, 'poolGeM');
  if (!(p > 0) || !Number.isFinite(p)) throw new OptionError(`poolGeM: p must be a positive number, got ${p}`);
  const C = m.channels,
    P = m.height * m.width,
    acc = new Float64Array(C);
  for (let q = 0; q < P; q++) for (let c = 0; c < C; c++) acc[c] += Math.pow(Math.max(m.data[q * C + c], eps), p);
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) out[c] = Math.pow(acc[c] / P, 1 / p);
  return out;
}

/** L2 normalisation (a zero vector stays zero). Returns a copy. */
export function l2Normalize(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s),
    out = new Float32Array(v.length);
  if (n > 0) for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

/** Signed square root, sign(x)·sqrt(|x|) elementwise ("power normalisation"). Returns a copy. */
export function signedSqrt(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] < 0 ? -Math.sqrt(-v[i]) : Math.sqrt(v[i]);
  return out;
}

/** Concatenation of the parts, each L2-normalised first (so each part has the same say in a cosine). */
export function concatNormalized(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(l2Normalize(p), off);
    off += p.length;
  }
  return out;
}

/** Mean and max pool, each L2-normalised, side by side (2C). */
export function poolMeanMax(m: LayerMap): Float32Array {
  return concatNormalized([poolMean(m), poolMax(m)]);
}

/** Flip averaging: the mean of the embedding of an image and that of its mirror image. */
export function flipAverage(a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  if (a.length !== b.length)
    throw new InputError(`flipAverage: embeddings of different lengths (${a.length} vs ${b.length})`);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] + b[i]) / 2;
  return out;
}

/**
 * A seeded channel projection for compact second-order pooling: C x d, entries N(0, 1/d). Maps wider than d channels
 * are projected to d before their (d x d) second moment is taken, so the descriptor has d(d+1)/2 values, not C(C+1)/2.
 */
export function seededProjection(channels: number, dim: number, rng: Rng): Float32Array {
  if (!Number.isInteger(channels) || channels < 1 || !Number.isInteger(dim) || dim < 1)
    throw new OptionError(`seededProjection: channels and dim must be positive integers, got ${channels}, ${dim}`);
  const out = new Float32Array(channels * dim),
    s = 1 / Math.sqrt(dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() * s;
  return out;
}

export interface SecondOrderOptions {
  /** Subtract the spatial mean first (covariance) or not (Gram / uncentred second moment). @default true */
  centre?: boolean;
  /** C x d channel projection (seededProjection), applied before the second moment; null keeps all C channels. @default null */
  projection?: Float32Array | null;
  /** Output dimension of the projection (its columns). Required with projection. */
  projectedDim?: number;
  /**
   * Share of patches dropped before the second moment: those farthest (Euclidean, after projection) from the image's
   * mean; the mean is then recomputed on the rest. One defect then does not turn its image into a singleton, and a
   * texture's rare structures do not split a class (issue 17, item 2). @default 0
   */
  trim?: number;
}

/**
 * The map with its channels projected: x'(p) = Wᵀ x(p), W = `projection` (C x dim, row-major), accumulated in float32
 * in a fixed order (so a projection done once and reused gives the very same numbers as one done inside a pooling).
 */
export function projectChannels(m: LayerMap, projection: Float32Array, dim: number): LayerMap {
  checkMap(m, 'projectChannels');
  const P = m.height * m.width,
    C = m.channels,
    d = dim;
  if (!Number.isInteger(d) || d < 1 || projection.length !== C * d) {
    throw new OptionError(
      `projection must be ${C} x projectedDim values (got ${projection.length} values, projectedDim ${String(dim)})`,
    );
  }
  const X = new Float32Array(P * d);
  const src = m.data;
  // X[p] = sum over c (ascending) of v_c * W[c], rounded to float32 after every addition, zero v_c skipped (ReLU
  // maps are about half zeros). The nonzero channels go four at a time, X[p][k] kept in a register across them;
  // Math.fround after each addition is exactly the rounding that storing into the Float32Array did, so every value
  // equals the one-channel-at-a-time loop's.
  const nz = new Int32Array(C);
  for (let p = 0; p < P; p++) {
    const xr = p * d,
      vr = p * C;
    let n = 0;
    for (let c = 0; c < C; c++) if (src[vr + c] !== 0) nz[n++] = c;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const c0 = nz[j],
        c1 = nz[j + 1],
        c2 = nz[j + 2],
        c3 = nz[j + 3];
      const v0 = src[vr + c0],
        v1 = src[vr + c1],
        v2 = src[vr + c2],
        v3 = src[vr + c3];
      const w0 = c0 * d,
        w1 = c1 * d,
        w2 = c2 * d,
        w3 = c3 * d;
      for (let k = 0; k < d; k++) {
        let x = X[xr + k];
        x = Math.fround(x + v0 * projection[w0 + k]);
        x = Math.fround(x + v1 * projection[w1 + k]);
        x = Math.fround(x + v2 * projection[w2 + k]);
        X[xr + k] = x + v3 * projection[w3 + k];
      }
    }
    for (; j < n; j++) {
      const v = src[vr + nz[j]],
        w = nz[j] * d;
      for (let k = 0; k < d; k++) X[xr + k] += v * projection[w + k];
    }
  }
  return { data: X, height: m.height, width: m.width, channels: d };
}

/**
 * Second-order pooling: M = (1/P) Σ_p (x_p - μ)(x_p - μ)ᵀ (μ = 0 without centring), its upper triangle with
 * off-diagonal entries times √2 (so the vector's Euclidean norm is M's Frobenius norm and a dot product of two
 * vectors is the trace inner product of two matrices), then the signed square root elementwise and L2 normalisation.
 * Length d(d+1)/2 with d = C, or the projected dimension.
 */
export function poolSecondOrder(m: LayerMap, options: SecondOrderOptions = {}): Float32Array {
  checkMap(m, 'poolSecondOrder');
  const centre = options.centre ?? true;
  const P = m.height * m.width,
    C = m.channels;
  let X = m.data,
    d = C;
  if (options.projection) {
    const pm = projectChannels(m, options.projection, options.projectedDim ?? 0);
    X = pm.data;
    d = pm.channels;
  }
  const trim = options.trim ?? 0;
  if (!(trim >= 0 && trim < 1)) throw new OptionError(`poolSecondOrder: trim must be in [0, 1), got ${String(trim)}`);
  let keep: number[] = Array.from({ length: P }, (_, p) => p);
  const meanOf = (rows: number[]): Float64Array => {
    const mu = new Float64Array(d);
    for (const p of rows) for (let k = 0; k < d; k++) mu[k] += X[p * d + k];
    for (let k = 0; k < d; k++) mu[k] /= rows.length;
    return mu;
  };
  const drop = Math.floor(trim * P);
  if (drop > 0) {
    const mu0 = meanOf(keep);
    const dist = keep.map((p) => {
      let s2 = 0;
      for (let k = 0; k < d; k++) s2 += (X[p * d + k] - mu0[k]) ** 2;
      return s2;
    });
    // Stable: ties keep the lower patch index.
    keep = keep.sort((a, b) => dist[a] - dist[b] || a - b).slice(0, P - drop);
  }
  const mu = centre ? meanOf(keep) : new Float64Array(d);
  const M = new Float64Array(d * d);
  // M[a][b] (b >= a) += r_p[a] * r_p[b] over the kept patches p in order, zero r_p[a] skipped. Two patches at a time
  // keep M[a][b] in a register across both additions: the same sums in the same order, so the same doubles.
  const r0 = new Float64Array(d),
    r1 = new Float64Array(d);
  let q = 0;
  for (; q + 2 <= keep.length; q += 2) {
    const x0 = keep[q] * d,
      x1 = keep[q + 1] * d;
    for (let k = 0; k < d; k++) {
      r0[k] = X[x0 + k] - mu[k];
      r1[k] = X[x1 + k] - mu[k];
    }
    for (let a = 0; a < d; a++) {
      const ra0 = r0[a],
        ra1 = r1[a],
        at = a * d;
      if (ra0 !== 0 && ra1 !== 0) {
        for (let b = a; b < d; b++) {
          const m = M[at + b] + ra0 * r0[b];
          M[at + b] = m + ra1 * r1[b];
        }
      } else if (ra0 !== 0) {
        for (let b = a; b < d; b++) M[at + b] += ra0 * r0[b];
      } else if (ra1 !== 0) {
        for (let b = a; b < d; b++) M[at + b] += ra1 * r1[b];
      }
    }
  }
  for (; q < keep.length; q++) {
    const x0 = keep[q] * d;
    for (let k = 0; k < d; k++) r0[k] = X[x0 + k] - mu[k];
    for (let a = 0; a < d; a++) {
      const ra = r0[a];
      if (ra === 0) continue;
      for (let b = a; b < d; b++) M[a * d + b] += ra * r0[b];
    }
  }
  const out = new Float32Array((d * (d + 1)) / 2);
  let i = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) out[i++] = (M[a * d + b] / keep.length) * (a === b ? 1 : Math.SQRT2);
  }
  return l2Normalize(signedSqrt(out));
}

/** Length of the vector that `pool` gives for a map of `channels` channels (second order: after projection to `projectedDim` when given). */
export function pooledLength(pool: PoolKind, channels: number, projectedDim?: number): number {
  if (pool === 'meanmax') return 2 * channels;
  if (pool === 'cov' || pool === 'gram' || pool === 'rcov') {
    const d = projectedDim ?? channels;
    return (d * (d + 1)) / 2;
  }
  return channels;
}

/** One pooling by name (GeM with p = 3; second order centred for 'cov', uncentred for 'gram', robust for 'rcov'). */
export function poolMap(
  m: LayerMap,
  pool: PoolKind,
  projection?: { matrix: Float32Array; dim: number } | null,
): Float32Array {
  switch (pool) {
    case 'mean':
      return poolMean(m);
    case 'max':
      return poolMax(m);
    case 'gem':
      return poolGeM(m, 3);
    case 'meanmax':
      return poolMeanMax(m);
    case 'cov':
    case 'gram':
    case 'rcov':
      return poolSecondOrder(m, {
        centre: pool !== 'gram',
        projection: projection?.matrix ?? null,
        projectedDim: projection?.dim,
        trim: pool === 'rcov' ? ROBUST_COV_TRIM : 0,
      });
    default:
      throw new OptionError(`unknown pooling "${String(pool)}" (known: ${POOL_KINDS.join(', ')})`);
  }
}

/** Horizontal mirror of an HWC float image (or map), a copy. */
export function hflipHwc(data: Float32Array, height: number, width: number, channels: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * channels,
        t = (y * width + (width - 1 - x)) * channels;
      for (let c = 0; c < channels; c++) out[t + c] = data[s + c];
    }
  }
  return out;
}
