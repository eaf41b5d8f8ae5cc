/**
 * Small thumbnails for the HTML report, as data: URIs (WebP): an anomaly map beside its image, both with the
 * ground-truth outline, and plain training images. Pixel work reuses ./heatmap; sharp only resizes and encodes.
 */
import sharp from 'sharp';
import type { RgbImage } from '../data/types';
import { overlayPixels, readAligned } from './heatmap';

export interface ThumbnailOptions {
  /** Side of one panel in px. @default 64 */
  size?: number;
  /** WebP quality. @default 70 */
  quality?: number;
}

async function encode(img: RgbImage, size: number, quality: number): Promise<Buffer> {
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(size, size, { kernel: img.width < size ? 'nearest' : 'lanczos3' })
    .webp({ quality })
    .toBuffer();
}

const dataUri = (b: Buffer) => `data:image/webp;base64,${b.toString('base64')}`;

/**
 * Two panels side by side: the image with the mask outline, and the jet-coloured map over it with the outline.
 * The colour range [lo, hi] is given so that thumbnails of one class and method can be compared. An image that
 * cannot be read is drawn as mid grey (imageRead false), so the map is still shown.
 */
export async function mapThumbnail(
  imagePath: string,
  map: Float32Array,
  mask: Uint8Array | null,
  mapSize: number,
  range: { lo: number; hi: number },
  opts: ThumbnailOptions = {},
): Promise<{ src: string; imageRead: boolean }> {
  const size = opts.size ?? 64;
  const quality = opts.quality ?? 70;
  let img: RgbImage;
  let imageRead = true;
  try {
    img = await readAligned(imagePath, mapSize);
  } catch {
    img = { data: new Uint8Array(mapSize * mapSize * 3).fill(128), width: mapSize, height: mapSize };
    imageRead = false;
  }
  const outline = overlayPixels(img, new Float32Array(mapSize * mapSize), mask, { alpha: 0, lo: 0, hi: 1 });
  const heat = overlayPixels(img, map, mask, { alpha: 0.5, lo: range.lo, hi: range.hi });
  const panels = await Promise.all([encode(outline, size, quality), encode(heat, size, quality)]);
  const gap = 2;
  const out = await sharp({
    create: { width: 2 * size + gap, height: size, channels: 3, background: { r: 255, g: 255, b: 255 } },
  })
    .composite([
      { input: panels[0], left: 0, top: 0 },
      { input: panels[1], left: size + gap, top: 0 },
    ])
    .webp({ quality })
    .toBuffer();
  return { src: dataUri(out), imageRead };
}

/** A square centre-cropped thumbnail of an image file; null when it cannot be read. */
export async function imageThumbnail(file: string, opts: ThumbnailOptions = {}): Promise<string | null> {
  try {
    const b = await sharp(file)
      .resize(opts.size ?? 64, opts.size ?? 64, { fit: 'cover' })
      .removeAlpha()
      .webp({ quality: opts.quality ?? 70 })
      .toBuffer();
    return dataUri(b);
  } catch {
    return null;
  }
}
