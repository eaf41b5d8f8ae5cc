import { Matrix } from '../linalg/matrix';

/** Patch features and image embeddings for an ordered list of images. */
export interface FeatureSet {
  /** (imageCount * gridH * gridW) x dim patch features; row = image * gridH*gridW + y * gridW + x. */
  patches: Matrix;
  /** imageCount x embedDim image-level embeddings (for TailSampler). */
  embeddings: Matrix;
  gridH: number;
  gridW: number;
  imageCount: number;
  /** Side of the (square) cropped input, e.g. 224; anomaly maps are produced at this size. */
  inputSize: number;
}

/** One feature map of one image, HWC row-major (like tfjs): value (y, x, c) at data[(y * width + x) * channels + c]. */
export interface LayerMap {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** How a backbone wants its RGB input scaled (applied by preprocess, from 8-bit values v in [0, 255]). */
export type InputNormalization =
  /** Keras MobileNetV2: v / 127.5 - 1. */
  | 'mobilenet'
  /** torchvision ImageNet: (v / 255 - mean) / std with mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225). */
  | 'imagenet'
  /** v / 255. */
  | 'unit';

/** Spatial pooling of the embedding layer. */
export type EmbeddingPool = 'avg' | 'max';

/** A batch of preprocessed images, NHWC float32, 3 channels. */
export interface ImageBatch {
  data: Float32Array;
  count: number;
  height: number;
  width: number;
}

/** What a backbone returns for a batch. */
export interface BackboneOutput {
  /** Per image, the patch layers' maps by name (names as in Backbone.patchLayers). */
  layers: Record<string, LayerMap>[];
  /** count x embedDim image-level embeddings (global pool of Backbone.embeddingLayer). */
  embeddings: Matrix;
}

/** A frozen CNN that gives named intermediate maps and one embedding per image. */
export interface Backbone {
  /** Stable identity of the weights (goes into cache keys): changes when the model changes. */
  readonly id: string;
  readonly inputNormalization: InputNormalization;
  /** Patch layers, finest (reference grid) first. */
  readonly patchLayers: readonly string[];
  /** Layer (or output) whose global pool is the image embedding. */
  readonly embeddingLayer: string;
  /** How embeddingLayer is pooled over space: 'avg' (the paper's avgpool) or 'max'. Absent means 'avg'. */
  readonly embeddingPool?: EmbeddingPool;
  /** Engine description for run records, e.g. "tfjs/wasm" or "onnxruntime/cpu". */
  readonly engine: string;
  extract(batch: ImageBatch): Promise<BackboneOutput>;
  dispose(): void;
}
