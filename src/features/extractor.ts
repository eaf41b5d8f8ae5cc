/**
 * FeatureExtractor: the API the models use. Images -> preprocessing -> backbone -> patch embedding, with a
 * content-keyed disk cache, progress with ETA, and the tail augmentation views (docs/method.md §3.3).
 */
import * as fs from 'node:fs';
import { Matrix, zeros } from '../linalg/matrix';
import { readRgb, readMask } from '../data/images';
import { RgbImage } from '../data/types';
import { InputError, OptionError } from '../util/errors';
import { resolveOptions, checkRange } from '../util/options';
import { progress } from '../util/progress';
import { Backbone, FeatureSet, ImageBatch, LayerMap } from './types';
import { activeTfBackend, selectTfBackend, TfBackendChoice } from './backend';
import { withFastestEngine } from './backbones/fastest-engine';
import { loadBundledBackbone, BUNDLED_DEFAULTS } from './backbones/bundled';
import {
  ImageEmbedder,
  EmbeddingChoice,
  EMBEDDING_CHOICES,
  resolveEmbedding,
  ResolvedEmbedding,
} from './embedding-pass';
import { preprocess, preprocessResizeOnly, preprocessMask, FloatImage, MaskPreprocessOptions } from './preprocess';
import { augmentationViews, renderView, viewKey, AugmentationType } from './augment';
import { patchEmbed } from './patch-embed';
import { FeatureCache, cacheKey, sha256File, CacheShape } from './cache';

/**
 * Patch dimension for the bundled MobileNetV2 (block_5_add 32 ch + block_10_project_BN 96 ch; the paper's 1024 is
 * for WRN50's 512 + 1024 channels). Fusion gives each layer D/2 dims. At D = 192 every block_10 dim is (nearly) one
 * channel's 3x3 mean, as every layer2 dim is in the paper, and every block_5 dim is one kernel row of one channel:
 * the smallest D that mixes no channels. Measured by scripts/choose-dim.ts (PatchCore, 6 synthetic classes):
 * best pixel AUROC at 192 (89.4 vs 86.4-87.8 for 64-512), image AUROC within noise across D.
 */
export const BUNDLED_TARGET_DIM = 192;

export interface FeatureExtractorOptions {
  /** The backbone. @default the bundled MobileNetV2 (loadBundledBackbone()) */
  backbone?: Backbone;
  /** Shorter side after resize. @default 256 (paper) */
  resize?: number;
  /** Centre crop side. @default 224 (paper) */
  crop?: number;
  /** Patch feature dimension. @default BUNDLED_TARGET_DIM (192) for the bundled MobileNetV2; 1024 (the paper's, for WRN50) for any other backbone */
  targetDim?: number;
  /** Patch neighbourhood. @default 3 (paper) */
  patchSize?: number;
  /** Feature cache folder; null disables the cache. @default null */
  cacheDir?: string | null;
  /** Images per backbone call. @default 8 */
  batchSize?: number;
  /** tfjs backend, when the bundled backbone is loaded here (with your own backbone, call selectTfBackend first). @default 'auto' */
  backend?: TfBackendChoice;
  /** No progress lines or logs. @default false */
  quiet?: boolean;
  /**
   * The image embedding TailSampler uses (src/features/embedding-pass.ts):
   * - 'kit-default': the embedding chosen by scripts/choose-embedding.ts, computed in its own pass (a deviation from
   *   the paper, measured in assets/backbones/README.md);
   * - 'paper': the paper's form, the raw average pool of the backbone's embedding layer (bundled: block_10_expand_relu);
   * - 'mobilenet-max': the kit's previous default, the global max pool of MobileNetV2's block_10_expand_relu;
   * - 'backbone': whatever the backbone's own embedding is (e.g. the avgpool output of a WRN50 ONNX export);
   * - an EmbeddingSpec object { resize, crop, flip, parts: [{ net, layer, pool, sqrt? }] }.
   * @default 'kit-default' with the bundled backbone; 'backbone' when you pass your own backbone
   */
  embedding?: EmbeddingChoice;
}

const DEFAULTS = {
  backbone: undefined as Backbone | undefined,
  resize: 256,
  crop: 224,
  targetDim: undefined as number | undefined,
  patchSize: 3,
  cacheDir: null as string | null,
  batchSize: 8,
  backend: 'auto' as TfBackendChoice,
  quiet: false,
  embedding: undefined as EmbeddingChoice | undefined,
};

