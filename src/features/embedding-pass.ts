/**
 * The image-embedding pass for TailSampler, separate from the patch pass: its own bundled net(s), input geometry,
 * pooling and mirror averaging (src/features/embedding.ts has the maths). FeatureExtractor runs it when its
 * `embedding` option names one of these specs; the 'backbone' and 'paper' embeddings reuse the patch pass instead.
 *
 * Deviation from the paper, on purpose: the paper compares raw cosines of WRN50's average-pooled last stage
 * ([J] src/feature_embedder.py:138-141). The kit's offline nets are mid-level ImageNet layers, on which that form
 * misses many tail images; the kit's default is the embedding chosen by scripts/choose-embedding.ts on two
 * generated families (assets/backbones/README.md). `embedding: 'paper'` keeps the paper's form one option away.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { Matrix, zeros } from '../linalg/matrix';
import { RgbImage } from '../data/types';
import { InputError, OptionError } from '../util/errors';
import { createRng } from '../util/rng';
import { TfjsBackbone } from './backbones/tfjs';
import { withFastestEngine } from './backbones/fastest-engine';
import { Backbone } from './types';
import { preprocess } from './preprocess';
import {
  PoolKind,
  POOL_KINDS,
  concatNormalized,
  flipAverage,
  hflipHwc,
  poolMap,
  seededProjection,
  signedSqrt,
} from './embedding';

/** The ImageNet nets the kit ships (frozen parts cut out of nsfwjs 4.4.0, MIT; see assets/backbones/README.md). */
export type BundledNet = 'mobilenetv2' | 'inceptionv3';

const ASSETS = path.join(__dirname, '..', '..', 'assets', 'backbones');
export const BUNDLED_NETS: Record<BundledNet, { dir: string; layers: readonly string[] }> = {
  mobilenetv2: {
    dir: path.join(ASSETS, 'mobilenetv2-imagenet-block10'),
    layers: [
      'block_3_expand_relu',
      'block_5_add',
      'block_6_expand_relu',
      'block_9_add',
      'block_10_expand_relu',
      'block_10_project_BN',
    ],
  },
  inceptionv3: {
    dir: path.join(ASSETS, 'inceptionv3-imagenet-mixed5'),
    layers: ['mixed0', 'mixed1', 'mixed2', 'mixed3', 'mixed4', 'mixed5'],
  },
};

/** One pooled layer of the embedding. */
export interface EmbeddingPart {
  net: BundledNet;
  layer: string;
  /**
   * 'mean', 'max', 'gem' (p = 3), 'meanmax', 'cov' or 'gram' (second order, signed square root; see embedding.ts), or
   * 'rcov' (covariance without the 10 % of patches farthest from the image's mean).
   */
  pool: PoolKind;
  /** Signed square root of the pooled vector. @default false */
  sqrt?: boolean;
}

/** An embedding computed in its own pass. */
export interface EmbeddingSpec {
  /** Shorter side after resize. */
  resize: number;
  /** Centre crop side. */
  crop: number;
  /** Average each part with the same part of the mirror image. */
  flip: boolean;
  /** Pooled layers; more than one: each L2-normalised, then concatenated. */
  parts: EmbeddingPart[];
}

/** Second-order pooling of a map wider than this many channels runs after a seeded projection to this many. */
export const SECOND_ORDER_DIM = 64;

