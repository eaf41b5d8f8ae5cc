/**
 * Converts a tfjs layers model (a Keras CNN: model.json topology + weights, already loaded by tfjs) into an ONNX
 * graph with the kit's own encoder (src/linalg/onnx-builder.ts), so that the bundled backbones run on onnxruntime:
 * both cores here (tfjs-wasm is single-threaded in Node) and CUDA where onnxruntime's provider is installed.
 *
 * Supported layer classes: every one in nsfwjs's MobileNetV2 (the bundled cut) and in nsfwjs's InceptionV3 up to
 * `mixed5`: InputLayer, ZeroPadding2D, Conv2D, DepthwiseConv2D, BatchNormalization, ReLU, Activation, Add,
 * Concatenate, MaxPooling2D, AveragePooling2D. Any other class (or an unsupported setting of one of these) is an
 * OptionError that names the layer.
 *
 * Layout: the graph takes NHWC float32 images (as tfjs does), transposes once to NCHW (ONNX Conv's layout) and
 * returns each requested layer as NCHW. Keras 'same' padding is TF's (extra row/column at the end) = ONNX
 * auto_pad SAME_UPPER; Keras average pooling with 'same' padding averages over the valid cells only =
 * count_include_pad 0. Batch norm stays a BatchNormalization node (onnxruntime folds it into the convolution).
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { buildOnnxModel, attr, OnnxNode, OnnxInitializer, OnnxAttribute } from '../../linalg/onnx-builder';
import { loadOrt, resolveDevice } from '../../linalg/ort-engine';
import { Backbone, BackboneOutput, EmbeddingPool, ImageBatch, InputNormalization, LayerMap } from '../types';
import { InputError, OptionError } from '../../util/errors';
import { splitNchw, backboneOutput } from './split';
import type * as OrtModule from 'onnxruntime-node';

/** Layer classes the converter handles. */
export const SUPPORTED_KERAS_LAYERS = [
  'InputLayer',
  'ZeroPadding2D',
  'Conv2D',
  'DepthwiseConv2D',
  'BatchNormalization',
  'ReLU',
  'Activation',
  'Add',
  'Concatenate',
  'MaxPooling2D',
  'AveragePooling2D',
] as const;

interface LayerConfig {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[];
}

/** Names of a layer's inputs (first inbound node; the bundled models call every layer once). */
function inboundNames(l: LayerConfig): string[] {
  if (!l.inbound_nodes.length) return [];
  if (l.inbound_nodes.length > 1)
    throw new OptionError(
      `keras-to-onnx: layer ${l.name} is called ${l.inbound_nodes.length} times (shared layers are not supported)`,
    );
  const node = l.inbound_nodes[0] as unknown[];
  return node.map((e) => {
    const entry = e as unknown[];
    if ((entry[1] as number) !== 0 || (entry[2] as number) !== 0)
      throw new OptionError(`keras-to-onnx: layer ${l.name} reads a non-first output of ${String(entry[0])}`);
    return String(entry[0]);
  });
}

function pair(v: unknown, what: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  throw new OptionError(`keras-to-onnx: ${what} must be a number or a pair, got ${JSON.stringify(v)}`);
}

function layerWeights(model: tf.LayersModel, name: string): Map<string, tf.Tensor> {
  const layer = model.getLayer(name);
  const vals = layer.getWeights();
  const out = new Map<string, tf.Tensor>();
  layer.weights.forEach((w, i) => {
    const short = (w.originalName ?? w.name).split('/').pop()!.replace(/_\d+$/, '').replace(/:\d+$/, '');
    out.set(short, vals[i]);
  });
  return out;
}

function f32(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

/** A [kh, kw, cin, cout] (HWIO) kernel's values in [cout, cin, kh, kw] (OIHW) order: a pure permutation. */
function hwioToOihw(src: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + y) * kw + x] = src[((y * kw + x) * cin + i) * cout + o];
        }
  return out;
}

