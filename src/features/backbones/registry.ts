/**
 * Backbones by name or by spec: what a config's `features.backbone` can say.
 *   "mobilenetv2"                       a bundled backbone, by its registered name (the default);
 *   { "onnx": "wrn50.onnx", ... }       a user's ONNX export (the paper's WideResNet50: outputs layer2, layer3, avgpool).
 * `parseBackboneSpec` checks the shape of a spec (no I/O, for config validation); `checkBackbone` loads it once and
 * runs one blank image through it (preflight: missing file, wrong output names, outputs of the wrong rank are errors
 * before any work); `loadBackbone` gives the Backbone for FeatureExtractor.create.
 * Other bundled backbones are added with `registerBackbone` (or a line in BUNDLED below).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Backbone, InputNormalization } from '../types';
import { InputError, OptionError } from '../../util/errors';
import { selectTfBackend, TfBackendChoice } from '../backend';
import { loadBundledBackbone } from './bundled';
import { OnnxBackbone } from './onnx';

/** A user's ONNX model, in config terms. */
export interface OnnxBackboneSpec {
  /** Path of the .onnx file (relative to the working directory, or absolute). */
  onnx: string;
  /** Outputs that are patch maps, finest grid first. @default ['layer2', 'layer3'] (the WRN50 export) */
  patchLayers?: string[];
  /** Output giving the image embedding for TailSampler. @default 'avgpool' */
  embeddingLayer?: string;
  /** onnxruntime execution providers in order of preference, e.g. ['cuda', 'cpu']. @default ['cpu'] */
  executionProviders?: string[];
  /** Input scaling. @default 'imagenet' (torchvision mean/std) */
  inputNormalization?: InputNormalization;
  /** Layout of the input and map outputs. @default 'NCHW' (PyTorch exports) */
  layout?: 'NCHW' | 'NHWC';
  /** Threads inside one operator. @default all cores */
  intraOpNumThreads?: number;
}

export type BackboneSpec = string | OnnxBackboneSpec;

const ONNX_SPEC_KEYS = [
  'onnx',
  'patchLayers',
  'embeddingLayer',
  'executionProviders',
  'inputNormalization',
  'layout',
  'intraOpNumThreads',
] as const;

/** A named backbone that ships with the kit. */
export interface BundledBackboneEntry {
  /** One line for --help and the README. */
  description: string;
  /** tfjs backbones need a tfjs backend selected before loading. */
  engine: 'tfjs' | 'onnx';
  load(): Promise<Backbone>;
}

/** The default of `features.backbone`. */
export const DEFAULT_BACKBONE = 'mobilenetv2';

const BUNDLED = new Map<string, BundledBackboneEntry>([
  [
    DEFAULT_BACKBONE,
    {
      description:
        'MobileNetV2, frozen ImageNet layers up to block_10 (bundled, patch layers block_5_add + block_10_project_BN)',
      engine: 'tfjs',
      load: () => loadBundledBackbone(),
    },
  ],
]);

/** Adds (or replaces) a bundled backbone name. */
export function registerBackbone(name: string, entry: BundledBackboneEntry): void {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name))
    throw new OptionError(`registerBackbone: name "${name}" must be lower-case letters, digits, ".", "_" or "-"`);
  BUNDLED.set(name, entry);
}

/** The bundled backbone names, default first. */
export function backboneNames(): string[] {
  return [DEFAULT_BACKBONE, ...[...BUNDLED.keys()].filter((n) => n !== DEFAULT_BACKBONE).sort()];
}

/** One line per bundled name, then the ONNX form: for --help. */
export function backboneHelp(): string[] {
  return [
    ...backboneNames().map((n) => `"${n}": ${BUNDLED.get(n)!.description}`),
    '{"onnx": FILE, "patchLayers": ["layer2", "layer3"], "embeddingLayer": "avgpool", "executionProviders": ["cpu"]}: your ONNX export',
    "  (the paper's WRN50 from scripts/export-wrn50.py; also inputNormalization, layout, intraOpNumThreads)",
  ];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNameList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '');