/** Checks a spec; errors name the offending key. */
export function validateEmbeddingSpec(s: EmbeddingSpec, where = 'embedding'): void {
  if (!s || typeof s !== 'object')
    throw new OptionError(`${where} must be a preset name or an object { resize, crop, flip, parts }`);
  const known = ['resize', 'crop', 'flip', 'parts'];
  for (const k of Object.keys(s))
    if (!known.includes(k)) throw new OptionError(`${where}: unknown key "${k}" (known: ${known.join(', ')})`);
  for (const k of ['resize', 'crop'] as const) {
    if (!Number.isInteger(s[k]) || s[k] < 32 || s[k] > 4096)
      throw new OptionError(`${where}.${k} must be an integer in [32, 4096], got ${String(s[k])}`);
  }
  if (s.crop > s.resize)
    throw new OptionError(`${where}.crop (${s.crop}) must not exceed ${where}.resize (${s.resize})`);
  if (typeof s.flip !== 'boolean') throw new OptionError(`${where}.flip must be true or false`);
  if (!Array.isArray(s.parts) || !s.parts.length)
    throw new OptionError(`${where}.parts must list at least one { net, layer, pool }`);
  s.parts.forEach((p, i) => {
    for (const k of Object.keys(p))
      if (!['net', 'layer', 'pool', 'sqrt'].includes(k))
        throw new OptionError(`${where}.parts[${i}]: unknown key "${k}" (known: net, layer, pool, sqrt)`);
    const net = BUNDLED_NETS[p.net];
    if (!net)
      throw new OptionError(
        `${where}.parts[${i}].net must be one of ${Object.keys(BUNDLED_NETS).join(', ')}, got "${String(p.net)}"`,
      );
    if (!net.layers.includes(p.layer))
      throw new OptionError(
        `${where}.parts[${i}].layer "${String(p.layer)}" is not a tap of ${p.net} (taps: ${net.layers.join(', ')})`,
      );
    if (!POOL_KINDS.includes(p.pool))
      throw new OptionError(
        `${where}.parts[${i}].pool must be one of ${POOL_KINDS.join(', ')}, got "${String(p.pool)}"`,
      );
    if (p.sqrt !== undefined && typeof p.sqrt !== 'boolean')
      throw new OptionError(`${where}.parts[${i}].sqrt must be true or false`);
  });
}

/** A vendored tfjs layers model (model.json + weights.bin), its weights checked against the sha256 in model.json. */
export async function loadVendoredModel(dir: string): Promise<{ model: tf.LayersModel; sha256: string }> {
  const jsonPath = path.join(dir, 'model.json');
  const binPath = path.join(dir, 'weights.bin');
  for (const f of [jsonPath, binPath]) {
    if (!fs.existsSync(f))
      throw new InputError(`bundled net file missing: ${f}. Recreate it with: npx tsx scripts/extract-backbone.ts`);
  }
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const bin = fs.readFileSync(binPath);
  const sha = crypto.createHash('sha256').update(bin).digest('hex');
  if (!json.provenance?.weightsSha256 || json.provenance.weightsSha256 !== sha) {
    throw new InputError(
      `bundled net weights ${binPath} do not match ${jsonPath} (sha256 ${sha.slice(0, 12)} vs ${String(json.provenance?.weightsSha256).slice(0, 12)}). Recreate them with: npx tsx scripts/extract-backbone.ts`,
    );
  }
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }),
    { strict: true },
  );
  return { model, sha256: sha };
}

/** Computes an EmbeddingSpec's vectors from decoded images. Call selectTfBackend first. */
export class ImageEmbedder {
  private readonly projections = new Map<string, { matrix: Float32Array; dim: number }>();

  private constructor(
    readonly spec: EmbeddingSpec,
    private readonly nets: Map<BundledNet, Backbone>,
    /** Weight ids of the nets used, e.g. { mobilenetv2: 'd5e07e62dcd7' }. */
    readonly netIds: Record<string, string>,
    readonly dim: number,
  ) {}

  static async create(spec: EmbeddingSpec): Promise<ImageEmbedder> {
    validateEmbeddingSpec(spec);
    const nets = new Map<BundledNet, Backbone>();
    const ids: Record<string, string> = {};
    for (const name of [...new Set(spec.parts.map((p) => p.net))]) {
      const layers = [...new Set(spec.parts.filter((p) => p.net === name).map((p) => p.layer))];
      const { model, sha256 } = await loadVendoredModel(BUNDLED_NETS[name].dir);
      const tfjsNet = new TfjsBackbone({
        model,
        id: `${name}@${sha256.slice(0, 12)}`,
        patchLayers: layers,
        embeddingLayer: layers[0],
        inputNormalization: 'mobilenet',
      });
      // The same engine choice as the patch pass: onnxruntime on both cores unless native tensorflow is active.
      nets.set(name, await withFastestEngine(tfjsNet, { quiet: true }));
      ids[name] = sha256.slice(0, 12);
    }
    const e = new ImageEmbedder(spec, nets, ids, 0);
    const probe = await e.embedPreprocessed(
      new Map([...nets.keys()].map((n) => [n, [new Float32Array(spec.crop * spec.crop * 3)]])),
    );
    return new ImageEmbedder(spec, nets, ids, probe.cols);
  }

