/** Decodes every image and mask of a dataset, so a corrupt file fails here with its name, not deep inside a run. */
import sharp from 'sharp';
import { Dataset } from './types';
import { InputError } from '../util/errors';
import { allImages } from './mvtec';

export interface ValidateOptions {
  /** Files decoded at once (sharp works on its own thread pool). @default 8 */
  concurrency?: number;
}

async function decodeSize(file: string, what: string): Promise<{ width: number; height: number }> {
  try {
    // A full decode: metadata() alone accepts a truncated PNG.
    const { info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height };
  } catch (e) {
    throw new InputError(`cannot decode ${what} ${file}: ${(e as Error).message}. Replace the file or remove it from the dataset`);
  }
}

/** Resolves when every image and mask decodes and every mask has its image's size; otherwise throws naming the file. */
export async function validateImages(dataset: Dataset, opts: ValidateOptions = {}): Promise<{ images: number; masks: number }> {
  const items = allImages(dataset);
  const conc = Math.max(1, opts.concurrency ?? 8);
  let next = 0;
  let masks = 0;
  const worker = async () => {
    while (next < items.length) {
      const img = items[next++];
      const size = await decodeSize(img.path, 'image');
      if (img.maskPath) {
        masks++;
        const m = await decodeSize(img.maskPath, 'mask');
        if (m.width !== size.width || m.height !== size.height) {
          throw new InputError(`mask ${img.maskPath} is ${m.width}x${m.height} but its image ${img.path} is ${size.width}x${size.height}; they must match`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: conc }, worker));
  return { images: items.length, masks };
}