/** Checks a spec's shape (no I/O) and fills the ONNX defaults. `where` names the config key in messages. */
export function parseBackboneSpec(spec: unknown, where = 'backbone'): BackboneSpec {
  if (typeof spec === 'string') {
    if (!BUNDLED.has(spec)) {
      throw new OptionError(
        `${where}: unknown backbone "${spec}" (bundled: ${backboneNames().join(', ')}; for your own model give {"onnx": "model.onnx", "patchLayers": [...], "embeddingLayer": "..."})`,
      );
    }
    return spec;
  }
  if (!isObject(spec))
    throw new OptionError(
      `${where} must be a bundled backbone name (${backboneNames().join(', ')}) or {"onnx": FILE, ...}`,
    );
  for (const k of Object.keys(spec)) {
    if (!(ONNX_SPEC_KEYS as readonly string[]).includes(k))
      throw new OptionError(`${where}: unknown key "${k}" (known keys: ${ONNX_SPEC_KEYS.join(', ')})`);
  }
  if (typeof spec.onnx !== 'string' || spec.onnx === '')
    throw new OptionError(`${where}.onnx must be the path of an .onnx file`);
  const out: OnnxBackboneSpec = {
    onnx: spec.onnx,
    patchLayers: ['layer2', 'layer3'],
    embeddingLayer: 'avgpool',
    executionProviders: ['cpu'],
  };
  if (spec.patchLayers !== undefined) {
    if (!isNameList(spec.patchLayers))
      throw new OptionError(`${where}.patchLayers must be a non-empty list of output names, finest grid first`);
    out.patchLayers = spec.patchLayers;
  }
  if (spec.embeddingLayer !== undefined) {
    if (typeof spec.embeddingLayer !== 'string' || spec.embeddingLayer === '')
      throw new OptionError(`${where}.embeddingLayer must be an output name`);
    out.embeddingLayer = spec.embeddingLayer;
  }
  if (spec.executionProviders !== undefined) {
    if (!isNameList(spec.executionProviders))
      throw new OptionError(`${where}.executionProviders must be a non-empty list, e.g. ["cuda", "cpu"]`);
    out.executionProviders = spec.executionProviders;
  }
  if (spec.inputNormalization !== undefined) {
    if (spec.inputNormalization !== 'imagenet' && spec.inputNormalization !== 'mobilenet')
      throw new OptionError(`${where}.inputNormalization must be "imagenet" or "mobilenet"`);
    out.inputNormalization = spec.inputNormalization;
  }
  if (spec.layout !== undefined) {
    if (spec.layout !== 'NCHW' && spec.layout !== 'NHWC')
      throw new OptionError(`${where}.layout must be "NCHW" or "NHWC"`);
    out.layout = spec.layout;
  }
  if (spec.intraOpNumThreads !== undefined) {
    if (!Number.isInteger(spec.intraOpNumThreads) || (spec.intraOpNumThreads as number) < 1)
      throw new OptionError(`${where}.intraOpNumThreads must be an integer >= 1`);
    out.intraOpNumThreads = spec.intraOpNumThreads as number;
  }
  return out;
}

export interface LoadBackboneOptions {
  /** tfjs backend for a bundled tfjs backbone. @default 'auto' */
  backend?: TfBackendChoice;
  /** No log lines. @default false */
  quiet?: boolean;
}

/** Loads a backbone from a name or an ONNX spec. */
export async function loadBackbone(spec: unknown, opts: LoadBackboneOptions = {}): Promise<Backbone> {
  const s = parseBackboneSpec(spec);
  if (typeof s === 'string') {
    const entry = BUNDLED.get(s)!;
    if (entry.engine === 'tfjs') await selectTfBackend({ backend: opts.backend ?? 'auto', quiet: opts.quiet ?? false });
    return entry.load();
  }
  if (opts.backend !== undefined && opts.backend !== 'auto') {
    throw new OptionError(
      `features.backend selects a tfjs backend; an ONNX backbone runs on onnxruntime: set features.backbone.executionProviders instead`,
    );
  }
  const file = path.resolve(s.onnx);
  if (!fs.existsSync(file)) {
    throw new InputError(
      `ONNX model not found: ${file} (features.backbone.onnx = "${s.onnx}"). Export WideResNet50 with scripts/export-wrn50.py (see README, "Running the paper's protocol") and point features.backbone.onnx at it`,
    );
  }
  return OnnxBackbone.create({
    model: file,
    patchOutputs: s.patchLayers,
    embeddingOutput: s.embeddingLayer,
    executionProviders: s.executionProviders,
    ...(s.inputNormalization ? { inputNormalization: s.inputNormalization } : {}),
    ...(s.layout ? { layout: s.layout } : {}),
    ...(s.intraOpNumThreads ? { intraOpNumThreads: s.intraOpNumThreads } : {}),
  });
}

/** What a checked backbone gives at the run's crop size. */
export interface BackboneCheck {
  id: string;
  /** [height, width, channels] per patch layer. */
  layerShapes: Record<string, [number, number, number]>;
  embedDim: number;
}

/**
 * Preflight: loads the backbone and runs one blank crop x crop image through it, so a missing file, a wrong output
 * name, an output of the wrong rank, or patch layers listed coarse-first fail before any work. Disposes it after.
 */
export async function checkBackbone(
  spec: unknown,
  opts: LoadBackboneOptions & { crop: number },
): Promise<BackboneCheck> {
  const bb = await loadBackbone(spec, opts);
  try {
    const c = opts.crop;
    const out = await bb.extract({ data: new Float32Array(c * c * 3), count: 1, height: c, width: c });
    const layerShapes: Record<string, [number, number, number]> = {};
    for (const name of bb.patchLayers) {
      const m = out.layers[0][name];
      if (!m) throw new OptionError(`backbone ${bb.id}: no map for patch layer "${name}"`);
      layerShapes[name] = [m.height, m.width, m.channels];
    }
    const first = layerShapes[bb.patchLayers[0]];
    for (const name of bb.patchLayers) {
      const s = layerShapes[name];
      if (s[0] > first[0] || s[1] > first[1]) {
        throw new OptionError(
          `backbone ${bb.id}: patch layers must be listed finest first, but "${name}" (${s[0]}x${s[1]}) is finer than "${bb.patchLayers[0]}" (${first[0]}x${first[1]})`,
        );
      }
    }
    if (out.embeddings.rows !== 1 || out.embeddings.cols < 1)
      throw new OptionError(
        `backbone ${bb.id}: embedding layer "${bb.embeddingLayer}" gave ${out.embeddings.rows}x${out.embeddings.cols} for one image`,
      );
    return { id: bb.id, layerShapes, embedDim: out.embeddings.cols };
  } catch (e) {
    if (e instanceof InputError && /4-D feature map expected/.test(e.message)) {
      throw new OptionError(
        `${e.message}: a patch layer must be a 4-D map (N, C, H, W); check features.backbone.patchLayers`,
      );
    }
    throw e;
  } finally {
    bb.dispose();
  }
}
