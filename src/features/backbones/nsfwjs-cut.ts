/**
 * Cuts the frozen ImageNet part out of a Keras net that nsfwjs 4.4.0 (MIT, https://github.com/infinitered/nsfwjs)
 * bundles as a tfjs layers model, keeping its uint8-quantised weights byte for byte. Used by
 * scripts/extract-backbone.ts (to vendor the cut into assets/backbones/) and by scripts/choose-embedding.ts (in memory).
 *
 * nsfwjs fine-tuned the upper part of each net for its own 5-class task and froze the rest; a cut is refused unless
 * every kept layer is marked trainable=false in the shipped config (those are the Keras ImageNet weights).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../util/errors';

export type NsfwjsNet = 'mobilenet_v2' | 'inception_v3';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}
interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[];
}

export interface NsfwjsCut {
  /** The tfjs layers-model topology of the cut (input shape [null, null, null, 3]). */
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  /** The kept weight bytes, in manifest order. */
  weights: Buffer;
  sha256: string;
  nsfwjsVersion: string;
  layerCount: number;
}

function bytesPerValue(spec: WeightSpec): number {
  const dt = spec.quantization ? spec.quantization.dtype : spec.dtype;
  if (dt === 'uint8' || dt === 'int8') return 1;
  if (dt === 'uint16' || dt === 'int16' || dt === 'float16') return 2;
  return 4;
}

/** nsfwjs's package folder (its exports map hides package.json: resolve the main entry and walk up). */
export function nsfwjsDir(): string {
  return path.resolve(path.dirname(require.resolve('nsfwjs')), '..', '..');
}

/**
 * The layers of `net` from the input through `lastLayer`, renamed `name`, with the weights of those layers only.
 * Throws when a kept layer is trainable in nsfwjs's config (not ImageNet) or when the layer is unknown.
 */
export function cutNsfwjsModel(net: NsfwjsNet, lastLayer: string, name: string): NsfwjsCut {
  const pkgDir = nsfwjsDir();
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;
  const modelDir = path.join(pkgDir, 'dist', 'models', net);
  if (!fs.existsSync(path.join(modelDir, 'model.min.js')))
    throw new InputError(`nsfwjs ${version} has no ${modelDir}/model.min.js; this code knows nsfwjs 4.4.0`);
  // nsfwjs ships its model as CommonJS modules (JSON and base64 strings), so they are required by path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const model = require(path.join(modelDir, 'model.min.js')) as {
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  };
  const shards = model.weightsManifest.flatMap((g) => g.paths);
  const readShard = (s: string): string =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(modelDir, `${s}.min.js`)) as string;
  const weightBytes = Buffer.concat(shards.map((s) => Buffer.from(readShard(s), 'base64')));

  const topo = JSON.parse(JSON.stringify(model.modelTopology));
  const cfg = topo.model_config.config as {
    name: string;
    layers: KerasLayer[];
    input_layers: unknown;
    output_layers: unknown;
  };
  const cut = cfg.layers.findIndex((l) => l.name === lastLayer);
  if (cut < 0) throw new InputError(`nsfwjs ${version} ${net}: layer ${lastLayer} not found`);
  const kept = cfg.layers.slice(0, cut + 1);
  for (const l of kept.slice(1)) {
    if (l.config.trainable !== false)
      throw new InputError(
        `layer ${l.name} of nsfwjs ${version} ${net} is trainable: not a frozen ImageNet layer, refusing to cut there`,
      );
  }
  const keptNames = new Set(kept.map((l) => l.name));
  // Every kept layer must take its inputs from kept layers (the cut is a closed sub-network).
  for (const l of kept) {
    for (const node of l.inbound_nodes as unknown[][][])
      for (const inb of node) {
        if (!keptNames.has(inb[0] as unknown as string))
          throw new InputError(`layer ${l.name} reads ${String(inb[0])}, which lies after the cut`);
      }
  }
  // Any input size: the fully convolutional part needs none.
  (kept[0].config as { batch_input_shape: unknown }).batch_input_shape = [null, null, null, 3];
  cfg.layers = kept;
  cfg.name = name;
  cfg.output_layers = [[lastLayer, 0, 0]];
  delete topo.training_config;

  const specs = model.weightsManifest.flatMap((g) => g.weights);
  const keepSpecs: WeightSpec[] = [];
  const chunks: Buffer[] = [];
  let off = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1) * bytesPerValue(s);
    if (keptNames.has(s.name.split('/')[0])) {
      keepSpecs.push(s);
      chunks.push(weightBytes.subarray(off, off + n));
    }
    off += n;
  }
  if (off !== weightBytes.length)
    throw new InputError(
      `nsfwjs ${net}: weight manifest covers ${off} bytes but the shards hold ${weightBytes.length}`,
    );
  const weights = Buffer.concat(chunks);
  return {
    modelTopology: topo,
    weightSpecs: keepSpecs,
    weights,
    layerCount: kept.length,
    nsfwjsVersion: version,
    sha256: crypto.createHash('sha256').update(weights).digest('hex'),
  };
}

/** Loads a cut (or a vendored model.json + weights.bin of one) as a tfjs LayersModel, strict. */
export async function loadCut(
  modelTopology: unknown,
  weightSpecs: unknown[],
  weights: Buffer,
): Promise<tf.LayersModel> {
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelTopology as tf.io.ModelJSON['modelTopology'],
      weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
      weightData,
    }),
    { strict: true },
  );
}