/** What run records store about the features. */
export interface FeatureExtractorInfo {
  backend: string;
  backboneId: string;
  patchLayers: string[];
  embeddingLayer: string;
  embeddingPool: string;
  normalization: string;
  resize: number;
  crop: number;
  patchSize: number;
  targetDim: number;
  gridH: number;
  gridW: number;
  embedDim: number;
  layerShapes: Record<string, [number, number, number]>;
  cacheDir: string | null;
  /** The image embedding in full: its name, where it comes from, and (for its own pass) the spec and net weights. */
  embedding: ResolvedEmbedding['description'];
}

export interface ExtractStats {
  hits: number;
  misses: number;
  /** Cache entries found corrupt, deleted and recomputed. */
  corrupt: number;
}

export class FeatureExtractor {
  readonly stats: ExtractStats = { hits: 0, misses: 0, corrupt: 0 };
  private readonly cache: FeatureCache | null;
  private readonly shapes: Record<string, [number, number, number]>;
  readonly gridH: number;
  readonly gridW: number;
  readonly embedDim: number;

  private constructor(
    readonly backbone: Backbone,
    private readonly o: typeof DEFAULTS & { targetDim: number },
    probe: { shapes: Record<string, [number, number, number]>; embedDim: number },
    private readonly emb: ResolvedEmbedding,
    /** The separate embedding pass, or null when the patch pass's own embedding is used. */
    readonly embedder: ImageEmbedder | null,
  ) {
    this.shapes = probe.shapes;
    const first = probe.shapes[backbone.patchLayers[0]];
    this.gridH = first[0];
    this.gridW = first[1];
    this.embedDim = probe.embedDim;
    this.cache = o.cacheDir ? new FeatureCache(o.cacheDir, { warn: (m) => process.stderr.write(m + '\n') }) : null;
  }

  static async create(options?: FeatureExtractorOptions): Promise<FeatureExtractor> {
    const o = resolveOptions(DEFAULTS, options as Partial<typeof DEFAULTS>, 'FeatureExtractor.create');
    checkRange('resize', o.resize, 8, 8192, { integer: true });
    checkRange('crop', o.crop, 8, o.resize, { integer: true });
    checkRange('patchSize', o.patchSize, 1, 15, { integer: true });
    checkRange('batchSize', o.batchSize, 1, 4096, { integer: true });
    let backbone = o.backbone;
    if (backbone && o.backend !== 'auto') {
      throw new OptionError(
        `FeatureExtractor.create: option backend applies only when it loads the bundled backbone; with your own backbone, call selectTfBackend({ backend: '${o.backend}' }) before loading it`,
      );
    }
    const ownBackbone = !backbone;
    const choice: EmbeddingChoice = o.embedding ?? (ownBackbone ? 'kit-default' : 'backbone');
    if (typeof choice === 'string' && !EMBEDDING_CHOICES.includes(choice)) {
      throw new OptionError(
        `FeatureExtractor.create: option embedding must be one of ${EMBEDDING_CHOICES.join(', ')} or an object { resize, crop, flip, parts }, got "${choice}"`,
      );
    }
    if (!backbone) {
      await selectTfBackend({ backend: o.backend, quiet: o.quiet });
      // The bundled backbone pools its embedding layer by max (the previous default) unless the paper's form is asked for;
      // tfjs for an explicit tfjs backend, else the faster engine (onnxruntime unless native tensorflow is active).
      const bundled = await loadBundledBackbone({
        embeddingPool: choice === 'paper' ? 'avg' : BUNDLED_DEFAULTS.embeddingPool,
      });
      backbone = o.backend === 'auto' ? await withFastestEngine(bundled, { quiet: o.quiet }) : bundled;
    }
    const bundled = backbone.id.startsWith('mobilenetv2-imagenet-block10@');
    const targetDim = o.targetDim ?? (bundled ? BUNDLED_TARGET_DIM : 1024);
    checkRange('targetDim', targetDim, 1, 65536, { integer: true });
    // One forward pass on a blank image: validates the backbone and gives the grid and embedding sizes.
    const out = await backbone.extract({
      data: new Float32Array(o.crop * o.crop * 3),
      count: 1,
      height: o.crop,
      width: o.crop,
    });
    const shapes: Record<string, [number, number, number]> = {};
    for (const name of backbone.patchLayers) {
      const m = out.layers[0][name];
      if (!m) throw new OptionError(`backbone ${backbone.id} returned no map for patch layer ${name}`);
      shapes[name] = [m.height, m.width, m.channels];
    }
    const first = shapes[backbone.patchLayers[0]];
    for (const name of backbone.patchLayers) {
      if (shapes[name][0] > first[0] || shapes[name][1] > first[1]) {
        throw new OptionError(
          `patch layers must be listed finest first: ${name} (${shapes[name][0]}x${shapes[name][1]}) is finer than ${backbone.patchLayers[0]} (${first[0]}x${first[1]})`,
        );
      }
    }
    const emb = resolveEmbedding(choice, backbone, { resize: o.resize, crop: o.crop });
    const embedder = emb.spec ? await ImageEmbedder.create(emb.spec) : null;
    return new FeatureExtractor(
      backbone,
      { ...o, targetDim },
      { shapes, embedDim: embedder ? embedder.dim : out.embeddings.cols },
      emb,
      embedder,
    );
  }

