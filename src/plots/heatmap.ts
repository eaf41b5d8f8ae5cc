/**
 * Anomaly heatmap overlays: for a test image, three panels side by side: the image, the image with the ground-truth
 * contour, and the anomaly map (jet colours, alpha-blended) with the contour. Pixel work is pure (typed arrays);
 * sharp only decodes, resizes and encodes.
 */
import sharp from 'sharp';
import type { RgbImage } from '../data/types';
import { InputError } from '../util/errors';
import { readRgb } from '../data/images';
import { shorterSideSize, resizeBilinearU8, centerCropOffsets, cropHwc } from '../features/resize';

/** Jet colour map of v in [0, 1] -> [r, g, b] bytes (the map anomalib and the official code draw with). */
export function jet(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v));
  const c = (t: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * x - t))));
  return [c(3), c(2), c(1)];
}

/** Pixels on the boundary of a binary mask: set, with at least one 4-neighbour unset (or on the image border). */
export function maskContour(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      if (
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        !mask[i - 1] ||
        !mask[i + 1] ||
        !mask[i - width] ||
        !mask[i + width]
      )
        out[i] = 1;
    }
  }
  return out;
}

export interface OverlayOptions {
  /** Weight of the heatmap over the image. @default 0.5 */
  alpha?: number;
  /** Map value drawn as the coldest colour. @default the map's minimum */
  lo?: number;
  /** Map value drawn as the hottest colour. @default the map's maximum */
  hi?: number;
}

/** Blends a jet-coloured map over an image of the same size; the mask contour is drawn in white. */
export function overlayPixels(
  image: RgbImage,
  map: Float32Array,
  mask: Uint8Array | null,
  opts: OverlayOptions = {},
): RgbImage {
  const { width, height } = image;
  const n = width * height;
  if (map.length !== n)
    throw new InputError(`heatmap overlay: map has ${map.length} values, image is ${width}x${height}`);
  if (mask && mask.length !== n)
    throw new InputError(`heatmap overlay: mask has ${mask.length} values, image is ${width}x${height}`);
  let lo = opts.lo ?? Infinity;
  let hi = opts.hi ?? -Infinity;
  if (opts.lo === undefined || opts.hi === undefined) {
    for (let i = 0; i < n; i++) {
      if (opts.lo === undefined) lo = Math.min(lo, map[i]);
      if (opts.hi === undefined) hi = Math.max(hi, map[i]);
    }
  }
  const span = hi > lo ? hi - lo : 1;
  const a = opts.alpha ?? 0.5;
  const out = new Uint8Array(n * 3);
  const contour = mask ? maskContour(mask, width, height) : null;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = jet((map[i] - lo) / span);
    out[3 * i] = Math.round((1 - a) * image.data[3 * i] + a * r);
    out[3 * i + 1] = Math.round((1 - a) * image.data[3 * i + 1] + a * g);
    out[3 * i + 2] = Math.round((1 - a) * image.data[3 * i + 2] + a * b);
    if (contour && contour[i]) {
      out[3 * i] = 255;
      out[3 * i + 1] = 255;
      out[3 * i + 2] = 255;
    }
  }
  return { data: out, width, height };
}

/** Draws the contour of a mask in white on a copy of the image. */
function contourPixels(image: RgbImage, mask: Uint8Array): RgbImage {
  const out = Uint8Array.from(image.data);
  const c = maskContour(mask, image.width, image.height);
  for (let i = 0; i < c.length; i++)
    if (c[i]) {
      out[3 * i] = 255;
      out[3 * i + 1] = 255;
      out[3 * i + 2] = 255;
    }
  return { data: out, width: image.width, height: image.height };
}

/**
 * Reads an image file the way the feature extractor sees it (the same Pillow-exact resize and torchvision crop
 * rounding from src/features): shorter side to size/cropFraction, centre crop to size x size, so that it lines
 * up pixel for pixel with an anomaly map of that size.
 */
export async function readAligned(file: string, size: number, cropFraction = 224 / 256): Promise<RgbImage> {
  const resize = Math.round(size / cropFraction);
  let img: RgbImage;
  try {
    img = await readRgb(file);
  } catch (e) {
    throw new InputError(`cannot read image ${file} for the heatmap: ${(e as Error).message}`);
  }
  const { width: rw, height: rh } = shorterSideSize(img.width, img.height, resize);
  const resized = resizeBilinearU8(img.data, img.width, img.height, 3, rw, rh);
  const { top, left } = centerCropOffsets(rh, rw, size);
  return { data: cropHwc(resized, rw, rh, 3, top, left, size, size), width: size, height: size };
}

export interface HeatmapItem {
  /** Image file, or pixels already aligned with the map (mapSize x mapSize). */
  image: string | RgbImage;
  /** mapSize x mapSize anomaly map. */
  map: Float32Array;
  /** mapSize x mapSize binary mask (null/absent for a normal image). */
  mask?: Uint8Array | null;
}

/**
 * One PNG with a row of three panels per item: image | image + contour | heatmap + contour. The colour range is
 * shared by all items (min and max over every map) unless lo/hi are given, so rows can be compared. panelSize
 * draws each panel at that side (nearest-neighbour), e.g. 224 for 56 px maps.
 */
export async function heatmapPng(
  items: HeatmapItem[],
  mapSize: number,
  opts: OverlayOptions & { gap?: number; panelSize?: number } = {},
): Promise<Buffer> {
  if (items.length === 0) throw new InputError('heatmapPng: no images given');
  let lo = opts.lo ?? Infinity;
  let hi = opts.hi ?? -Infinity;
  for (const it of items)
    for (let i = 0; i < it.map.length; i++) {
      if (opts.lo === undefined) lo = Math.min(lo, it.map[i]);
      if (opts.hi === undefined) hi = Math.max(hi, it.map[i]);
    }
  const gap = opts.gap ?? 4;
  // Panels can be drawn larger than the map (small fast-setting maps are hard to see otherwise).
  const side = opts.panelSize ?? mapSize;
  const panels: { input: Buffer; left: number; top: number }[] = [];
  for (let r = 0; r < items.length; r++) {
    const it = items[r];
    const img = typeof it.image === 'string' ? await readAligned(it.image, mapSize) : it.image;
    if (img.width !== mapSize || img.height !== mapSize)
      throw new InputError(`heatmapPng: image ${r} is ${img.width}x${img.height}, the map is ${mapSize}x${mapSize}`);
    const mask = it.mask ?? null;
    const three = [
      img,
      mask ? contourPixels(img, mask) : img,
      overlayPixels(img, it.map, mask, { alpha: opts.alpha, lo, hi }),
    ];
    for (let c = 0; c < 3; c++) {
      let img = sharp(Buffer.from(three[c].data), { raw: { width: mapSize, height: mapSize, channels: 3 } });
      if (side !== mapSize) img = sharp(await img.png().toBuffer()).resize(side, side, { kernel: 'nearest' });
      panels.push({ input: await img.png().toBuffer(), left: c * (side + gap), top: r * (side + gap) });
    }
  }
  const width = 3 * side + 2 * gap;
  const height = items.length * side + (items.length - 1) * gap;
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite(panels)
    .png()
    .toBuffer();
}