/** Keras [kh, kw, cin, cout] kernel -> ONNX [cout, cin, kh, kw]. */
function convKernel(k: tf.Tensor): { data: Float32Array; dims: number[] } {
  const [kh, kw, cin, cout] = k.shape;
  return { data: hwioToOihw(f32(k), kh, kw, cin, cout), dims: [cout, cin, kh, kw] };
}

/**
 * Keras depthwise [kh, kw, cin, mult] -> ONNX grouped-conv weight [cin*mult, 1, kh, kw] (output channel c*mult + m,
 * as TF): the same permutation as convKernel with one input channel and cin*mult outputs (index c*mult + m).
 */
function depthwiseKernel(k: tf.Tensor): { data: Float32Array; dims: number[] } {
  const [kh, kw, cin, mult] = k.shape;
  return { data: hwioToOihw(f32(k), kh, kw, 1, cin * mult), dims: [cin * mult, 1, kh, kw] };
}

function padAttrs(padding: unknown, name: string): Record<string, OnnxAttribute> {
  if (padding === 'valid') return {};
  if (padding === 'same') return { auto_pad: attr.string('SAME_UPPER') };
  throw new OptionError(`keras-to-onnx: layer ${name} has padding "${String(padding)}" (only 'valid' and 'same')`);
}

function checkChannelsLast(c: Record<string, unknown>, name: string): void {
  if (c.data_format !== undefined && c.data_format !== 'channels_last')
    throw new OptionError(`keras-to-onnx: layer ${name} has data_format ${String(c.data_format)} (only channels_last)`);
}

/** Appends the activation of a layer's `activation` setting; returns the output tensor name. */
function activation(
  nodes: OnnxNode[],
  inits: OnnxInitializer[],
  kind: unknown,
  input: string,
  output: string,
  name: string,
): string {
  switch (kind) {
    case undefined:
    case null:
    case 'linear':
      return input;
    case 'relu':
      nodes.push({ opType: 'Relu', inputs: [input], outputs: [output] });
      return output;
    case 'relu6':
      inits.push({ name: `${name}__six`, dims: [], data: Float32Array.of(6) });
      nodes.push({ opType: 'Clip', inputs: [input, '__zero', `${name}__six`], outputs: [output] });
      return output;
    case 'sigmoid':
      nodes.push({ opType: 'Sigmoid', inputs: [input], outputs: [output] });
      return output;
    case 'tanh':
      nodes.push({ opType: 'Tanh', inputs: [input], outputs: [output] });
      return output;
    default:
      throw new OptionError(
        `keras-to-onnx: layer ${name} has activation "${String(kind)}" (supported: linear, relu, relu6, sigmoid, tanh)`,
      );
  }
}

export interface KerasToOnnxResult {
  /** The serialised ONNX model: input 'input' (NHWC float32), one NCHW output per requested layer, named as the layer. */
  bytes: Uint8Array;
  /** Layers converted (those the outputs depend on), in graph order. */
  layers: string[];
}

/**
 * Converts the part of `model` that the `outputs` layers depend on. Weights are read from the loaded model
 * (dequantised float32), so whatever tfjs loaded is what onnxruntime runs.
 */
