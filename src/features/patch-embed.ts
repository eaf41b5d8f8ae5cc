/**
 * PatchCore-style local patch embedding, exactly as docs/method.md §1.3 (official feature_embedder / patch_maker / common):
 *  1. 3x3 neighbourhood of every position, zero padding, vector order c*9 + ky*3 + kx;
 *  2. per layer, 1-D adaptive average pooling of that vector to targetDim (window [floor(i*L/D), ceil((i+1)*L/D)));
 *  3. the coarser layers aligned to the first (finest) layer's grid by bilinear interpolation, align_corners=false;
 *  4. fusion: the layers' pooled vectors concatenated and adaptive-pooled again to targetDim.
 * Deviation in order only: the official code interpolates the unfolded C*9 maps and then pools; both steps are
 * linear and act on different axes, so pooling first and interpolating the targetDim maps gives the same numbers
 * (up to float rounding) for a fraction of the work.
 */
import { Matrix, zeros } from '../linalg/matrix';
import { InputError, OptionError } from '../util/errors';
import { resolveOptions, checkRange } from '../util/options';
import { LayerMap } from './types';
import { resizeBilinearHwc } from './resize';

/** Window bounds of PyTorch's adaptive_avg_pool1d from length L to D: [floor(i*L/D), ceil((i+1)*L/D)). */
export function adaptivePoolWindows(inLen: number, outLen: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outLen),
    end = new Int32Array(outLen);
  for (let i = 0; i < outLen; i++) {
    start[i] = Math.floor((i * inLen) / outLen);
    end[i] = Math.ceil(((i + 1) * inLen) / outLen);
  }
  return { start, end };
}

/** adaptive_avg_pool1d of one vector (reference form; the embedding uses the fused loop below). */
export function adaptiveAvgPool1d(v: ArrayLike<number>, outLen: number): Float32Array {
  const { start, end } = adaptivePoolWindows(v.length, outLen);
  const out = new Float32Array(outLen);
  for (let i = 0; i < outLen; i++) {
    let s = 0;
    for (let k = start[i]; k < end[i]; k++) s += v[k];
    out[i] = s / (end[i] - start[i]);
  }
  return out;
}

/**
 * The 3x3 unfold of an HWC map: (H*W) x (C*patch*patch), row = y*W + x, column c*p*p + ky*p + kx, zero padding.
 * Reference form for tests and small maps; the embedding never materialises it.
 */
export function unfold(map: LayerMap, patchSize = 3): Matrix {
  const { height: H, width: W, channels: C, data } = map;
  const p = patchSize,
    r = (p - 1) >> 1,
    L = C * p * p;
  const out = zeros(H * W, L);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * L;
      for (let ky = 0; ky < p; ky++) {
        const yy = y + ky - r;
        if (yy < 0 || yy >= H) continue;
        for (let kx = 0; kx < p; kx++) {
          const xx = x + kx - r;
          if (xx < 0 || xx >= W) continue;
          const s = (yy * W + xx) * C;
          for (let c = 0; c < C; c++) out.data[o + c * p * p + ky * p + kx] = data[s + c];
        }
      }
    }
  }
  return out;
}

/**
 * Unfold + adaptive pool to D at every position of one layer, without building the unfolded vectors: each output
 * element is a mean over a window of (c, ky, kx) triples, i.e. over known pixels of the neighbourhood.
 * Returns an HWC map with D channels.
 */
