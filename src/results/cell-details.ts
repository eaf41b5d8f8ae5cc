/**
 * What a run records per cell beside its rows, for the HTML report (src/report/html-report.ts): fit and predict
 * times, TailSampler's decision on the split, and a bounded number of anomaly-map thumbnails per class. One JSON file
 * per cell in <run>/parts/<part>/details/, written atomically before the cell is committed; a cell recomputed later
 * overwrites its file. Not part of results.csv: a run without details still has every number.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DETAILS_DIR = 'details';

/** One test image of a class as the report shows it. */
export interface MapThumb {
  /** Path relative to the dataset root. */
  rel: string;
  /** 1 = anomalous. */
  label: number;
  score: number;
  /** data: URI of the thumbnail (image with the ground-truth outline | anomaly map with the outline). */
  src: string;
  /** False when the image file could not be read (the map is drawn on grey). */
  imageRead: boolean;
}

export interface ClassMaps {
  class: string;
  /** Highest image scores first. */
  highest: MapThumb[];
  /** Lowest image scores first. */
  lowest: MapThumb[];
}

/** TailSampler's decision on one split (a cell of a method with a TailSampler tail branch). */
export interface TailSamplerRecord {
  /** TailSampler's cut on the predicted class size. */
  maxK: number | null;
  /** Class names; `imageClass` indexes into it. */
  classes: string[];
  /** Per training image, in training order: class index, true class size, predicted size, selected, injected noise. */
  imageClass: number[];
  trueSize: number[];
  predicted: number[];
  selected: number[];
  noise: number[];
  /** Thumbnails of (up to a bound of) the selected images. */
  thumbnails: { index: number; class: string; noise: boolean; src: string | null }[];
}

export interface CellDetails {
  /** Cell id (grid.cellKey). */
  cell: string;
  /** Split id (grid.splitId). */
  split: string;
  method: string;
  fitSeconds: number;
  predictSeconds: number;
  /** The model's own stage timings in ms (MemoryBankModel.info.timings), when it reports them. */
  stageMs?: Record<string, number>;
  mapSize: number;
  maps: ClassMaps[];
  tailSampler?: TailSamplerRecord;
}

/** Wall time of a dataset's feature extraction in one part. */
export interface FeatureStageRecord {
  stage: 'features';
  dataset: string;
  images: number;
  seconds: number;
}

/** The details file of a cell in a part folder. */
export function cellDetailsFile(partDir: string, cell: string): string {
  const h = crypto.createHash('sha256').update(cell).digest('hex').slice(0, 16);
  return path.join(partDir, DETAILS_DIR, `cell-${h}.json`);
}

/** The feature-stage record of a dataset in a part folder. */
export function featureStageFile(partDir: string, dataset: string): string {
  const h = crypto.createHash('sha256').update(dataset).digest('hex').slice(0, 16);
  return path.join(partDir, DETAILS_DIR, `features-${h}.json`);
}

/** Every details file of a run folder (all parts); unreadable files are skipped and named in `problems`. */
export function readRunDetails(runDir: string): {
  cells: Map<string, CellDetails>;
  features: FeatureStageRecord[];
  problems: string[];
} {
  const cells = new Map<string, CellDetails>();
  const features: FeatureStageRecord[] = [];
  const problems: string[] = [];
  const parts = path.join(runDir, 'parts');
  if (!fs.existsSync(parts)) return { cells, features, problems };
  for (const p of fs.readdirSync(parts).sort()) {
    const d = path.join(parts, p, DETAILS_DIR);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) {
      if (!f.endsWith('.json')) continue;
      try {
        const v = JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')) as CellDetails | FeatureStageRecord;
        if ('stage' in v) features.push(v);
        else if (typeof v.cell === 'string') cells.set(v.cell, v);
      } catch {
        problems.push(`${path.join(d, f)}: not valid JSON, skipped`);
      }
    }
  }
  return { cells, features, problems };
}
