/**
 * The paper's preprocessing (docs/method.md §1.1): shorter side to `resize` (PIL bilinear), centre crop `crop`, then the
 * backbone's own normalisation. Masks get the same geometry; see preprocessMask for the official uint8 pitfall.
 */
import { RgbImage } from '../data/types';
import { Mask } from '../data/images';
import { InputNormalization } from './types';
import { resolveOptions, checkRange, checkOneOf } from '../util/options';
import { OptionError } from '../util/errors';
import { centerCropOffsets, cropHwc, resizeBilinearU8, shorterSideSize } from './resize';

export interface PreprocessOptions {
  /** Shorter side after resizing (bilinear). @default 256 (paper) */
  resize?: number;
  /** Side of the square centre crop. @default 224 (paper) */
  crop?: number;
  /** Input scaling of the backbone. @default 'mobilenet' (the bundled backbone) */
  normalization?: InputNormalization;
}

export const PREPROCESS_DEFAULTS: Required<PreprocessOptions> = { resize: 256, crop: 224, normalization: 'mobilenet' };
export const NORMALIZATIONS: readonly InputNormalization[] = ['mobilenet', 'imagenet', 'unit'];

/** A float HWC image (3 channels unless stated). */
export interface FloatImage {
  data: Float32Array;
  width: number;
  height: number;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** 8-bit RGB HWC -> normalised float32 HWC. */
export function normalizeRgb(data: Uint8Array, normalization: InputNormalization): Float32Array {
  const out = new Float32Array(data.length);
  if (normalization === 'mobilenet') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] / 127.5 - 1;
  } else if (normalization === 'unit') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
  } else if (normalization === 'imagenet') {
    for (let i = 0; i < data.length; i++) {
      const c = i % 3;
      out[i] = (data[i] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
    }
  } else {
    throw new OptionError(
      `option normalization must be one of ${NORMALIZATIONS.join(', ')}, got "${String(normalization)}"`,
    );
  }
  return out;
}

function checkSizes(o: Required<PreprocessOptions>, where: string): void {
  checkRange(`${where} resize`, o.resize, 8, 8192, { integer: true });
  checkRange(`${where} crop`, o.crop, 8, 8192, { integer: true });
  if (o.crop > o.resize)
    throw new OptionError(`${where}: option crop (${o.crop}) must not exceed resize (${o.resize})`);
  checkOneOf(`${where} normalization`, o.normalization, NORMALIZATIONS);
}

/** Shorter side to `resize`, no crop, normalised: the starting point of the rotXflip views (docs/method.md §3.3). */
export function preprocessResizeOnly(img: RgbImage, options?: PreprocessOptions): FloatImage {
  const o = resolveOptions(PREPROCESS_DEFAULTS, options, 'preprocess');
  checkSizes(o, 'preprocess');
  const s = shorterSideSize(img.width, img.height, o.resize);
  const u8 = resizeBilinearU8(img.data, img.width, img.height, 3, s.width, s.height);
  return { data: normalizeRgb(u8, o.normalization), width: s.width, height: s.height };
}

/** The paper's test/train transform: resize shorter side, centre crop, normalise. Output crop x crop x 3. */
export function preprocess(img: RgbImage, options?: PreprocessOptions): FloatImage {
  const o = resolveOptions(PREPROCESS_DEFAULTS, options, 'preprocess');
  checkSizes(o, 'preprocess');
  const s = shorterSideSize(img.width, img.height, o.resize);
  const u8 = resizeBilinearU8(img.data, img.width, img.height, 3, s.width, s.height);
  const { top, left } = centerCropOffsets(s.height, s.width, o.crop);
  const cropped = cropHwc(u8, s.width, s.height, 3, top, left, o.crop, o.crop);
  return { data: normalizeRgb(cropped, o.normalization), width: o.crop, height: o.crop };
}

export interface MaskPreprocessOptions {
  /** @default 256 */
  resize?: number;
  /** @default 224 */
  crop?: number;
  /**
   * 'official': bilinear resize of the 0/255 mask, then the official uint8 cast keeps only pixels that stay exactly
   * 255 (1.0), which erodes the mask edges (docs/method.md §1.1 pitfall). 'nearest': nearest-neighbour resize, no erosion.
   * @default 'official'
   */
  mode?: 'official' | 'nearest';
}

export const MASK_DEFAULTS: Required<MaskPreprocessOptions> = { resize: 256, crop: 224, mode: 'official' };

/** A 0/1 mask -> crop x crop 0/1 Uint8Array, with the same geometry as the images. */
export function preprocessMask(mask: Mask, options?: MaskPreprocessOptions): Uint8Array {
  const o = resolveOptions(MASK_DEFAULTS, options, 'preprocessMask');
  checkSizes({ resize: o.resize, crop: o.crop, normalization: 'unit' }, 'preprocessMask');
  checkOneOf('preprocessMask mode', o.mode, ['official', 'nearest'] as const);
  const s = shorterSideSize(mask.width, mask.height, o.resize);
  let resized: Uint8Array;
  if (o.mode === 'official') {
    const u8 = new Uint8Array(mask.data.length);
    for (let i = 0; i < u8.length; i++) u8[i] = mask.data[i] ? 255 : 0;
    const r = resizeBilinearU8(u8, mask.width, mask.height, 1, s.width, s.height);
    resized = new Uint8Array(r.length);
    for (let i = 0; i < r.length; i++) resized[i] = r[i] === 255 ? 1 : 0;
  } else {
    // Nearest with PIL's pixel-centre convention: source index floor((o + 0.5) * in / out).
    resized = new Uint8Array(s.width * s.height);
    for (let y = 0; y < s.height; y++) {
      const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / s.height));
      for (let x = 0; x < s.width; x++) {
        const sx = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / s.width));
        resized[y * s.width + x] = mask.data[sy * mask.width + sx] ? 1 : 0;
      }
    }
  }
  const { top, left } = centerCropOffsets(s.height, s.width, o.crop);
  return cropHwc(resized, s.width, s.height, 1, top, left, o.crop, o.crop);
}
