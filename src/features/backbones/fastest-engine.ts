/**
 * The faster engine for a bundled tfjs layers backbone: tfjs itself, or the same network converted to ONNX and run on
 * onnxruntime (measured here ~10x tfjs-wasm). Lives with the backbones because it chooses between two of them.
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../../util/errors';
import { checkOneOf } from '../../util/options';
import type { Backbone } from '../types';
import { TfjsBackbone } from './tfjs';
import { OrtLayersBackbone } from './keras-to-onnx';

export type BackboneEngineChoice = 'auto' | 'tfjs' | 'onnxruntime';
export const BACKBONE_ENGINE_CHOICES: readonly BackboneEngineChoice[] = ['auto', 'tfjs', 'onnxruntime'];

export interface BackboneEngineOptions {
  /**
   * 'auto' = tfjs when the native `tensorflow` backend is active (tfjs-node(-gpu): libtensorflow, CUDA on a GPU box),
   * else onnxruntime (the converted graph; measured here ~10x tfjs-wasm at 112 px: both cores vs one); 'tfjs' or
   * 'onnxruntime' force one. Env TAILEDCORE_BACKBONE_ENGINE overrides 'auto' only. @default 'auto'
   */
  engine?: BackboneEngineChoice;
  /** Threads of the onnxruntime session. @default os.availableParallelism() */
  threads?: number;
  /** onnxruntime device: 'auto' = CUDA when its provider is installed. @default 'auto' */
  device?: 'auto' | 'cpu' | 'cuda';
  /** Do not log the choice. @default false */
  quiet?: boolean;
}

/**
 * The faster engine for a tfjs layers backbone: the backbone itself (tfjs), or the same network converted to ONNX
 * and run on onnxruntime (outputs equal to tfjs within 1e-4, same `id`). The choice shows in `engine` (and so in
 * FeatureExtractor.describe().backend). With 'auto', a network the converter cannot handle stays on tfjs (logged).
 */
export async function withFastestEngine(backbone: TfjsBackbone, opts: BackboneEngineOptions = {}): Promise<Backbone> {
  let choice: string = opts.engine ?? 'auto';
  checkOneOf('engine', choice, BACKBONE_ENGINE_CHOICES);
  const env = process.env.TAILEDCORE_BACKBONE_ENGINE;
  if (choice === 'auto' && env) {
    checkOneOf('TAILEDCORE_BACKBONE_ENGINE (environment variable)', env, BACKBONE_ENGINE_CHOICES);
    choice = env;
  }
  const log = (m: string) => {
    if (!opts.quiet && process.env.TAILEDCORE_QUIET !== '1') process.stderr.write(m + '\n');
  };
  if (choice === 'tfjs') return backbone;
  if (choice === 'auto' && tf.getBackend() === 'tensorflow') {
    log('backbone engine: tfjs (native tensorflow backend active)');
    return backbone;
  }
  if (!(backbone.model instanceof tf.LayersModel)) {
    if (choice === 'onnxruntime')
      throw new OptionError(
        'backbone engine onnxruntime: only tfjs layers models can be converted (this is a graph model)',
      );
    return backbone;
  }
  try {
    const ort = await OrtLayersBackbone.fromLayers(
      {
        model: backbone.model,
        id: backbone.id,
        patchLayers: backbone.patchLayers,
        embeddingLayer: backbone.embeddingLayer,
        embeddingPool: backbone.embeddingPool,
        inputNormalization: backbone.inputNormalization,
      },
      {
        ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
        ...(opts.device !== undefined ? { device: opts.device } : {}),
      },
    );
    backbone.dispose();
    log(`backbone engine: ${ort.engine}`);
    return ort;
  } catch (e) {
    if (choice === 'onnxruntime') throw e;
    log(
      `backbone engine: tfjs/${tf.getBackend()} (onnxruntime conversion unavailable: ${(e as Error).message.split('\n')[0]})`,
    );
    return backbone;
  }
}
