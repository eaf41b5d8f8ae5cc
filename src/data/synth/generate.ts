/**
 * Writes the synthetic industrial dataset in the MVTec layout (PNG images, binary PNG masks), deterministically from
 * the seed: the same options give byte-identical files. Pixels are computed in typed arrays on worker threads (or the
 * calling thread for small sets) while sharp encodes earlier images on its own threads. Every file is written to a temporary name and renamed, so an
 * image on disk is always whole; the folder's marker says 'writing' until the last file is in place.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodePng } from '../images';
import { OptionError } from '../../util/errors';
import { checkRange, checkSeed, resolveOptions } from '../../util/options';
import { progress } from '../../util/progress';
import { ensureDir, writeFileAtomicAsync } from '../../util/atomic';
import type { Sample } from './render';
import { DefectType } from './defects';
import { SynthClassSpec } from './classes';
import { FAMILY_CLASSES, SYNTH_FAMILIES, SynthFamily } from './families';
import { renderJob, RenderJob, synthNoise } from './render-job';
import { startRenderPool } from './render-pool';
import { prepareSynthFolder, writeSynthMarker } from './marker';

export { SYNTH_FAMILIES };
export type { SynthFamily };

/** Sets smaller than this render on the calling thread by default (starting workers costs more than they save). */
const POOL_MIN_IMAGES = 100;

/** Bump when the pixels a seed produces change, so an old folder is not reused as if current. */
export const SYNTH_VERSION = 2;

export interface SynthOptions {
  /** Output folder (created; must be empty or a previous synthetic output). Required. */
  out: string;
  /** Seed: the same seed and options give byte-identical files. @default 0 */
  seed: number;
  /** Which generated family: 'default' or 'lookalike' (see SYNTH_FAMILIES). @default 'default' */
  family: SynthFamily;
  /** Subset of class names (see SYNTH_CLASS_NAMES, LOOKALIKE_CLASS_NAMES). @default all 12 classes of the family */
  classes?: string[];
  /** Image side in pixels. @default 256 */
  size: number;
  /** Train good images per class, overriding the per-class sizes (60-200). For quick runs and tests. @default per class */
  trainCount?: number;
  /** Normal test images per class. @default 20 */
  testGood: number;
  /** Defective test images per defect type, overriding the per-class table (30-60 per class in all). @default per class */
  defectsPerType?: number;
  /** Return at once when `out` already holds a complete set made with the same options and generator version. @default true */
  reuse: boolean;
  /** Replace a set this kit made in `out` with other options (its class folders are deleted); without it that is refused. @default false */
  replace: boolean;
  /** No progress lines. @default false */
  quiet: boolean;
  /**
   * Render threads: worker threads that compute the pixels (1 = the calling thread). Changes no byte of the output.
   * @default os.availableParallelism() for sets of 100 images or more, else 1
   */
  threads?: number;
}

export const SYNTH_DEFAULTS: SynthOptions = {
  out: '',
  seed: 0,
  family: 'default',
  classes: undefined,
  size: 256,
  trainCount: undefined,
  testGood: 20,
  defectsPerType: undefined,
  reuse: true,
  replace: false,
  quiet: false,
  threads: undefined,
};

export interface SynthClassReport {
  name: string;
  kind: 'texture' | 'object';
  train: number;
  testGood: number;
  defects: Record<string, number>;
}
export interface SynthReport {
  out: string;
  seed: number;
  size: number;
  classes: SynthClassReport[];
  images: number;
  masks: number;
  seconds: number;
  reused: boolean;
}

interface Job {
  cls: SynthClassSpec;
  split: 'train' | 'test';
  defect: DefectType | 'good';
  index: number;
}

function plan(specs: SynthClassSpec[], o: SynthOptions): Job[] {
  const jobs: Job[] = [];
  for (const cls of specs) {
    const nTrain = o.trainCount ?? cls.train;
    for (let i = 0; i < nTrain; i++) jobs.push({ cls, split: 'train', defect: 'good', index: i });
    for (let i = 0; i < o.testGood; i++) jobs.push({ cls, split: 'test', defect: 'good', index: i });
    for (const [d, n] of Object.entries(cls.defects)) {
      for (let i = 0; i < (o.defectsPerType ?? n ?? 0); i++)
        jobs.push({ cls, split: 'test', defect: d as DefectType, index: i });
    }
  }
  return jobs;
}

function report(specs: SynthClassSpec[], o: SynthOptions): SynthClassReport[] {
  return specs.map((s) => ({
    name: s.product.name,
    kind: s.product.kind,
    train: o.trainCount ?? s.train,
    testGood: o.testGood,
    defects: Object.fromEntries(Object.entries(s.defects).map(([d, n]) => [d, o.defectsPerType ?? n ?? 0])),
  }));
}

