/**
 * All features of one dataset, extracted once and shared by every cell: each cell's training set (kept goods plus
 * injected test anomalies) and each class's test set are row selections of it. The extractor's own disk cache makes
 * a rerun cheap; this store avoids re-reading it for every cell.
 */
import type { FeatureSet } from '../features/types';
import { Matrix, zeros } from '../linalg/matrix';
import type { FeatureSource } from './pipeline';
import { InputError } from '../util/errors';
import { progress } from '../util/progress';

export interface FeatureStore {
  /** Features of the given images, in the given order (embeddings with 0 columns in a lazy store). */
  take(paths: string[]): FeatureSet;
  readonly imageCount: number;
  /**
   * A lazy store only (buildFeatureStore with lazyEmbeddings): the image embeddings of the given images, computed on
   * first use (through the extractor's cache) and kept in memory. Only TailSampler reads embeddings, so only the
   * training images of the splits TailedCore is fitted on ever get one.
   */
  embeddingsOf?(paths: string[]): Promise<Matrix>;
}

/** Copies the blocks of the given (part, image) pairs out of the stored parts, in order. */
function select(parts: FeatureSet[], where: ArrayLike<number>, row: ArrayLike<number>): FeatureSet {
  const f = parts[0];
  const per = f.gridH * f.gridW;
  const dim = f.patches.cols;
  const edim = f.embeddings.cols;
  const n = where.length;
  const patches = new Float32Array(n * per * dim);
  const emb = new Float32Array(n * edim);
  for (let k = 0; k < n; k++) {
    const p = parts[where[k]];
    const i = row[k];
    patches.set(p.patches.data.subarray(i * per * dim, (i + 1) * per * dim), k * per * dim);
    emb.set(p.embeddings.data.subarray(i * edim, (i + 1) * edim), k * edim);
  }
  return {
    patches: { data: patches, rows: n * per, cols: dim },
    embeddings: { data: emb, rows: n, cols: edim },
    gridH: f.gridH,
    gridW: f.gridW,
    imageCount: n,
    inputSize: f.inputSize,
  };
}

/** Throws unless every part has the first part's grid and dimensions (`verb`: what the caller does with them). */
function checkSameGeometry(parts: FeatureSet[], verb: string): void {
  const f = parts[0];
  for (const p of parts) {
    if (
      p.gridH !== f.gridH ||
      p.gridW !== f.gridW ||
      p.patches.cols !== f.patches.cols ||
      p.embeddings.cols !== f.embeddings.cols
    ) {
      throw new InputError(
        `feature sets of different geometry cannot be ${verb} (did the feature options change mid-run?)`,
      );
    }
  }
}

/** Concatenates feature sets of the same geometry. */
export function concatFeatureSets(parts: FeatureSet[]): FeatureSet {
  if (parts.length === 0) throw new InputError('no feature sets to concatenate');
  const f = parts[0];
  checkSameGeometry(parts, 'concatenated');
  let images = 0;
  for (const p of parts) images += p.imageCount;
  const per = f.gridH * f.gridW;
  const patches = new Float32Array(images * per * f.patches.cols);
  const emb = new Float32Array(images * f.embeddings.cols);
  let po = 0;
  let eo = 0;
  for (const p of parts) {
    patches.set(p.patches.data, po);
    po += p.patches.data.length;
    emb.set(p.embeddings.data, eo);
    eo += p.embeddings.data.length;
  }
  return {
    patches: { data: patches, rows: images * per, cols: f.patches.cols },
    embeddings: { data: emb, rows: images, cols: f.embeddings.cols },
    gridH: f.gridH,
    gridW: f.gridW,
    imageCount: images,
    inputSize: f.inputSize,
  };
}

/** Extracts every path once (in chunks, with a progress line) and keeps the result in memory. */
export async function buildFeatureStore(
  fx: FeatureSource,
  paths: string[],
  opts: { chunk?: number; quiet?: boolean; label?: string; lazyEmbeddings?: boolean } = {},
): Promise<FeatureStore> {
  const unique = [...new Set(paths)];
  // Patch features now, image embeddings only when asked for (the extractor must offer both halves).
  const lazy = opts.lazyEmbeddings === true && !!fx.extractPatches && !!fx.extractEmbeddings;
  const chunk = opts.chunk ?? 32;
  const parts: FeatureSet[] = [];
  const bar = progress(opts.label ?? 'features', unique.length, { quiet: opts.quiet });
  for (let i = 0; i < unique.length; i += chunk) {
    const part = unique.slice(i, i + chunk);
    const fs = lazy ? await fx.extractPatches!(part) : await fx.extract(part);
    if (fs.imageCount !== part.length)
      throw new InputError(`feature extractor returned ${fs.imageCount} images for ${part.length} paths`);
    parts.push(fs);
    bar.tick(part.length);
  }
  bar.done();
  // The chunks are kept as they are, never concatenated: a whole dataset at the paper's geometry (MVTec AD: 5,354
  // images x 784 patches x 1024 dims = 4.3e9 floats) is past the largest typed array Node allows (2^32 elements).
  checkSameGeometry(parts, 'combined');
  const where = new Map(unique.map((p, i) => [p, i] as [string, number]));
  const embedded = new Map<string, Float32Array>();
  const embeddingsOf = async (list: string[]): Promise<Matrix> => {
    for (const p of list)
      if (!where.has(p))
        throw new InputError(`image ${p} was not extracted into the feature store (is it outside the dataset root?)`);
    const missing = [...new Set(list.filter((p) => !embedded.has(p)))];
    let dim = embedded.size ? embedded.values().next().value!.length : 0;
    if (missing.length) {
      const e = await fx.extractEmbeddings!(missing);
      dim = e.cols;
      missing.forEach((p, k) => embedded.set(p, e.data.slice(k * dim, (k + 1) * dim)));
    }
    const out = zeros(list.length, dim);
    list.forEach((p, k) => out.data.set(embedded.get(p)!, k * dim));
    return out;
  };
  return {
    ...(lazy ? { embeddingsOf } : {}),
    imageCount: unique.length,
    take(list: string[]): FeatureSet {
      if (parts.length === 0) throw new InputError('the feature store is empty');
      const part = new Int32Array(list.length);
      const row = new Int32Array(list.length);
      list.forEach((p, k) => {
        const i = where.get(p);
        if (i === undefined)
          throw new InputError(`image ${p} was not extracted into the feature store (is it outside the dataset root?)`);
        part[k] = Math.floor(i / chunk);
        row[k] = i % chunk;
      });
      return select(parts, part, row);
    },
  };
}
