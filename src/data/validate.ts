/**
 * Checks a loaded dataset's files before any work, so a bad file fails at once with its name, not after the features
 * were extracted: every image decodes (fully, or its header only), and every mask decodes fully, has its image's
 * width and height (a mask is never resized to fit), and is binary (0/255 or 0/1, never thresholded).
 * All files are checked and one InputError lists the first offending files and how many there are.
 */
import * as fs from 'node:fs';
import sharp from 'sharp';
import { Dataset } from './types';
import { InputError, OptionError } from '../util/errors';
import { allImages, firstOf, loadDataset, LoadOptions } from './mvtec';
import { maskValueProblem, oneLine } from './images';
import { truncationProblem } from './image-trailer';
import { ioError } from '../util/atomic';

export interface ValidateOptions {
  /** Files decoded at once (sharp works on its own thread pool). @default 8 */
  concurrency?: number;
  /**
   * 'decode' decodes every image fully (catches truncated files); 'header' reads only each image's size (about 8x
   * faster; a truncated image then fails later, when it is read). Masks are always decoded fully. @default 'decode'
   */
  images?: 'decode' | 'header';
}

type Size = { width: number; height: number };

async function imageSize(file: string, mode: 'decode' | 'header'): Promise<Size> {
  const cut = truncationProblem(file); // also where an unreadable file is found (EACCES), before sharp
  if (cut) throw new Error(cut);
  if (mode === 'header') {
    const m = await sharp(file).metadata();
    if (!m.width || !m.height) throw new Error('no image size in the file header');
    return { width: m.width, height: m.height };
  }
  // A full decode: metadata() alone accepts a truncated PNG.
  const { info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height };
}

/** Why a mask is unusable for its image, or null. */
async function maskProblem(file: string, image: Size): Promise<string | null> {
  try {
    fs.closeSync(fs.openSync(file, 'r'));
  } catch (e) {
    const io = ioError(e, '', 'read');
    if (io instanceof InputError)
      return `cannot be read: ${io.message.replace(/^cannot read : /, '').replace(/; [^;]*$/, '')}`;
    throw e;
  }
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    return `cannot be decoded (${oneLine((e as Error).message)}): truncated or not an image`;
  }
  const { width, height, channels } = raw.info;
  if (width !== image.width || height !== image.height)
    return `is ${width}x${height} but its image is ${image.width}x${image.height}`;
  return maskValueProblem(raw.data, channels);
}

/**
 * Resolves with the counts when every image and mask is usable; otherwise throws one InputError (one line) that lists
 * the first offending files in dataset order and the number of problems.
 */
export async function validateImages(
  dataset: Dataset,
  opts: ValidateOptions = {},
): Promise<{ images: number; masks: number }> {
  for (const k of Object.keys(opts))
    if (k !== 'concurrency' && k !== 'images')
      throw new OptionError(`validateImages: unknown option "${k}" (known options: concurrency, images)`);
  const mode = opts.images ?? 'decode';
  if (mode !== 'decode' && mode !== 'header')
    throw new OptionError(`option images must be one of decode, header, got "${String(mode)}"`);
  const items = allImages(dataset);
  const conc = Math.max(1, opts.concurrency ?? 8);
  const problems: { index: number; text: string }[] = [];
  const rel = (p: string) => (p.startsWith(dataset.root + '/') ? p.slice(dataset.root.length + 1) : p);
  let next = 0;
  let masks = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const img = items[index];
      let size: Size;
      try {
        size = await imageSize(img.path, mode);
      } catch (e) {
        // A permission problem (or another errno) is named as such, not as an undecodable image.
        const io = ioError(e, rel(img.path), 'read image');
        problems.push({
          index,
          text:
            io instanceof InputError
              ? io.message.replace(/; [^;]*$/, '')
              : `image ${rel(img.path)} cannot be decoded (${oneLine((e as Error).message)})`,
        });
        continue;
      }
      if (img.maskPath) {
        masks++;
        const p = await maskProblem(img.maskPath, size);
        if (p) problems.push({ index, text: `mask ${rel(img.maskPath)} ${p}` });
      }
    }
  };
  await Promise.all(Array.from({ length: conc }, worker));
  if (problems.length > 0) {
    problems.sort((a, b) => a.index - b.index);
    const advice = problems.some((p) => p.text.startsWith('mask '))
      ? "Masks must be binary PNGs (0 and 255, or 0 and 1) of exactly their image's size; fix or replace these files"
      : problems.some((p) => p.text.startsWith('cannot read'))
        ? 'Fix the permissions of these files (or of their folders), or replace them'
        : 'Replace or remove these files';
    throw new InputError(
      `dataset ${dataset.root}: ${problems.length} bad file(s): ${firstOf(problems.map((p) => p.text))}. ${advice}`,
    );
  }
  return { images: items.length, masks };
}

/**
 * Loads a dataset in the MVTec layout and validates it before any work (`loadDataset` + `validateImages`): what the
 * CLIs and the experiment runner call. Masks are always decoded in full; images by default only up to their size
 * (`validate: { images: 'header' }`): a full decode of every image would cost about a third of the feature extraction
 * at MVTec's 1024 px and dominate a resumed run whose features are cached, while a truncated image still fails with
 * its name as soon as it is read. Pass `validate: { images: 'decode' }` to decode every image up front.
 */
export async function openDataset(
  root: string,
  opts: LoadOptions & { validate?: ValidateOptions } = {},
): Promise<Dataset> {
  const { validate, ...load } = opts;
  const dataset = loadDataset(root, load);
  await validateImages(dataset, { images: 'header', ...validate });
  return dataset;
}
