/** Image and mask reading through sharp, with errors that name the file. */
import * as fs from 'node:fs';
import sharp from 'sharp';
import { RgbImage } from './types';
import { InputError } from '../util/errors';
import { writeFileAtomicAsync } from '../util/atomic';

/** Reads any image sharp can decode as 8-bit RGB (alpha dropped, greyscale expanded). */
export async function readRgb(file: string): Promise<RgbImage> {
  if (!fs.existsSync(file)) throw new InputError(`image not found: ${file}`);
  try {
    const { data, info } = await sharp(file)
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      `cannot decode image ${file}: ${oneLine((e as Error).message)}. Is it a valid PNG/JPEG? Replace or remove the file.`,
    );
  }
}

/** A binary mask: 1 where the defect is, 0 elsewhere. */
export interface Mask {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Why decoded mask pixels are not a binary mask, or null when they are. A mask holds 0 (normal) and 255 (defect),
 * or 0 and 1; every colour channel of a pixel must agree. Grey levels are refused rather than thresholded: a
 * resized or anti-aliased mask silently changes the pixel metrics (a grey mask moved pixel AUROC 0.721 -> 0.559).
 */
export function maskValueProblem(data: Uint8Array | Buffer, channels: number): string | null {
  const seen = new Uint8Array(256);
  let colour = -1;
  for (let i = 0; i < data.length; i += channels) {
    const v = data[i];
    seen[v] = 1;
    for (let c = 1; c < channels; c++) if (data[i + c] !== v && colour < 0) colour = i / channels;
  }
  if (colour >= 0) return `is a colour image (pixel ${colour} has differing channels), not a binary mask`;
  const grey: number[] = [];
  for (let v = 2; v < 255; v++) if (seen[v]) grey.push(v);
  if (grey.length > 0) {
    return `is not binary: it holds ${grey.length} grey level(s) besides 0/1/255 (e.g. ${grey.slice(0, 3).join(', ')})`;
  }
  if (seen[1] && seen[255]) return 'mixes the values 1 and 255; use 0/255 or 0/1, not both';
  return null;
}

/**
 * Reads a mask as one channel of 0/1 (1 = defect). The file must be a binary mask (0/255 or 0/1, see
 * maskValueProblem): anything else is an InputError naming the file, never a silent threshold.
 */
export async function readMask(file: string): Promise<Mask> {
  if (!fs.existsSync(file)) throw new InputError(`mask not found: ${file}`);
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new InputError(`cannot decode mask ${file}: ${oneLine((e as Error).message)}. Masks must be PNG images.`);
  }
  const { data, info } = raw;
  const problem = maskValueProblem(data, info.channels);
  if (problem)
    throw new InputError(
      `mask ${file} ${problem}; masks must hold only 0 and 255 (or 0 and 1). Fix or replace the file`,
    );
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] !== 0 ? 1 : 0;
  return { data: out, width: info.width, height: info.height };
}

/** A library's (possibly multi-line) message on one line. */
export function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

/** Encodes raw 8-bit pixels (HWC, 1 or 3 channels) as PNG bytes: deterministic for the same pixels and level. */
export async function encodePng(img: RgbImage | Mask, channels: 1 | 3 = 3, compressionLevel = 6): Promise<Buffer> {
  const buf = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length);
  return sharp(buf, { raw: { width: img.width, height: img.height, channels } })
    .png({ compressionLevel })
    .toBuffer();
}

/** Writes an image as PNG atomically (temporary file + rename: a killed run never leaves half a PNG). */
export async function writePng(
  file: string,
  img: RgbImage | Mask,
  channels: 1 | 3 = 3,
  compressionLevel = 6,
): Promise<void> {
  await writeFileAtomicAsync(file, await encodePng(img, channels, compressionLevel), 'image');
}
