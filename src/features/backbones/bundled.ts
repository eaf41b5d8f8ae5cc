/**
 * The default backbone, offline: the frozen ImageNet part (input .. block_10_project_BN) of the Keras MobileNetV2
 * bundled in nsfwjs 4.4.0 (MIT), extracted once by scripts/extract-backbone.ts into
 * assets/backbones/mobilenetv2-imagenet-block10. Weights are nsfwjs's uint8-quantised copy of the Keras ImageNet
 * weights; layers after block_10 (nsfwjs's fine-tuned part) are not included. It is not the paper's WideResNet50:
 * for parity use an ONNX export of it (OnnxBackbone).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../util/errors';
import { resolveOptions } from '../../util/options';
import { TfjsBackbone } from './tfjs';
import { EmbeddingPool } from '../types';

export const BUNDLED_BACKBONE_DIR = path.join(
  __dirname,
  '..',
  '..',
  '..',
  'assets',
  'backbones',
  'mobilenetv2-imagenet-block10',
);

/** Every layer of the bundled sub-network is ImageNet; these are the useful taps, with their stride and width. */
export const BUNDLED_LAYERS = {
  block_3_expand_relu: { stride: 4, channels: 144 },
  block_5_add: { stride: 8, channels: 32 },
  block_6_expand_relu: { stride: 8, channels: 192 },
  block_9_add: { stride: 16, channels: 64 },
  block_10_expand_relu: { stride: 16, channels: 384 },
  block_10_project_BN: { stride: 16, channels: 96 },
} as const;

export interface BundledBackboneOptions {
  /** Patch layers, finest first. @default ['block_5_add', 'block_10_project_BN'] (stride 8 + stride 16) */
  patchLayers?: string[];
  /**
   * Layer whose global pool is the image embedding for TailSampler. Chosen by scripts/choose-embedding.ts
   * (TailSampler tail recall and class-size error on synthetic long-tail splits). @default 'block_10_expand_relu'
   */
  embeddingLayer?: string;
  /**
   * Spatial pooling of the embedding layer. Deviation: the paper average-pools WRN50's last stage; for this
   * mid-level MobileNetV2 layer global max pooling measured far better for TailSampler (tail recall 72 % vs 43 %,
   * class-size error 0.26 vs 1.14; assets/backbones/README.md). @default 'max'
   */
  embeddingPool?: EmbeddingPool;
  /** Folder with model.json + weights.bin. @default assets/backbones/mobilenetv2-imagenet-block10 */
  dir?: string;
}

export const BUNDLED_DEFAULTS: Required<BundledBackboneOptions> = {
  patchLayers: ['block_5_add', 'block_10_project_BN'],
  embeddingLayer: 'block_10_expand_relu',
  embeddingPool: 'max',
  dir: BUNDLED_BACKBONE_DIR,
};

/** Loads the bundled MobileNetV2 (strict weight loading) as a TfjsBackbone. Call selectTfBackend first. */
export async function loadBundledBackbone(options?: BundledBackboneOptions): Promise<TfjsBackbone> {
  const o = resolveOptions(BUNDLED_DEFAULTS, options, 'loadBundledBackbone');
  const jsonPath = path.join(o.dir, 'model.json');
  const binPath = path.join(o.dir, 'weights.bin');
  for (const f of [jsonPath, binPath]) {
    if (!fs.existsSync(f))
      throw new InputError(
        `bundled backbone file missing: ${f}. Recreate it with: npx tsx scripts/extract-backbone.ts`,
      );
  }
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const bin = fs.readFileSync(binPath);
  const sha = crypto.createHash('sha256').update(bin).digest('hex');
  if (json.provenance?.weightsSha256 && json.provenance.weightsSha256 !== sha) {
    throw new InputError(
      `bundled backbone weights ${binPath} do not match model.json (sha256 ${sha.slice(0, 12)} vs ${String(json.provenance.weightsSha256).slice(0, 12)}). Recreate them with: npx tsx scripts/extract-backbone.ts`,
    );
  }
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }),
    { strict: true },
  );
  return new TfjsBackbone({
    model,
    id: `mobilenetv2-imagenet-block10@${sha.slice(0, 12)}`,
    patchLayers: o.patchLayers,
    embeddingLayer: o.embeddingLayer,
    embeddingPool: o.embeddingPool,
    inputNormalization: 'mobilenet',
  });
}
