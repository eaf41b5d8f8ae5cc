/** Image and mask reading through sharp, with errors that name the file. */
import * as fs from 'node:fs';
import sharp from 'sharp';
import { RgbImage } from './types';
import { InputError } from '../util/errors';
import { writeFileAtomic } from '../util/atomic';

/** Reads any image sharp can decode as 8-bit RGB (alpha dropped, greyscale expanded). */
export async function readRgb(file: string): Promise<RgbImage> {
  if (!fs.existsSync(file)) throw new InputError(`image not found: ${file}`);
  try {
    const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot decode image ${file}: ${(e as Error).message}. Is it a valid PNG/JPEG? Replace or remove the file.`);
  }
}

/** A binary mask: 1 where the defect is, 0 elsewhere. */
export interface Mask {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Reads a mask image as one channel; any value > 127 is foreground. */
export async function readMask(file: string): Promise<Mask> {
  if (!fs.existsSync(file)) throw new InputError(`mask not found: ${file}`);
  try {
    const { data, info } = await sharp(file).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
    const out = new Uint8Array(info.width * info.height);
    for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] > 127 ? 1 : 0;
    return { data: out, width: info.width, height: info.height };
  } catch (e) {
    throw new InputError(`cannot decode mask ${file}: ${(e as Error).message}. Masks must be PNG images.`);
  }
}

/** Encodes raw 8-bit pixels (HWC, 1 or 3 channels) as PNG bytes: deterministic for the same pixels and level. */
export async function encodePng(img: RgbImage | Mask, channels: 1 | 3 = 3, compressionLevel = 6): Promise<Buffer> {
  const buf = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length);
  return sharp(buf, { raw: { width: img.width, height: img.height, channels } }).png({ compressionLevel }).toBuffer();
}

/** Writes an image as PNG atomically (temporary file + rename: a killed run never leaves half a PNG). */
export async function writePng(file: string, img: RgbImage | Mask, channels: 1 | 3 = 3, compressionLevel = 6): Promise<void> {
  writeFileAtomic(file, await encodePng(img, channels, compressionLevel));
}