export function unfoldPool(map: LayerMap, targetDim: number, patchSize = 3): LayerMap {
  const { height: H, width: W, channels: C, data } = map;
  const p = patchSize,
    pp = p * p,
    r = (p - 1) >> 1,
    L = C * pp;
  const { start, end } = adaptivePoolWindows(L, targetDim);
  // Per window: the flat list of (channel, dy, dx) it averages and 1/length.
  const offsets: Int32Array[] = [];
  const inv = new Float32Array(targetDim);
  for (let i = 0; i < targetDim; i++) {
    const n = end[i] - start[i];
    const list = new Int32Array(n * 3);
    for (let k = 0; k < n; k++) {
      const j = start[i] + k,
        c = Math.floor(j / pp),
        rem = j - c * pp;
      list[3 * k] = c;
      list[3 * k + 1] = Math.floor(rem / p) - r;
      list[3 * k + 2] = (rem % p) - r;
    }
    offsets.push(list);
    inv[i] = 1 / n;
  }
  const out = new Float32Array(H * W * targetDim);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * targetDim;
      const interior = y >= r && x >= r && y < H - r && x < W - r;
      for (let i = 0; i < targetDim; i++) {
        const list = offsets[i];
        let s = 0;
        for (let k = 0; k < list.length; k += 3) {
          const yy = y + list[k + 1],
            xx = x + list[k + 2];
          if (!interior && (yy < 0 || yy >= H || xx < 0 || xx >= W)) continue; // zero padding
          s += data[(yy * W + xx) * C + list[k]];
        }
        out[o + i] = s * inv[i];
      }
    }
  }
  return { data: out, height: H, width: W, channels: targetDim };
}

export interface PatchEmbedOptions {
  /** Output dimension per patch (official: 1024 for WRN50). @default 1024 */
  targetDim?: number;
  /** Neighbourhood size (official patchsize 3, stride 1). @default 3 */
  patchSize?: number;
}

export const PATCH_EMBED_DEFAULTS: Required<PatchEmbedOptions> = { targetDim: 1024, patchSize: 3 };

/**
 * Patch features of one image from its layer maps (finest grid first). Returns (H0*W0) x targetDim, row y*W0 + x.
 * If `out` is given, writes into it at row offset `rowOffset` instead of allocating.
 */
export function patchEmbed(
  layerMaps: readonly LayerMap[],
  options?: PatchEmbedOptions,
  out?: Matrix,
  rowOffset = 0,
): Matrix {
  const o = resolveOptions(PATCH_EMBED_DEFAULTS, options, 'patchEmbed');
  checkRange('targetDim', o.targetDim, 1, 1 << 16, { integer: true });
  checkRange('patchSize', o.patchSize, 1, 15, { integer: true });
  if (o.patchSize % 2 !== 1)
    throw new OptionError(`option patchSize must be odd (padding (p-1)/2 keeps the grid), got ${o.patchSize}`);
  if (layerMaps.length === 0) throw new InputError('patchEmbed needs at least one layer map');
  for (const m of layerMaps) {
    if (m.data.length !== m.height * m.width * m.channels) {
      throw new InputError(
        `layer map data has ${m.data.length} values, shape ${m.height}x${m.width}x${m.channels} needs ${m.height * m.width * m.channels}`,
      );
    }
  }
  const D = o.targetDim,
    nl = layerMaps.length;
  const H0 = layerMaps[0].height,
    W0 = layerMaps[0].width,
    P = H0 * W0;
  const result = out ?? zeros(P, D);
  if (result.cols !== D || rowOffset + P > result.rows)
    throw new InputError(`patchEmbed output ${result.rows}x${result.cols} cannot hold ${P}x${D} at row ${rowOffset}`);
  const pooled: Float32Array[] = layerMaps.map((m) => {
    const q = unfoldPool(m, D, o.patchSize);
    return m.height === H0 && m.width === W0 ? q.data : resizeBilinearHwc(q.data, m.width, m.height, D, W0, H0);
  });
  // Fusion: adaptive pool of the concatenation [layer0 (D), layer1 (D), ...] (length nl*D) to D.
  const { start, end } = adaptivePoolWindows(nl * D, D);
  const dst = result.data;
  for (let p = 0; p < P; p++) {
    const base = (rowOffset + p) * D;
    for (let i = 0; i < D; i++) {
      let s = 0;
      for (let j = start[i]; j < end[i]; j++) {
        const l = (j / D) | 0;
        s += pooled[l][p * D + (j - l * D)];
      }
      dst[base + i] = s / (end[i] - start[i]);
    }
  }
  return result;
}
