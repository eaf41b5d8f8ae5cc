/**
 * Test fixtures for the paper's protocol: a small MVTec-layout (or VisA-layout) dataset with the real class, defect
 * and file names, and manifests in the authors' format (<setting>/seedNN/{prune_good,inject_defects}.txt, injected
 * files written as their training-copy name <class>/train/good/<defect>_<file>).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writePng } from '../../src/data/images';
import { createRng } from '../../src/util/rng';

const pad = (i: number) => String(i).padStart(3, '0');

export interface FixtureClass {
  name: string;
  /** Train/good file names. */
  train: string[];
  /** Anomalous test images: defect folder and file name. */
  anomalies: { defect: string; file: string }[];
}

/** Four real MVTec AD classes with two real defect types each (names as in MVTec AD). */
export const MVTEC_FIXTURE_DEFECTS: Record<string, string[]> = {
  bottle: ['broken_large', 'contamination'],
  carpet: ['color', 'metal_contamination'],
  screw: ['scratch_head', 'thread_top'],
  zipper: ['broken_teeth', 'fabric_interior'],
};
/** Three VisA classes (converted layout: anomalies in test/bad, .JPG files). */
export const VISA_FIXTURE_DEFECTS: Record<string, string[]> = { candle: ['bad'], cashew: ['bad'], pcb1: ['bad'] };

/**
 * Writes the dataset: per class `train` goods (000.png ...), 2 good test images, `perDefect` images per defect type and
 * their masks in ground_truth/<defect>/<file>_mask.png. Images are size x size, a class colour with seeded noise; an
 * anomaly has a bright square where its mask is white. With `empty`, files are written empty (layout checks only).
 */
export async function writeFixtureDataset(
  root: string,
  opts: {
    defects: Record<string, string[]>;
    train: number;
    perDefect: number;
    size?: number;
    ext?: string;
    empty?: boolean;
  },
): Promise<FixtureClass[]> {
  const size = opts.size ?? 32;
  const ext = opts.ext ?? 'png';
  const rng = createRng('fixture-images');
  const out: FixtureClass[] = [];
  const names = Object.keys(opts.defects).sort();
  const write = async (file: string, cls: number, defect: boolean) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (opts.empty) {
      fs.writeFileSync(file, '');
      return;
    }
    const data = new Uint8Array(size * size * 3);
    for (let p = 0; p < size * size; p++) {
      for (let c = 0; c < 3; c++)
        data[p * 3 + c] = Math.max(0, Math.min(255, 60 + 50 * ((cls + c) % 3) + Math.floor(rng.next() * 40)));
    }
    if (defect) {
      for (let y = 8; y < 16; y++)
        for (let x = 8; x < 16; x++) for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = 250;
    }
    await writePng(file, { data, width: size, height: size });
  };
  const writeMask = async (file: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (opts.empty) {
      fs.writeFileSync(file, '');
      return;
    }
    const data = new Uint8Array(size * size);
    for (let y = 8; y < 16; y++) for (let x = 8; x < 16; x++) data[y * size + x] = 255;
    await writePng(file, { data, width: size, height: size }, 1);
  };
  for (const [ci, name] of names.entries()) {
    const train: string[] = [];
    for (let i = 0; i < opts.train; i++) {
      train.push(`${pad(i)}.${ext}`);
      await write(path.join(root, name, 'train', 'good', `${pad(i)}.${ext}`), ci, false);
    }
    for (let i = 0; i < 2; i++) await write(path.join(root, name, 'test', 'good', `${pad(i)}.${ext}`), ci, false);
    const anomalies: { defect: string; file: string }[] = [];
    for (const defect of opts.defects[name]) {
      for (let i = 0; i < opts.perDefect; i++) {
        const file = `${pad(i)}.${ext}`;
        anomalies.push({ defect, file });
        await write(path.join(root, name, 'test', defect, file), ci, true);
        await writeMask(path.join(root, name, 'ground_truth', defect, `${pad(i)}_mask.png`));
      }
    }
    out.push({ name, train, anomalies });
  }
  return out;
}

/** Writes one official manifest: each class keeps its first keep[c] train images (rotated by `seed`) and injects its first inject[c] anomalies. */
export function writeOfficialManifest(
  folder: string,
  setting: string,
  seed: number,
  classes: FixtureClass[],
  keep: Record<string, number>,
  inject: Record<string, number>,
): string {
  const dir = path.join(folder, setting, `seed${String(seed).padStart(2, '0')}`);
  fs.mkdirSync(dir, { recursive: true });
  const prune: string[] = [];
  const injected: string[] = [];
  for (const c of classes) {
    const n = c.train.length;
    const kept = new Set(Array.from({ length: keep[c.name] ?? n }, (_, i) => c.train[(i + seed) % n]));
    for (const f of c.train) if (!kept.has(f)) prune.push(`${c.name}/train/good/${f}`);
    for (const a of c.anomalies.slice(0, inject[c.name] ?? 0))
      injected.push(`${c.name}/train/good/${a.defect}_${a.file}`);
  }
  fs.writeFileSync(path.join(dir, 'prune_good.txt'), prune.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'inject_defects.txt'), injected.join('\n') + (injected.length ? '\n' : ''));
  return dir;
}

/**
 * The full set of settings (step_k1, step_k4, pareto) x seeds, with compositions whose noise ratio is `ratio` exactly:
 * step: the two classes at positions seed, seed+1 (mod #classes) are tail and keep K; every other class keeps all and
 * injects round(ratio * train); Pareto: class sizes from `paretoKeep` rotated by seed, `paretoInject` likewise.
 */
export function writeOfficialManifests(
  folder: string,
  classes: FixtureClass[],
  o: { settings: string[]; seeds: number[]; ratio: number; paretoKeep: number[]; paretoInject: number[] },
): void {
  const names = classes.map((c) => c.name);
  for (const seed of o.seeds) {
    for (const setting of o.settings) {
      const keep: Record<string, number> = {};
      const inject: Record<string, number> = {};
      if (setting === 'pareto') {
        names.forEach((n, i) => {
          keep[n] = o.paretoKeep[(i + seed) % names.length];
          inject[n] = o.paretoInject[(i + seed) % names.length];
        });
      } else {
        const k = Number(/^step_k(\d+)$/.exec(setting)![1]);
        const tail = new Set([names[seed % names.length], names[(seed + 1) % names.length]]);
        for (const c of classes) {
          if (tail.has(c.name)) {
            keep[c.name] = k;
            inject[c.name] = 0;
          } else {
            keep[c.name] = c.train.length;
            inject[c.name] = Math.round(o.ratio * c.train.length);
          }
        }
      }
      writeOfficialManifest(folder, setting, seed, classes, keep, inject);
    }
  }
}