  get targetDim(): number {
    return this.o.targetDim;
  }
  get patchesPerImage(): number {
    return this.gridH * this.gridW;
  }

  describe(): FeatureExtractorInfo {
    return {
      backend: this.backbone.engine,
      backboneId: this.backbone.id,
      patchLayers: [...this.backbone.patchLayers],
      embeddingLayer: this.embedder ? this.emb.description.layers : this.backbone.embeddingLayer,
      embeddingPool: this.embedder ? this.emb.description.pools : (this.backbone.embeddingPool ?? 'avg'),
      normalization: this.backbone.inputNormalization,
      resize: this.o.resize,
      crop: this.o.crop,
      patchSize: this.o.patchSize,
      targetDim: this.o.targetDim,
      gridH: this.gridH,
      gridW: this.gridW,
      embedDim: this.embedDim,
      layerShapes: this.shapes,
      cacheDir: this.o.cacheDir,
      embedding: this.emb.description,
    };
  }

  resetStats(): void {
    this.stats.hits = 0;
    this.stats.misses = 0;
    this.stats.corrupt = 0;
  }

  /** What changes patch numbers (cache key part); embeddings add their layer. */
  private keyConfig(withEmbedding: boolean): Record<string, unknown> {
    return {
      backbone: this.backbone.id,
      patchLayers: this.backbone.patchLayers,
      embeddingLayer: withEmbedding ? this.backbone.embeddingLayer : null,
      embeddingPool: withEmbedding ? (this.backbone.embeddingPool ?? 'avg') : null,
      // Only an embedding of its own pass adds a key part, so caches made with the backbone's embedding stay valid.
      ...(withEmbedding && this.embedder ? { embedding: this.emb.description } : {}),
      normalization: this.backbone.inputNormalization,
      resize: this.o.resize,
      crop: this.o.crop,
      targetDim: this.o.targetDim,
      patchSize: this.o.patchSize,
      resampler: 'pil-bilinear-fixed22', // bump if the resize kernel changes
    };
  }

  private mapsOf(rec: Record<string, LayerMap>): LayerMap[] {
    return this.backbone.patchLayers.map((n) => rec[n]);
  }

  private pack(images: FloatImage[]): ImageBatch {
    const s = this.o.crop;
    const data = new Float32Array(images.length * s * s * 3);
    images.forEach((im, i) => data.set(im.data, i * s * s * 3));
    return { data, count: images.length, height: s, width: s };
  }

  private prepOpts() {
    return { resize: this.o.resize, crop: this.o.crop, normalization: this.backbone.inputNormalization };
  }

  /** Features of decoded images, no cache (notebooks, benchmarks). */
  async extractImages(images: RgbImage[]): Promise<FeatureSet> {
    const P = this.patchesPerImage,
      D = this.o.targetDim;
    const patches = zeros(images.length * P, D);
    const embeddings = zeros(images.length, this.embedDim);
    for (let b = 0; b < images.length; b += this.o.batchSize) {
      const rgbs = images.slice(b, b + this.o.batchSize);
      const chunk = rgbs.map((im) => preprocess(im, this.prepOpts()));
      const out = await this.backbone.extract(this.pack(chunk));
      out.layers.forEach((rec, k) =>
        patchEmbed(this.mapsOf(rec), { targetDim: D, patchSize: this.o.patchSize }, patches, (b + k) * P),
      );
      embeddings.data.set((this.embedder ? await this.embedder.embed(rgbs) : out.embeddings).data, b * this.embedDim);
    }
    return {
      patches,
      embeddings,
      gridH: this.gridH,
      gridW: this.gridW,
      imageCount: images.length,
      inputSize: this.o.crop,
    };
  }