export function kerasToOnnx(model: tf.LayersModel, outputs: string[]): KerasToOnnxResult {
  if (!outputs.length) throw new OptionError('keras-to-onnx: name at least one output layer');
  // The Keras (snake_case) form of the topology, as in model.json.
  const json = model.toJSON(null, false) as unknown as { config: { layers: LayerConfig[] } };
  const cfg = json.config;
  const byName = new Map(cfg.layers.map((l) => [l.name, l]));
  for (const o of outputs)
    if (!byName.has(o)) throw new OptionError(`keras-to-onnx: layer "${o}" is not in model ${model.name}`);
  // Layers the outputs depend on.
  const need = new Set<string>();
  const stack = [...outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (need.has(n)) continue;
    need.add(n);
    const l = byName.get(n);
    if (!l) throw new OptionError(`keras-to-onnx: layer ${n} is referenced but not defined`);
    stack.push(...inboundNames(l));
  }
  const nodes: OnnxNode[] = [];
  const inits: OnnxInitializer[] = [{ name: '__zero', dims: [], data: Float32Array.of(0) }];
  const tensorOf = new Map<string, string>();
  const converted: string[] = [];
  let inputSeen = false;
  for (const l of cfg.layers) {
    if (!need.has(l.name)) continue;
    const c = l.config;
    const ins = inboundNames(l).map((n) => tensorOf.get(n)!);
    // An output layer's tensor carries the layer's own name (an Identity to a graph output, with the tensor also
    // feeding later nodes, trips onnxruntime's identity elimination).
    const out = outputs.includes(l.name) ? l.name : `${l.name}__out`;
    let t = out;
    switch (l.class_name) {
      case 'InputLayer': {
        if (inputSeen) throw new OptionError('keras-to-onnx: models with more than one input are not supported');
        inputSeen = true;
        nodes.push({
          opType: 'Transpose',
          inputs: ['input'],
          outputs: [out],
          attributes: { perm: attr.ints([0, 3, 1, 2]) },
        });
        break;
      }
      case 'ZeroPadding2D': {
        checkChannelsLast(c, l.name);
        const p = c.padding as unknown;
        let top: number, bottom: number, left: number, right: number;
        if (typeof p === 'number') {
          top = bottom = left = right = p;
        } else if (Array.isArray(p) && Array.isArray(p[0])) {
          [top, bottom] = pair(p[0], `${l.name} padding`);
          [left, right] = pair(p[1], `${l.name} padding`);
        } else {
          [top, left] = pair(p, `${l.name} padding`);
          bottom = top;
          right = left;
        }
        inits.push({
          name: `${l.name}__pads`,
          dims: [8],
          data: BigInt64Array.from([0, 0, top, left, 0, 0, bottom, right].map(BigInt)),
        });
        nodes.push({
          opType: 'Pad',
          inputs: [ins[0], `${l.name}__pads`],
          outputs: [out],
          attributes: { mode: attr.string('constant') },
        });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        checkChannelsLast(c, l.name);
        const w = layerWeights(model, l.name);
        const depthwise = l.class_name === 'DepthwiseConv2D';
        const kt = w.get(depthwise ? 'depthwise_kernel' : 'kernel');
        if (!kt) throw new OptionError(`keras-to-onnx: layer ${l.name} has no kernel weight`);
        const k = depthwise ? depthwiseKernel(kt) : convKernel(kt);
        inits.push({ name: `${l.name}__W`, dims: k.dims, data: k.data });
        const convIns = [ins[0], `${l.name}__W`];
        if (c.use_bias) {
          const b = w.get('bias');
          if (!b) throw new OptionError(`keras-to-onnx: layer ${l.name} uses a bias but has none`);
          inits.push({ name: `${l.name}__B`, dims: [b.size], data: f32(b) });
          convIns.push(`${l.name}__B`);
        }
        const [kh, kw] = pair(c.kernel_size, `${l.name} kernel_size`);
        const attrs: Record<string, OnnxAttribute> = {
          kernel_shape: attr.ints([kh, kw]),
          strides: attr.ints(pair(c.strides ?? 1, `${l.name} strides`)),
          dilations: attr.ints(pair(c.dilation_rate ?? 1, `${l.name} dilation_rate`)),
          ...padAttrs(c.padding, l.name),
        };
        if (depthwise) attrs.group = attr.int(kt.shape[2] as number);
        else if (c.groups !== undefined && c.groups !== 1)
          throw new OptionError(`keras-to-onnx: layer ${l.name} has groups=${String(c.groups)}`);
        const convOut = c.activation && c.activation !== 'linear' ? `${l.name}__conv` : out;
        nodes.push({ opType: 'Conv', inputs: convIns, outputs: [convOut], attributes: attrs });
        t = activation(nodes, inits, c.activation, convOut, out, l.name);
        break;
      }
      case 'BatchNormalization': {
        const axis = c.axis;
        if (!(
          axis === -1 ||
          axis === 3 ||
          (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3))
        )) {
          throw new OptionError(
            `keras-to-onnx: layer ${l.name} normalises axis ${JSON.stringify(axis)} (only the channel axis)`,
          );
        }
        const w = layerWeights(model, l.name);
        const mean = w.get('moving_mean'),
          variance = w.get('moving_variance');
        if (!mean || !variance) throw new OptionError(`keras-to-onnx: layer ${l.name} lacks its moving statistics`);
        const ch = mean.size;
        const gamma = c.scale === false ? new Float32Array(ch).fill(1) : f32(w.get('gamma')!);
        const beta = c.center === false ? new Float32Array(ch) : f32(w.get('beta')!);
        for (const [s, v] of [
          ['gamma', gamma],
          ['beta', beta],
          ['mean', f32(mean)],
          ['var', f32(variance)],
        ] as const) {
          inits.push({ name: `${l.name}__${s}`, dims: [ch], data: v });
        }
        nodes.push({
          opType: 'BatchNormalization',
          inputs: [ins[0], `${l.name}__gamma`, `${l.name}__beta`, `${l.name}__mean`, `${l.name}__var`],
          outputs: [out],
          attributes: { epsilon: attr.float(typeof c.epsilon === 'number' ? c.epsilon : 1e-3) },
        });
        break;
      }
      case 'ReLU': {
        const max = c.max_value as number | null | undefined;
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0)
          throw new OptionError(`keras-to-onnx: layer ${l.name} is a leaky/thresholded ReLU (not supported)`);
        if (max === null || max === undefined) nodes.push({ opType: 'Relu', inputs: [ins[0]], outputs: [out] });
        else {
          inits.push({ name: `${l.name}__max`, dims: [], data: Float32Array.of(max) });
          nodes.push({ opType: 'Clip', inputs: [ins[0], '__zero', `${l.name}__max`], outputs: [out] });
        }
        break;
      }
      case 'Activation':
        t = activation(nodes, inits, c.activation, ins[0], out, l.name);
        break;
      case 'Add':
        nodes.push({ opType: 'Sum', inputs: ins, outputs: [out] });
        break;
      case 'Concatenate': {
        const axis = c.axis;
        if (axis !== -1 && axis !== 3)
          throw new OptionError(
            `keras-to-onnx: layer ${l.name} concatenates along axis ${String(axis)} (only channels)`,
          );
        nodes.push({ opType: 'Concat', inputs: ins, outputs: [out], attributes: { axis: attr.int(1) } });
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        checkChannelsLast(c, l.name);
        const attrs: Record<string, OnnxAttribute> = {
          kernel_shape: attr.ints(pair(c.pool_size, `${l.name} pool_size`)),
          strides: attr.ints(pair(c.strides ?? c.pool_size, `${l.name} strides`)),
          ...padAttrs(c.padding, l.name),
        };
        if (l.class_name === 'AveragePooling2D') attrs.count_include_pad = attr.int(0);
        nodes.push({
          opType: l.class_name === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool',
          inputs: [ins[0]],
          outputs: [out],
          attributes: attrs,
        });
        break;
      }
      default:
        throw new OptionError(
          `keras-to-onnx: layer ${l.name} is a ${l.class_name}, which the converter does not support (supported: ${SUPPORTED_KERAS_LAYERS.join(', ')})`,
        );
    }
    tensorOf.set(l.name, t);
    converted.push(l.name);
  }
  if (!inputSeen) throw new OptionError('keras-to-onnx: the outputs do not depend on an InputLayer');
  // Graph outputs named as the layers (an Identity when the layer's tensor is an earlier one, e.g. a linear activation).
  for (const o of outputs)
    if (tensorOf.get(o) !== o) nodes.push({ opType: 'Identity', inputs: [tensorOf.get(o)!], outputs: [o] });
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const bytes = buildOnnxModel({
    name: `${model.name}_to_onnx`,
    inputs: [{ name: 'input', elemType: 'float', dims: ['n', 'h', 'w', 3] }],
    outputs: outputs.map((o) => ({ name: o, elemType: 'float', dims: ['n', `${o}_c`, `${o}_h`, `${o}_w`] })),
    nodes,
    initializers: inits.filter((i) => used.has(i.name)),
  });
  return { bytes, layers: converted };
}