  /** Engine description, e.g. "tfjs/wasm". */
  get engine(): string {
    return [...this.nets.values()][0].engine;
  }

  private projection(layer: string, channels: number): { matrix: Float32Array; dim: number } | null {
    if (channels <= SECOND_ORDER_DIM) return null;
    const k = `${layer}/${channels}`;
    if (!this.projections.has(k))
      this.projections.set(k, {
        matrix: seededProjection(channels, SECOND_ORDER_DIM, createRng(`embedding/projection/${layer}`)),
        dim: SECOND_ORDER_DIM,
      });
    return this.projections.get(k)!;
  }

  /** Pooled parts of a batch of preprocessed crops of one net: per image, per part index. */
  private async partsOf(net: BundledNet, crops: Float32Array[]): Promise<Map<number, Float32Array>[]> {
    const bb = this.nets.get(net)!;
    const s = this.spec.crop;
    const data = new Float32Array(crops.length * s * s * 3);
    crops.forEach((c, i) => data.set(c, i * s * s * 3));
    const out = await bb.extract({ data, count: crops.length, height: s, width: s });
    return out.layers.map((maps) => {
      const m = new Map<number, Float32Array>();
      this.spec.parts.forEach((p, i) => {
        if (p.net !== net) return;
        const map = maps[p.layer];
        m.set(
          i,
          p.pool === 'cov' || p.pool === 'gram' || p.pool === 'rcov'
            ? poolMap(map, p.pool, this.projection(p.layer, map.channels))
            : poolMap(map, p.pool),
        );
      });
      return m;
    });
  }

  private async embedPreprocessed(crops: Map<BundledNet, Float32Array[]>): Promise<Matrix> {
    const n = [...crops.values()][0].length;
    const parts: Float32Array[][] = Array.from({ length: n }, () => []);
    for (const [net, list] of crops) {
      const plain = await this.partsOf(net, list);
      const mirror = this.spec.flip
        ? await this.partsOf(
            net,
            list.map((c) => hflipHwc(c, this.spec.crop, this.spec.crop, 3)),
          )
        : null;
      for (let i = 0; i < n; i++) {
        for (const [k, v] of plain[i]) parts[i][k] = mirror ? flipAverage(v, mirror[i].get(k)!) : v;
      }
    }
    const rows = parts.map((ps) => {
      const vs = ps.map((v, k) => (this.spec.parts[k].sqrt ? signedSqrt(v) : v));
      return vs.length === 1 ? vs[0] : concatNormalized(vs);
    });
    const m = zeros(n, rows[0].length);
    rows.forEach((r, i) => m.data.set(r, i * m.cols));
    return m;
  }

  /** n x dim embeddings of decoded images (each preprocessed with the spec's resize and crop). */
  async embed(images: RgbImage[]): Promise<Matrix> {
    if (!images.length) return zeros(0, this.dim);
    const crops = new Map<BundledNet, Float32Array[]>();
    const prepared = images.map(
      (im) => preprocess(im, { resize: this.spec.resize, crop: this.spec.crop, normalization: 'mobilenet' }).data,
    );
    for (const net of this.nets.keys()) crops.set(net, prepared);
    return this.embedPreprocessed(crops);
  }

  dispose(): void {
    for (const n of this.nets.values()) n.dispose();
  }
}

// ---------------------------------------------------------------- named choices

/** The names FeatureExtractor's `embedding` option accepts (or an EmbeddingSpec object). */
export type EmbeddingName = 'kit-default' | 'paper' | 'mobilenet-max' | 'backbone';
export type EmbeddingChoice = EmbeddingName | EmbeddingSpec;
export const EMBEDDING_CHOICES: readonly EmbeddingName[] = ['kit-default', 'paper', 'mobilenet-max', 'backbone'];