  private hashes(paths: string[]): string[] {
    return paths.map((p) => {
      if (typeof p !== 'string' || !fs.existsSync(p)) throw new InputError(`image not found: ${String(p)}`);
      return sha256File(p);
    });
  }

  /** Patch features + embeddings of image files, in the given order; served from the cache where possible. */
  async extract(paths: string[]): Promise<FeatureSet> {
    const n = paths.length,
      P = this.patchesPerImage,
      D = this.o.targetDim,
      E = this.embedDim;
    const patches = zeros(n * P, D);
    const embeddings = zeros(n, E);
    const shape: CacheShape = { gridH: this.gridH, gridW: this.gridW, dim: D, embedDim: E };
    const cfg = this.keyConfig(true);
    const keys = this.cache ? this.hashes(paths).map((h) => cacheKey(h, cfg, 'base')) : [];
    const todo: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!this.cache) {
        todo.push(i);
        continue;
      }
      const r = this.cache.read(
        keys[i],
        shape,
        patches.data.subarray(i * P * D, (i + 1) * P * D),
        embeddings.data.subarray(i * E, (i + 1) * E),
      );
      if (r === 'hit') this.stats.hits++;
      else {
        if (r === 'corrupt') this.stats.corrupt++;
        todo.push(i);
      }
    }
    this.stats.misses += todo.length;
    if (todo.length) {
      const bar = progress(`extracting features (${this.backbone.engine})`, todo.length, { quiet: this.o.quiet });
      const writes = new CacheWrites();
      for await (const { idx, rgbs } of decodeAhead(paths, todo, this.o.batchSize)) {
        const imgs = rgbs.map((rgb) => preprocess(rgb, this.prepOpts()));
        const out = await this.backbone.extract(this.pack(imgs));
        const emb = this.embedder ? await this.embedder.embed(rgbs) : out.embeddings;
        out.layers.forEach((rec, k) => {
          const i = idx[k];
          patchEmbed(this.mapsOf(rec), { targetDim: D, patchSize: this.o.patchSize }, patches, i * P);
          embeddings.data.set(emb.data.subarray(k * E, (k + 1) * E), i * E);
          if (this.cache)
            writes.add(
              this.cache.writeAsync(
                keys[i],
                shape,
                patches.data.subarray(i * P * D, (i + 1) * P * D),
                embeddings.data.subarray(i * E, (i + 1) * E),
              ),
            );
        });
        bar.tick(idx.length);
        await writes.room();
      }
      await writes.settle();
      bar.done();
    }
    return { patches, embeddings, gridH: this.gridH, gridW: this.gridW, imageCount: n, inputSize: this.o.crop };
  }

  /**
   * Patch features only, no image embedding (its pass can cost more than the patch pass): `embeddings` has 0
   * columns. Cached apart from the embeddings (the same key config without the embedding part, view 'base'), so that
   * extractEmbeddings can run later for just the images TailSampler sees.
   */
  async extractPatches(paths: string[]): Promise<FeatureSet> {
    const n = paths.length,
      P = this.patchesPerImage,
      D = this.o.targetDim;
    const patches = zeros(n * P, D);
    const shape: CacheShape = { gridH: this.gridH, gridW: this.gridW, dim: D, embedDim: 0 };
    const cfg = this.keyConfig(false);
    const keys = this.cache ? this.hashes(paths).map((h) => cacheKey(h, cfg, 'base')) : [];
    const todo = this.readCached(keys, shape, (i) => patches.data.subarray(i * P * D, (i + 1) * P * D), null, n);
    if (todo.length) {
      const bar = progress(`extracting patch features (${this.backbone.engine})`, todo.length, { quiet: this.o.quiet });
      const writes = new CacheWrites();
      for await (const { idx, rgbs } of decodeAhead(paths, todo, this.o.batchSize)) {
        const imgs = rgbs.map((rgb) => preprocess(rgb, this.prepOpts()));
        const out = await this.backbone.extract(this.pack(imgs));
        out.layers.forEach((rec, k) => {
          const i = idx[k];
          patchEmbed(this.mapsOf(rec), { targetDim: D, patchSize: this.o.patchSize }, patches, i * P);
          if (this.cache)
            writes.add(this.cache.writeAsync(keys[i], shape, patches.data.subarray(i * P * D, (i + 1) * P * D)));
        });
        bar.tick(idx.length);
        await writes.room();
      }
      await writes.settle();
      bar.done();
    }
    return {
      patches,
      embeddings: zeros(n, 0),
      gridH: this.gridH,
      gridW: this.gridW,
      imageCount: n,
      inputSize: this.o.crop,
    };
  }

  /**
   * The image embeddings (TailSampler's input) of `paths` only, cached apart from the patch features under a key that
   * holds the embedding's full description (view 'embedding'). extract() stays the one-pass path for both.
   */
  async extractEmbeddings(paths: string[]): Promise<Matrix> {
    const n = paths.length,
      E = this.embedDim;
    const embeddings = zeros(n, E);
    const shape: CacheShape = { gridH: 0, gridW: 0, dim: 0, embedDim: E };
    const cfg = this.keyConfig(true);
    const keys = this.cache ? this.hashes(paths).map((h) => cacheKey(h, cfg, 'embedding')) : [];
    const none = new Float32Array(0);
    const todo = this.readCached(
      keys,
      shape,
      () => none,
      (i) => embeddings.data.subarray(i * E, (i + 1) * E),
      n,
    );
    if (todo.length) {
      const bar = progress(`image embeddings (${todo.length} images)`, todo.length, { quiet: this.o.quiet });
      const writes = new CacheWrites();
      for await (const { idx, rgbs } of decodeAhead(paths, todo, this.o.batchSize)) {
        // Without a pass of its own, the embedding is the patch backbone's embedding layer (one backbone call).
        const emb = this.embedder
          ? await this.embedder.embed(rgbs)
          : (await this.backbone.extract(this.pack(rgbs.map((r) => preprocess(r, this.prepOpts()))))).embeddings;
        idx.forEach((i, k) => {
          embeddings.data.set(emb.data.subarray(k * E, (k + 1) * E), i * E);
          if (this.cache)
            writes.add(this.cache.writeAsync(keys[i], shape, none, embeddings.data.subarray(i * E, (i + 1) * E)));
        });
        bar.tick(idx.length);
        await writes.room();
      }
      await writes.settle();
      bar.done();
    }
    return embeddings;
  }

  /** Reads the cached entries of `keys` into place; returns the indices to compute (all of them without a cache). */
  private readCached(
    keys: string[],
    shape: CacheShape,
    patchDst: (i: number) => Float32Array,
    embDst: ((i: number) => Float32Array) | null,
    n: number,
  ): number[] {
    const todo: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!this.cache) {
        todo.push(i);
        continue;
      }
      const r = this.cache.read(keys[i], shape, patchDst(i), embDst ? embDst(i) : undefined);
      if (r === 'hit') this.stats.hits++;
      else {
        if (r === 'corrupt') this.stats.corrupt++;
        todo.push(i);
      }
    }
    this.stats.misses += todo.length;
    return todo;
  }

  /**
   * Patch features of the augmentation views of `paths` (docs/method.md §3.3): all views of paths[0] first, then paths[1], ...,
   * views in the official order (angle outer, flip inner), identity excluded. (count * views * P) x targetDim.
   */
  async augmentedPatches(paths: string[], type: AugmentationType): Promise<Matrix> {
    const views = augmentationViews(type);
    const V = views.length,
      n = paths.length,
      P = this.patchesPerImage,
      D = this.o.targetDim;
    const out = zeros(n * V * P, D);
    const shape: CacheShape = { gridH: this.gridH, gridW: this.gridW, dim: D, embedDim: 0 };
    const cfg = this.keyConfig(false);
    const hashes = this.cache ? this.hashes(paths) : [];
    const todo: { img: number; view: number }[] = [];
    for (let i = 0; i < n; i++) {
      for (let v = 0; v < V; v++) {
        const slot = (i * V + v) * P;
        if (this.cache) {
          const r = this.cache.read(
            cacheKey(hashes[i], cfg, viewKey(views[v])),
            shape,
            out.data.subarray(slot * D, (slot + P) * D),
          );
          if (r === 'hit') {
            this.stats.hits++;
            continue;
          }
          if (r === 'corrupt') this.stats.corrupt++;
        }
        todo.push({ img: i, view: v });
      }
    }
    this.stats.misses += todo.length;
    if (!todo.length) return out;
    const bar = progress(`extracting ${type} views (${this.backbone.engine})`, todo.length, { quiet: this.o.quiet });
    const writes = new CacheWrites();
    let pending: { img: number; view: number; image: FloatImage }[] = [];
    const flush = async () => {
      if (!pending.length) return;
      const res = await this.backbone.extract(this.pack(pending.map((p) => p.image)));
      res.layers.forEach((rec, k) => {
        const { img, view } = pending[k];
        const slot = (img * V + view) * P;
        patchEmbed(this.mapsOf(rec), { targetDim: D, patchSize: this.o.patchSize }, out, slot);
        if (this.cache)
          writes.add(
            this.cache.writeAsync(
              cacheKey(hashes[img], cfg, viewKey(views[view])),
              shape,
              out.data.subarray(slot * D, (slot + P) * D),
            ),
          );
      });
      bar.tick(pending.length);
      pending = [];
      await writes.room();
    };
    let t = 0;
    while (t < todo.length) {
      const img = todo[t].img;
      const rgb = await readRgb(paths[img]);
      const src =
        views[0].source === 'resized'
          ? { resized: preprocessResizeOnly(rgb, this.prepOpts()) }
          : { cropped: preprocess(rgb, this.prepOpts()) };
      for (; t < todo.length && todo[t].img === img; t++) {
        pending.push({ img, view: todo[t].view, image: renderView(views[todo[t].view], src, this.o.crop) });
        if (pending.length >= this.o.batchSize) await flush();
      }
    }
    await flush();
    await writes.settle();
    bar.done();
    return out;
  }

  dispose(): void {
    this.backbone.dispose();
    this.embedder?.dispose();
  }
}

