/** A Backbone on tfjs (LayersModel or GraphModel), on whatever backend selectTfBackend activated. */
import * as tf from '@tensorflow/tfjs';
import { Backbone, BackboneOutput, EmbeddingPool, ImageBatch, InputNormalization, LayerMap } from '../types';
import { InputError, OptionError } from '../../util/errors';
import { splitNhwc, backboneOutput } from './split';

export interface TfjsBackboneOptions {
  /** A loaded tfjs model. */
  model: tf.LayersModel | tf.GraphModel;
  /** Stable identity of the weights (cache keys). */
  id: string;
  /** Layer names (LayersModel) or node names (GraphModel) of the patch maps, finest grid first. */
  patchLayers: string[];
  /** Layer/node whose global pool is the image embedding. */
  embeddingLayer: string;
  /** Spatial pooling of embeddingLayer. @default 'avg' */
  embeddingPool?: EmbeddingPool;
  inputNormalization: InputNormalization;
}

export class TfjsBackbone implements Backbone {
  readonly id: string;
  readonly inputNormalization: InputNormalization;
  readonly patchLayers: readonly string[];
  readonly embeddingLayer: string;
  readonly embeddingPool: EmbeddingPool;
  private readonly names: string[];
  private readonly run: (x: tf.Tensor4D) => tf.Tensor[];
  /** The loaded tfjs model (read by the onnxruntime conversion, keras-to-onnx.ts). */
  readonly model: tf.LayersModel | tf.GraphModel;

  constructor(opts: TfjsBackboneOptions) {
    if (!opts.patchLayers.length)
      throw new OptionError('TfjsBackbone: option patchLayers must name at least one layer');
    this.id = opts.id;
    this.inputNormalization = opts.inputNormalization;
    this.patchLayers = [...opts.patchLayers];
    this.embeddingLayer = opts.embeddingLayer;
    this.embeddingPool = opts.embeddingPool ?? 'avg';
    if (this.embeddingPool !== 'avg' && this.embeddingPool !== 'max')
      throw new OptionError(
        `TfjsBackbone: option embeddingPool must be 'avg' or 'max', got "${String(this.embeddingPool)}"`,
      );
    this.model = opts.model;
    this.names = [...new Set([...opts.patchLayers, opts.embeddingLayer])];
    if (opts.model instanceof tf.GraphModel) {
      const g = opts.model;
      this.run = (x) => {
        const r = g.execute(x, this.names);
        return Array.isArray(r) ? r : [r];
      };
    } else {
      const m = opts.model as tf.LayersModel;
      const known = new Set(m.layers.map((l) => l.name));
      for (const n of this.names) {
        if (!known.has(n)) {
          throw new OptionError(
            `TfjsBackbone: layer "${n}" is not in model ${m.name}; some of its layers: ${m.layers
              .slice(-12)
              .map((l) => l.name)
              .join(', ')}`,
          );
        }
      }
      const sub = tf.model({
        inputs: m.inputs,
        outputs: this.names.map((n) => m.getLayer(n).output as tf.SymbolicTensor),
      });
      this.run = (x) => {
        const r = sub.predict(x);
        return Array.isArray(r) ? r : [r];
      };
    }
  }

  get engine(): string {
    return `tfjs/${tf.getBackend()}`;
  }

  async extract(batch: ImageBatch): Promise<BackboneOutput> {
    const { count: n, height: h, width: w } = batch;
    if (batch.data.length !== n * h * w * 3)
      throw new InputError(`image batch has ${batch.data.length} values, ${n}x${h}x${w}x3 expected`);
    const x = tf.tensor4d(batch.data, [n, h, w, 3]);
    let outs: tf.Tensor[] = [];
    try {
      outs = this.run(x);
      const maps = new Map<string, LayerMap[]>();
      for (let i = 0; i < this.names.length; i++) {
        const t = outs[i];
        if (t.rank !== 4)
          throw new InputError(`backbone output ${this.names[i]} has rank ${t.rank}, a 4-D NHWC map expected`);
        const [, oh, ow, oc] = t.shape as number[];
        maps.set(this.names[i], splitNhwc((await t.data()) as Float32Array, n, oh, ow, oc));
      }
      return backboneOutput(maps, n, this.patchLayers, this.embeddingLayer, this.embeddingPool);
    } finally {
      x.dispose();
      for (const t of outs) t.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
