/**
 * A Backbone on onnxruntime-node: the route to the paper's WideResNet50 (outputs layer2, layer3, avgpool) from a
 * user's own ONNX export. CPU here; pass executionProviders ['cuda'] on a CUDA machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as crypto from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { Backbone, BackboneOutput, ImageBatch, InputNormalization, LayerMap } from '../types';
import { InputError, OptionError } from '../../util/errors';
import { resolveOptions, checkOneOf, checkRange } from '../../util/options';
import { splitNchw, splitNhwc, globalAvgPool, nhwcToNchw } from './split';
import { checkInputLayout } from './onnx-layout';
import { zeros } from '../../linalg/matrix';

export interface OnnxBackboneOptions {
  /** Path to a .onnx file, or the model bytes. */
  model: string | Uint8Array;
  /** Outputs that are patch maps, finest grid first. @default ['layer2', 'layer3'] (WRN50 as in the paper) */
  patchOutputs?: string[];
  /** Output giving the image embedding: (N, C), (N, C, 1, 1) or a map that is then averaged. @default 'avgpool' */
  embeddingOutput?: string;
  /** Graph input name. @default the model's first input */
  inputName?: string;
  /** Layout of the input and of the map outputs. @default 'NCHW' (PyTorch exports) */
  layout?: 'NCHW' | 'NHWC';
  /** Input scaling. @default 'imagenet' (torchvision mean/std) */
  inputNormalization?: InputNormalization;
  /** onnxruntime execution providers, in order of preference. @default ['cpu'] */
  executionProviders?: string[];
  /** Threads inside one operator (set explicitly: onnxruntime's own default can oversubscribe). @default os.availableParallelism() */
  intraOpNumThreads?: number;
  /** Stable id for cache keys. @default 'onnx:' + first 12 hex of the model's sha256 */
  id?: string;
}

const DEFAULTS = {
  model: '' as string | Uint8Array,
  patchOutputs: ['layer2', 'layer3'],
  embeddingOutput: 'avgpool',
  inputName: undefined as string | undefined,
  layout: 'NCHW' as 'NCHW' | 'NHWC',
  inputNormalization: 'imagenet' as InputNormalization,
  executionProviders: ['cpu'],
  intraOpNumThreads: Math.max(1, os.availableParallelism()),
  id: undefined as string | undefined,
};

type ValueMeta = { name: string; isTensor: boolean; shape?: ReadonlyArray<number | string> };

/**
 * Checks the ranks the model declares for its outputs (when it declares them): patch outputs must be 4-D maps, the
 * embedding (N, C), (N, C, 1, 1) or a 4-D map. A model without declared shapes is checked on its first forward pass.
 */
function checkOutputRanks(
  session: ort.InferenceSession,
  patchOutputs: string[],
  embeddingOutput: string,
  where: string,
): void {
  const meta = (session as unknown as { outputMetadata?: readonly ValueMeta[] }).outputMetadata;
  if (!Array.isArray(meta)) return;
  const shapeOf = (name: string) => {
    const m = meta.find((x) => x.name === name);
    return m && m.isTensor && m.shape && m.shape.length > 0 ? m.shape : null;
  };
  for (const name of patchOutputs) {
    const s = shapeOf(name);
    if (s && s.length !== 4) {
      throw new OptionError(
        `ONNX model ${where}: patch output "${name}" has rank ${s.length} ([${s.join(', ')}]); a patch layer must be a 4-D feature map (N, C, H, W). Export the layer's output, not a pooled or flattened one`,
      );
    }
  }
  const e = shapeOf(embeddingOutput);
  if (e && e.length !== 2 && e.length !== 4) {
    throw new OptionError(
      `ONNX model ${where}: embedding output "${embeddingOutput}" has rank ${e.length} ([${e.join(', ')}]); expected (N, C), (N, C, 1, 1) or a 4-D map to average`,
    );
  }
}