/**
 * Cache writes in flight (FeatureCache.writeAsync), so the file system works on libuv's threads while the caller
 * computes the next batch: room() waits while more than `limit` are pending, settle() waits for all; both rethrow the
 * first failed write.
 */
class CacheWrites {
  private readonly pending = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;
  constructor(private readonly limit = 64) {}

  add(write: Promise<void>): void {
    const p: Promise<void> = write
      .catch((error: unknown) => {
        this.failure = this.failure ?? { error };
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async room(): Promise<void> {
    while (this.pending.size > this.limit) await Promise.race(this.pending);
    if (this.failure) throw this.failure.error;
  }

  async settle(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure.error;
  }
}

/**
 * The decoded images of `todo` (indices into `paths`) in batches of `size`, one batch read ahead: sharp decodes batch
 * b + 1 on its own threads while the caller computes batch b.
 */
async function* decodeAhead(
  paths: string[],
  todo: number[],
  size: number,
): AsyncGenerator<{ idx: number[]; rgbs: RgbImage[] }> {
  const read = (b: number) => {
    const p = Promise.all(todo.slice(b, b + size).map((i) => readRgb(paths[i])));
    p.catch(() => {}); // a read-ahead the caller never reaches (it stopped early) must not be an unhandled rejection
    return p;
  };
  let next = todo.length ? read(0) : null;
  for (let b = 0; b < todo.length; b += size) {
    const rgbs = await next!;
    next = b + size < todo.length ? read(b + size) : null;
    yield { idx: todo.slice(b, b + size), rgbs };
  }
}

/** The run-metadata line for the tfjs backend (null when tfjs was never selected). */
export function tfBackendForMetadata(): string | null {
  const a = activeTfBackend();
  return a ? a.backend : null;
}

/**
 * Ground-truth masks for the metrics: n * crop * crop bytes (0/1), same geometry as the images.
 * A null path is a normal image (all zero).
 */
export async function extractMaskBatch(
  maskPaths: (string | null | undefined)[],
  options?: MaskPreprocessOptions,
): Promise<Uint8Array> {
  const crop = options?.crop ?? 224;
  const out = new Uint8Array(maskPaths.length * crop * crop);
  for (let i = 0; i < maskPaths.length; i++) {
    const p = maskPaths[i];
    if (p == null) continue;
    out.set(preprocessMask(await readMask(p), options), i * crop * crop);
  }
  return out;
}