/**
 * The kit's default embedding, chosen by scripts/choose-embedding.ts on two generated families (table in
 * assets/backbones/README.md). Deviation from the paper's raw average pool: see the file comment.
 */
export const KIT_DEFAULT_EMBEDDING: EmbeddingSpec = {
  resize: 256,
  crop: 224,
  flip: false,
  parts: [
    { net: 'mobilenetv2', layer: 'block_10_project_BN', pool: 'cov' },
    { net: 'mobilenetv2', layer: 'block_5_add', pool: 'cov' },
    { net: 'inceptionv3', layer: 'mixed2', pool: 'cov' },
  ],
};

export interface ResolvedEmbedding {
  /** A spec for a pass of its own, or null when the patch backbone's own embedding is used. */
  spec: EmbeddingSpec | null;
  /** What run records (env.json, describe()) and cache keys store. */
  description: {
    name: string;
    source: 'own pass' | 'patch backbone';
    /** Layers and poolings in words, e.g. "mobilenetv2:block_10_expand_relu" and "max". */
    layers: string;
    pools: string;
    spec: EmbeddingSpec | null;
  };
}

/**
 * Turns an `embedding` choice into a spec (own pass) or the patch backbone's embedding. 'paper' and 'backbone' need
 * the backbone's embedding; 'paper' also needs it average-pooled (the paper's form). 'mobilenet-max' uses the
 * backbone's embedding when it is exactly that (the bundled backbone's default), else a pass of its own at the
 * extractor's resize and crop.
 */
export function resolveEmbedding(
  choice: EmbeddingChoice,
  backbone: Backbone,
  geometry: { resize: number; crop: number },
): ResolvedEmbedding {
  const fromBackbone = (name: string): ResolvedEmbedding => ({
    spec: null,
    description: {
      name,
      source: 'patch backbone',
      layers: `${backbone.id}:${backbone.embeddingLayer}`,
      pools: backbone.embeddingPool ?? 'avg',
      spec: null,
    },
  });
  const ownPass = (name: string, spec: EmbeddingSpec): ResolvedEmbedding => {
    validateEmbeddingSpec(spec, name === 'custom' ? 'embedding' : `embedding '${name}'`);
    return {
      spec,
      description: {
        name,
        source: 'own pass',
        layers: spec.parts.map((p) => `${p.net}:${p.layer}`).join('+'),
        pools:
          spec.parts.map((p) => `${p.pool}${p.sqrt ? '+ssqrt' : ''}`).join('+') + (spec.flip ? ' (flip-averaged)' : ''),
        spec,
      },
    };
  };
  if (typeof choice === 'object' && choice !== null) return ownPass('custom', choice);
  switch (choice) {
    case 'backbone':
      return fromBackbone('backbone');
    case 'paper':
      if ((backbone.embeddingPool ?? 'avg') !== 'avg') {
        throw new OptionError(
          `embedding 'paper' is the raw average pool of the backbone's embedding layer, but backbone ${backbone.id} pools ${backbone.embeddingLayer} by ${backbone.embeddingPool}; load it with embeddingPool: 'avg'`,
        );
      }
      return fromBackbone('paper');
    case 'mobilenet-max':
      if (
        backbone.id.startsWith('mobilenetv2-imagenet-block10@') &&
        backbone.embeddingLayer === 'block_10_expand_relu' &&
        backbone.embeddingPool === 'max'
      )
        return fromBackbone('mobilenet-max');
      return ownPass('mobilenet-max', {
        resize: geometry.resize,
        crop: geometry.crop,
        flip: false,
        parts: [{ net: 'mobilenetv2', layer: 'block_10_expand_relu', pool: 'max' }],
      });
    case 'kit-default':
      return ownPass('kit-default', KIT_DEFAULT_EMBEDDING);
    default:
      throw new OptionError(
        `option embedding must be one of ${EMBEDDING_CHOICES.join(', ')} or an object { resize, crop, flip, parts }, got "${String(choice)}"`,
      );
  }
}
