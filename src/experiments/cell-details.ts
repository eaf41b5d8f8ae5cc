/**
 * Records what the HTML report shows about one cell (src/results/cell-details.ts): times, TailSampler's decision and
 * the highest- and lowest-scored test images of every class as small anomaly-map thumbnails. Called by the runner
 * after a cell's evaluation, before the cell is committed.
 */
import * as path from 'node:path';
import type { Dataset, Manifest } from '../data/types';
import type { SplitEvaluation } from '../results/evaluation';
import {
  cellDetailsFile,
  CellDetails,
  ClassMaps,
  featureStageFile,
  FeatureStageRecord,
  MapThumb,
  TailSamplerRecord,
} from '../results/cell-details';
import { imageThumbnail, mapThumbnail } from '../plots/thumbnails';
import { writeFileAtomic } from '../util/atomic';
import { OptionError } from '../util/errors';
import type { Pipeline } from './pipeline';

export interface CellDetailsOptions {
  /** Test images kept per class and method at each end (highest and lowest image score). @default 1 */
  mapsPerClass?: number;
  /** Thumbnails of TailSampler's selected images kept per split. @default 24 */
  tailThumbnails?: number;
  /** Side of a thumbnail panel in px. @default 64 */
  thumbnailSize?: number;
}

export const CELL_DETAILS_DEFAULTS: Required<CellDetailsOptions> = {
  mapsPerClass: 1,
  tailThumbnails: 24,
  thumbnailSize: 64,
};

export function resolveCellDetailsOptions(o: CellDetailsOptions = {}): Required<CellDetailsOptions> {
  const given = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  for (const k of Object.keys(given))
    if (!(k in CELL_DETAILS_DEFAULTS))
      throw new OptionError(
        `unknown cell-details option "${k}" (known: ${Object.keys(CELL_DETAILS_DEFAULTS).join(', ')})`,
      );
  const r = { ...CELL_DETAILS_DEFAULTS, ...given };
  for (const [k, v] of Object.entries(r))
    if (!Number.isInteger(v) || v < 0 || (k === 'thumbnailSize' && v < 8))
      throw new OptionError(`option ${k} must be an integer >= ${k === 'thumbnailSize' ? 8 : 0}, got ${String(v)}`);
  return r;
}

/** What a fitted memory-bank model reports after fit (MemoryBankModel.info), read without importing models. */
interface FitInfo {
  tailImageIndices?: Int32Array;
  predictedClassSizes?: Float32Array | null;
  maxK?: number | null;
  timings?: Record<string, number>;
}

function fitInfo(model: unknown): FitInfo | null {
  try {
    const info = (model as { info?: FitInfo }).info;
    return info && typeof info === 'object' ? info : null;
  } catch {
    return null; // not fitted, or a model without diagnostics
  }
}

async function classMaps(ev: SplitEvaluation, o: Required<CellDetailsOptions>): Promise<ClassMaps[]> {
  const out: ClassMaps[] = [];
  for (const c of ev.classes) {
    const p = c.prediction;
    if (!p || o.mapsPerClass === 0) continue;
    const px = p.mapSize * p.mapSize;
    const order = Array.from(p.imageScores.keys()).sort((a, b) => p.imageScores[b] - p.imageScores[a]);
    const n = Math.min(o.mapsPerClass, Math.floor(order.length / 2) || order.length);
    const hi = order.slice(0, n);
    const lo = order.slice(-n).reverse();
    // One colour range per class and method, over the images shown, so hot and cold thumbnails compare.
    let lmin = Infinity;
    let lmax = -Infinity;
    for (const i of [...hi, ...lo])
      for (let j = i * px; j < (i + 1) * px; j++) {
        lmin = Math.min(lmin, p.maps[j]);
        lmax = Math.max(lmax, p.maps[j]);
      }
    const thumb = async (i: number): Promise<MapThumb> => {
      const t = await mapThumbnail(
        c.test.paths[i],
        p.maps.subarray(i * px, (i + 1) * px),
        c.test.masks ? c.test.masks.subarray(i * px, (i + 1) * px) : null,
        p.mapSize,
        { lo: lmin, hi: lmax },
        { size: o.thumbnailSize },
      );
      return { rel: c.test.images[i].rel, label: c.test.labels[i], score: p.imageScores[i], ...t };
    };
    const highest: MapThumb[] = [];
    for (const i of hi) highest.push(await thumb(i));
    const lowest: MapThumb[] = [];
    for (const i of lo) lowest.push(await thumb(i));
    out.push({ class: c.name, highest, lowest });
  }
  return out;
}

async function tailRecord(
  info: FitInfo,
  pipeline: Pipeline,
  dataset: Dataset,
  manifest: Manifest,
  o: Required<CellDetailsOptions>,
): Promise<TailSamplerRecord | undefined> {
  const predicted = info.predictedClassSizes;
  if (!predicted || !info.tailImageIndices) return undefined;
  const { paths, classNames } = pipeline.trainPaths(dataset, manifest);
  const relOf = new Map(
    dataset.classes.flatMap((c) => [...c.train, ...c.test]).map((im) => [path.resolve(im.path), im.rel]),
  );
  const injected = new Set(manifest.classes.flatMap((c) => c.injected));
  const classes = [...new Set(classNames)];
  const size = new Map<string, number>();
  for (const c of classNames) size.set(c, (size.get(c) ?? 0) + 1);
  const noise = paths.map((p) => (injected.has(relOf.get(path.resolve(p)) ?? '') ? 1 : 0));
  const selected = new Array<number>(paths.length).fill(0);
  for (const i of info.tailImageIndices) selected[i] = 1;
  const thumbnails: TailSamplerRecord['thumbnails'] = [];
  for (const i of Array.from(info.tailImageIndices).slice(0, o.tailThumbnails))
    thumbnails.push({
      index: i,
      class: classNames[i],
      noise: noise[i] === 1,
      src: await imageThumbnail(paths[i], { size: o.thumbnailSize }),
    });
  return {
    maxK: info.maxK ?? null,
    classes,
    imageClass: classNames.map((c) => classes.indexOf(c)),
    trueSize: classNames.map((c) => size.get(c)!),
    predicted: Array.from(predicted, (v) => Math.round(v * 100) / 100),
    selected,
    noise,
    thumbnails,
  };
}

/** Writes the details file of a finished cell into its part folder. */
export async function recordCellDetails(
  partDir: string,
  ids: { cell: string; split: string; method: string },
  ev: SplitEvaluation,
  ctx: { pipeline: Pipeline; dataset: Dataset; manifest: Manifest },
  opts: CellDetailsOptions = {},
): Promise<void> {
  const o = resolveCellDetailsOptions(opts);
  const info = fitInfo(ev.model);
  const rec: CellDetails = {
    ...ids,
    fitSeconds: ev.fitSeconds,
    predictSeconds: ev.predictSeconds,
    stageMs: info?.timings,
    mapSize: ev.classes.find((c) => c.prediction)?.prediction?.mapSize ?? 0,
    maps: await classMaps(ev, o),
    tailSampler: info ? await tailRecord(info, ctx.pipeline, ctx.dataset, ctx.manifest, o) : undefined,
  };
  writeFileAtomic(cellDetailsFile(partDir, ids.cell), JSON.stringify(rec) + '\n');
}

/** Writes the wall time of a dataset's feature extraction in this part. */
export function recordFeatureStage(partDir: string, r: Omit<FeatureStageRecord, 'stage'>): void {
  const rec: FeatureStageRecord = { stage: 'features', ...r };
  writeFileAtomic(featureStageFile(partDir, r.dataset), JSON.stringify(rec) + '\n');
}