/** Generates the synthetic dataset; see SynthOptions. Resolves with what was written and how long it took. */
export async function generateSynthetic(options: Partial<SynthOptions> & { out: string }): Promise<SynthReport> {
  const o = resolveOptions(SYNTH_DEFAULTS, options, 'generateSynthetic');
  if (typeof o.out !== 'string' || o.out === '')
    throw new OptionError('generateSynthetic: option out (the output folder) is required');
  checkSeed('seed', o.seed);
  checkRange('size', o.size, 32, 4096, { integer: true });
  checkRange('testGood', o.testGood, 1, 100000, { integer: true });
  if (o.trainCount !== undefined) checkRange('trainCount', o.trainCount, 1, 100000, { integer: true });
  if (o.defectsPerType !== undefined) checkRange('defectsPerType', o.defectsPerType, 1, 100000, { integer: true });
  if (o.threads !== undefined) checkRange('threads', o.threads, 1, 256, { integer: true });
  if (!SYNTH_FAMILIES.includes(o.family))
    throw new OptionError(`option family must be one of ${SYNTH_FAMILIES.join(', ')}, got "${String(o.family)}"`);
  const all = FAMILY_CLASSES[o.family];
  const names = all.map((s) => s.product.name);
  let specs = all;
  if (o.classes !== undefined) {
    if (!Array.isArray(o.classes) || o.classes.length === 0)
      throw new OptionError('option classes must be a non-empty list of class names');
    for (const c of o.classes)
      if (!names.includes(c))
        throw new OptionError(`option classes: unknown class "${c}" (known: ${names.join(', ')})`);
    specs = all.filter((s) => o.classes!.includes(s.product.name));
  }
  const out = path.resolve(o.out);
  // The default family's marker keeps its old form, so existing folders are still recognised and reused.
  const markerOptions = {
    ...(o.family === 'default' ? {} : { family: o.family }),
    seed: o.seed,
    size: o.size,
    classes: specs.map((s) => s.product.name),
    trainCount: o.trainCount ?? null,
    testGood: o.testGood,
    defectsPerType: o.defectsPerType ?? null,
  };
  const t0 = Date.now();
  const jobs = plan(specs, o);
  const classes = report(specs, o);
  const masks = jobs.filter((j) => j.defect !== 'good').length;
  const result = (reused: boolean): SynthReport => ({
    out,
    seed: o.seed,
    size: o.size,
    classes,
    images: jobs.length,
    masks,
    seconds: (Date.now() - t0) / 1000,
    reused,
  });
  if (prepareSynthFolder(out, { version: SYNTH_VERSION, options: markerOptions }, o) === 'reuse') return result(true);
  ensureDir(out, 'synthetic output folder');
  const marker = {
    generator: 'tailedcore-kit synth',
    version: SYNTH_VERSION,
    options: markerOptions,
    classes: markerOptions.classes,
  };
  writeSynthMarker(out, { ...marker, status: 'writing' });

  const threads = o.threads ?? (jobs.length >= POOL_MIN_IMAGES ? Math.max(1, os.availableParallelism()) : 1);
  const pool = threads > 1 ? startRenderPool(threads, { family: o.family, seed: o.seed, size: o.size }) : null;
  const noise = pool ? null : synthNoise(o.seed);
  const made = new Set<string>();
  const dir = (...p: string[]) => {
    const d = path.join(out, ...p);
    if (!made.has(d)) {
      fs.mkdirSync(d, { recursive: true });
      made.add(d);
    }
    return d;
  };
  const prog = progress('synth', jobs.length, { quiet: o.quiet });
  const pending = new Set<Promise<void>>();
  // Jobs in flight: enough to keep every render thread and sharp's encoders busy, few enough to bound memory.
  const window = pool ? 8 * threads : 12;
  let failure: unknown = null;
  try {
    for (const job of jobs) {
      if (failure) break;
      const name = job.cls.product.name;
      const rj: RenderJob = { name, split: job.split, defect: job.defect, index: job.index };
      const rendered: Promise<Sample> = pool
        ? pool.render(rj)
        : Promise.resolve(renderJob(o.family, o.seed, o.size, noise!, rj));
      const file = `${String(job.index).padStart(3, '0')}.png`;
      const imgFile = path.join(dir(name, job.split, job.defect), file);
      const raw = { width: o.size, height: o.size };
      const task = (async () => {
        const sample = await rendered;
        const png = await encodePng({ data: sample.rgb, ...raw }, 3, 3);
        await writeFileAtomicAsync(imgFile, png, 'image', { fsync: false }); // the completion marker, written last, guards the set
        if (sample.mask) {
          const maskFile = path.join(
            dir(name, 'ground_truth', job.defect),
            `${String(job.index).padStart(3, '0')}_mask.png`,
          );
          const mpng = await encodePng({ data: sample.mask, ...raw }, 1, 6);
          await writeFileAtomicAsync(maskFile, mpng, 'mask', { fsync: false });
        }
        prog.tick();
      })().catch((e) => {
        failure = failure ?? e;
      });
      pending.add(task);
      void task.finally(() => pending.delete(task));
      if (pending.size >= window) await Promise.race(pending);
    }
    await Promise.all(pending);
  } finally {
    await pool?.close();
  }
  if (failure) throw failure;
  prog.done();
  writeSynthMarker(out, { ...marker, status: 'complete' });
  return result(false);
}