export class OnnxBackbone implements Backbone {
  readonly patchLayers: readonly string[];
  readonly embeddingLayer: string;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly id: string,
    readonly inputNormalization: InputNormalization,
    private readonly inputName: string,
    private readonly layout: 'NCHW' | 'NHWC',
    patchOutputs: string[],
    embeddingOutput: string,
    readonly engine: string,
  ) {
    this.patchLayers = patchOutputs;
    this.embeddingLayer = embeddingOutput;
  }

  static async create(options: OnnxBackboneOptions): Promise<OnnxBackbone> {
    const o = resolveOptions(DEFAULTS, options as Partial<typeof DEFAULTS>, 'OnnxBackbone.create');
    checkOneOf('layout', o.layout, ['NCHW', 'NHWC'] as const);
    checkRange('intraOpNumThreads', o.intraOpNumThreads, 1, 1024, { integer: true });
    if (!o.patchOutputs.length)
      throw new OptionError('OnnxBackbone: option patchOutputs must name at least one output');
    let bytes: Uint8Array;
    if (typeof o.model === 'string') {
      if (!o.model || !fs.existsSync(o.model))
        throw new InputError(
          `ONNX model not found: "${o.model}". Export one (see README, "Using the paper's WideResNet50") and pass its path.`,
        );
      bytes = fs.readFileSync(o.model);
    } else if (o.model instanceof Uint8Array) bytes = o.model;
    else throw new OptionError('OnnxBackbone: option model must be a file path or the model bytes');
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: o.executionProviders as ort.InferenceSession.ExecutionProviderConfig[],
        intraOpNumThreads: o.intraOpNumThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (e) {
      const where = typeof o.model === 'string' ? o.model : 'the given model bytes';
      throw new InputError(
        `onnxruntime cannot load ${where} with providers [${o.executionProviders.join(', ')}]: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    const inputName = o.inputName ?? session.inputNames[0];
    if (!session.inputNames.includes(inputName))
      throw new OptionError(
        `OnnxBackbone: option inputName "${inputName}" is not an input of the model (inputs: ${session.inputNames.join(', ')})`,
      );
    checkInputLayout(session, inputName, o.layout);
    for (const name of [...o.patchOutputs, o.embeddingOutput]) {
      if (!session.outputNames.includes(name)) {
        throw new OptionError(
          `OnnxBackbone: output "${name}" is not in the model (outputs: ${session.outputNames.join(', ')}); set patchOutputs / embeddingOutput (in a config: features.backbone.patchLayers / embeddingLayer) to match your export`,
        );
      }
    }
    checkOutputRanks(
      session,
      o.patchOutputs,
      o.embeddingOutput,
      typeof o.model === 'string' ? o.model : 'the given model bytes',
    );
    const id = o.id ?? `onnx:${crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
    return new OnnxBackbone(
      session,
      id,
      o.inputNormalization,
      inputName,
      o.layout,
      o.patchOutputs,
      o.embeddingOutput,
      `onnxruntime/${o.executionProviders.join('+')}/${o.intraOpNumThreads}t`,
    );
  }

  private mapsOf(t: ort.Tensor, name: string, n: number): LayerMap[] {
    if (t.dims.length !== 4)
      throw new InputError(`ONNX output ${name} has shape [${t.dims.join(', ')}], a 4-D feature map expected`);
    const d = t.dims.map(Number);
    const data = t.data as Float32Array;
    return this.layout === 'NCHW' ? splitNchw(data, n, d[1], d[2], d[3]) : splitNhwc(data, n, d[1], d[2], d[3]);
  }

  async extract(batch: ImageBatch): Promise<BackboneOutput> {
    const { count: n, height: h, width: w } = batch;
    if (batch.data.length !== n * h * w * 3)
      throw new InputError(`image batch has ${batch.data.length} values, ${n}x${h}x${w}x3 expected`);
    const input =
      this.layout === 'NCHW'
        ? new ort.Tensor('float32', nhwcToNchw(batch.data, n, h, w, 3), [n, 3, h, w])
        : new ort.Tensor('float32', batch.data, [n, h, w, 3]);
    const names = [...new Set([...this.patchLayers, this.embeddingLayer])];
    const res = await this.session.run({ [this.inputName]: input }, names);
    const layers: Record<string, LayerMap>[] = Array.from({ length: n }, () => ({}));
    for (const name of this.patchLayers) {
      this.mapsOf(res[name], name, n).forEach((m, i) => {
        layers[i][name] = m;
      });
    }
    const et = res[this.embeddingLayer];
    const ed = et.dims.map(Number);
    let embeddings;
    if (ed.length === 4 && ed[this.layout === 'NCHW' ? 2 : 1] * ed[this.layout === 'NCHW' ? 3 : 2] > 1) {
      embeddings = globalAvgPool(this.mapsOf(et, this.embeddingLayer, n));
    } else {
      const c = ed.slice(1).reduce((a, b) => a * b, 1);
      embeddings = zeros(n, c);
      embeddings.data.set(et.data as Float32Array);
    }
    for (const t of Object.values(res)) t.dispose?.();
    return { layers, embeddings };
  }

  dispose(): void {
    void this.session.release();
  }
}