type Ort = typeof OrtModule;

export interface OrtLayersBackboneOptions {
  /** Threads inside one operator. @default os.availableParallelism() */
  threads?: number;
  /** 'auto' = CUDA when onnxruntime's CUDA provider is installed, else the CPU. @default 'auto' */
  device?: 'auto' | 'cpu' | 'cuda';
}

/** What a tfjs layers backbone is made of (TfjsBackbone's fields), for conversion. */
export interface LayersBackboneSpec {
  model: tf.LayersModel;
  id: string;
  patchLayers: readonly string[];
  embeddingLayer: string;
  embeddingPool?: EmbeddingPool;
  inputNormalization: InputNormalization;
}

/**
 * A tfjs layers backbone converted to ONNX and run on onnxruntime. Same `id` as the tfjs backbone it came from
 * (its outputs agree with tfjs within 1e-4, so feature caches are shared between the two engines).
 */
export class OrtLayersBackbone implements Backbone {
  readonly id: string;
  readonly inputNormalization: InputNormalization;
  readonly patchLayers: readonly string[];
  readonly embeddingLayer: string;
  readonly embeddingPool: EmbeddingPool;
  readonly engine: string;
  private readonly names: string[];

  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtModule.InferenceSession,
    spec: LayersBackboneSpec,
    engine: string,
    names: string[],
  ) {
    this.id = spec.id;
    this.inputNormalization = spec.inputNormalization;
    this.patchLayers = [...spec.patchLayers];
    this.embeddingLayer = spec.embeddingLayer;
    this.embeddingPool = spec.embeddingPool ?? 'avg';
    this.engine = engine;
    this.names = names;
  }

  /** Converts `spec.model` and opens an onnxruntime session on it. */
  static async fromLayers(
    spec: LayersBackboneSpec,
    options: OrtLayersBackboneOptions = {},
  ): Promise<OrtLayersBackbone> {
    const known = new Set(['threads', 'device']);
    for (const k of Object.keys(options))
      if (!known.has(k))
        throw new OptionError(`OrtLayersBackbone: unknown option "${k}" (known options: threads, device)`);
    const ort = loadOrt();
    if (!ort) throw new OptionError('OrtLayersBackbone: onnxruntime-node does not load here; use the tfjs backbone');
    const threads = options.threads ?? Math.max(1, os.availableParallelism());
    if (!Number.isInteger(threads) || threads < 1)
      throw new OptionError(`OrtLayersBackbone: option threads must be a positive integer, got ${threads}`);
    const device = resolveDevice(options.device);
    if (spec.embeddingPool !== undefined && spec.embeddingPool !== 'avg' && spec.embeddingPool !== 'max')
      throw new OptionError(`OrtLayersBackbone: embeddingPool must be 'avg' or 'max'`);
    const names = [...new Set([...spec.patchLayers, spec.embeddingLayer])];
    const { bytes } = kerasToOnnx(spec.model, names);
    const providers = device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: providers,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new OrtLayersBackbone(
      ort,
      session,
      spec,
      `onnxruntime/${providers.join('+')}/${threads}t (converted from tfjs layers)`,
      names,
    );
  }

  async extract(batch: ImageBatch): Promise<BackboneOutput> {
    const { count: n, height: h, width: w } = batch;
    if (batch.data.length !== n * h * w * 3)
      throw new InputError(`image batch has ${batch.data.length} values, ${n}x${h}x${w}x3 expected`);
    const res = await this.session.run({ input: new this.ort.Tensor('float32', batch.data, [n, h, w, 3]) }, this.names);
    const maps = new Map<string, LayerMap[]>();
    for (const name of this.names) {
      const t = res[name];
      const d = t.dims.map(Number);
      maps.set(name, splitNchw(t.data as Float32Array, n, d[1], d[2], d[3]));
    }
    for (const t of Object.values(res)) t.dispose?.();
    return backboneOutput(maps, n, this.patchLayers, this.embeddingLayer, this.embeddingPool);
  }

  dispose(): void {
    void this.session.release();
  }
}
