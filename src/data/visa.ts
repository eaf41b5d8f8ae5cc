/**
 * VisA -> MVTec layout, from VisA's own folders and its split file `split_csv/1cls.csv`
 * (columns object,split,label,image,mask; paths relative to the VisA root), as the official converter does:
 *   normal train -> <class>/train/good, normal test -> <class>/test/good, anomalies -> <class>/test/bad,
 *   masks -> <class>/ground_truth/bad/<stem>_mask.png. Images are copied byte for byte (JPG kept as is).
 * Deviation from the official converter: masks are rewritten as 0/255 PNGs. VisA's masks store small label values,
 * which a ">127 is defect" reader (ours, and a uint8 cast of ToTensor in the official loader) would read as empty.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { InputError } from '../util/errors';
import { splitCsvLine } from '../util/csv';
import { hasImageExtension } from './layout';
import { writePng } from './images';
import { writeFileAtomicAsync } from '../util/atomic';

export interface VisaOptions {
  /** The split file. @default <visaRoot>/split_csv/1cls.csv */
  splitCsv?: string;
}

export interface VisaRow {
  object: string;
  split: 'train' | 'test';
  label: 'normal' | 'anomaly';
  image: string;
  mask: string;
}

/** Parses VisA's split CSV; errors name the file, the line and the problem. */
export function parseVisaCsv(file: string): VisaRow[] {
  if (!fs.existsSync(file))
    throw new InputError(
      `VisA split file not found: ${file} (expected split_csv/1cls.csv from the VisA download, or pass splitCsv)`,
    );
  const lines = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new InputError(`VisA split file ${file} has no rows`);
  const head = splitCsvLine(lines[0]).map((h) => h.trim().toLowerCase());
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0)
      throw new InputError(
        `VisA split file ${file} has no "${name}" column (header: ${lines[0]}); expected object,split,label,image,mask`,
      );
    return i;
  };
  const [io, is, il, ii, im] = ['object', 'split', 'label', 'image', 'mask'].map(col);
  return lines.slice(1).map((line, k) => {
    const f = splitCsvLine(line).map((s) => s.trim());
    const split = f[is],
      label = f[il];
    if (split !== 'train' && split !== 'test')
      throw new InputError(`${file} line ${k + 2}: split must be train or test, got "${split}"`);
    if (label !== 'normal' && label !== 'anomaly')
      throw new InputError(`${file} line ${k + 2}: label must be normal or anomaly, got "${label}"`);
    if (!f[io] || !/^[A-Za-z0-9_.-]+$/.test(f[io]))
      throw new InputError(`${file} line ${k + 2}: bad object name "${f[io]}"`);
    if (!f[ii] || !hasImageExtension(f[ii]))
      throw new InputError(`${file} line ${k + 2}: image "${f[ii]}" is not an image path`);
    if (label === 'anomaly' && !f[im])
      throw new InputError(`${file} line ${k + 2}: anomalous image ${f[ii]} has no mask path`);
    return { object: f[io], split, label, image: f[ii], mask: f[im] ?? '' };
  });
}

/** Converts a VisA download into the MVTec layout under outRoot (which must be absent or empty). Returns counts per class. */
export async function convertVisa(
  visaRoot: string,
  outRoot: string,
  opts: VisaOptions = {},
): Promise<Record<string, { train: number; testGood: number; testBad: number }>> {
  for (const k of Object.keys(opts))
    if (k !== 'splitCsv') throw new InputError(`convertVisa: unknown option "${k}" (known: splitCsv)`);
  const root = path.resolve(visaRoot),
    out = path.resolve(outRoot);
  if (!fs.existsSync(root)) throw new InputError(`VisA folder not found: ${root}`);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0)
    throw new InputError(`refusing to convert into ${out}: it is not empty; choose a new folder`);
  const rows = parseVisaCsv(opts.splitCsv ?? path.join(root, 'split_csv', '1cls.csv'));
  for (const r of rows) {
    const src = path.join(root, r.image);
    if (!fs.existsSync(src)) throw new InputError(`VisA image listed in the split file is missing: ${src}`);
    if (r.label === 'anomaly' && !fs.existsSync(path.join(root, r.mask))) {
      throw new InputError(`VisA mask listed for ${src} is missing: ${path.join(root, r.mask)}`);
    }
  }
  const counts: Record<string, { train: number; testGood: number; testBad: number }> = {};
  const seen = new Set<string>();
  for (const r of rows) {
    const name = path.basename(r.image);
    const stem = name.slice(0, name.length - path.extname(name).length);
    const sub =
      r.split === 'train'
        ? r.label === 'normal'
          ? 'train/good'
          : 'train/bad'
        : r.label === 'normal'
          ? 'test/good'
          : 'test/bad';
    if (sub === 'train/bad')
      throw new InputError(
        `VisA split file lists an anomalous training image (${r.image}); the 1cls split has none. Check the file`,
      );
    const dst = path.join(out, r.object, sub, name);
    if (seen.has(dst))
      throw new InputError(`two VisA rows map to the same file ${dst} (duplicate image name ${name} in ${r.object})`);
    seen.add(dst);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    await writeFileAtomicAsync(dst, await fs.promises.readFile(path.join(root, r.image)), 'image');
    const c = (counts[r.object] ??= { train: 0, testGood: 0, testBad: 0 });
    if (sub === 'train/good') c.train++;
    else if (sub === 'test/good') c.testGood++;
    else c.testBad++;
    if (r.label === 'anomaly') {
      const mdst = path.join(out, r.object, 'ground_truth', 'bad', `${stem}_mask.png`);
      fs.mkdirSync(path.dirname(mdst), { recursive: true });
      const msrc = path.join(root, r.mask);
      let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
      try {
        raw = await sharp(msrc).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
      } catch (e) {
        throw new InputError(`cannot decode VisA mask ${msrc}: ${(e as Error).message}`);
      }
      const bin = Buffer.alloc(raw.info.width * raw.info.height);
      for (let i = 0; i < bin.length; i++) bin[i] = raw.data[i * raw.info.channels] !== 0 ? 255 : 0;
      await writePng(mdst, { data: bin, width: raw.info.width, height: raw.info.height }, 1);
    }
  }
  return counts;
}
