/**
 * What the experiment runner needs from the rest of the kit, as one narrow interface.
 * The real binding is in ./kit-pipeline; tests pass a small fake, so the runner's bookkeeping (grid, resume,
 * atomic rows) is tested without a backbone.
 */
import type { Dataset, Manifest, DatasetImage } from '../data/types';
import type { FeatureSet } from '../features/types';
import type { FeatureOptions } from '../features/feature-options';
import type { SynthOptions } from '../data/synth/generate';
import type { AnomalyModel, AugmentationType } from '../models/types';
import type { Matrix } from '../linalg/matrix';
import type { MetricName } from '../metrics/evaluate';
import type { SplitSpec } from '../data/splits/options';

/** A feature extractor as the runner uses it (FeatureExtractor from src/features satisfies it). */
export interface FeatureSource {
  extract(paths: string[]): Promise<FeatureSet>;
  augmentedPatches(paths: string[], type: AugmentationType): Promise<Matrix>;
  /** Patch features only (embeddings with 0 columns); with extractEmbeddings, lets a store defer the embedding pass. */
  extractPatches?(paths: string[]): Promise<FeatureSet>;
  /** The image embeddings of just these images (cached apart from the patch features). */
  extractEmbeddings?(paths: string[]): Promise<Matrix>;
  /** A JSON-able description (backbone, layers, sizes, backend) saved in env.json; resize and crop place the masks. */
  describe(): MaskGeometry;
  dispose?(): void;
}

/** Where a map's pixels come from in the original image: shorter side resized, then centre-cropped. */
export interface MaskGeometry {
  resize: number;
  crop: number;
}

export interface Pipeline {
  /** Valid method names (MODEL_NAMES). */
  readonly modelNames: readonly string[];
  /** Writes the synthetic dataset at root (only called when root is absent and the config asks for it). */
  generateSynthetic(root: string, options: Partial<Omit<SynthOptions, 'out'>>): Promise<void>;
  loadDataset(root: string): Promise<Dataset>;
  /** Draws a split; the spec is the data/splits one, defaults from SPLIT_DEFAULTS. */
  buildSplit(dataset: Dataset, spec: SplitSpec): Manifest | Promise<Manifest>;
  /** Training image paths of a split in the fixed training order, with their class names. */
  trainPaths(dataset: Dataset, manifest: Manifest): { paths: string[]; classNames: string[] };
  createExtractor(options: FeatureOptions): Promise<FeatureSource>;
  /**
   * Builds a model; throws an OptionError for an unknown option. `seed` seeds its randomness; `augmentation` is the
   * cell's tail augmentation (official configs: rot15flip for step, rot30flip for Pareto), used by methods with a
   * tail branch unless the method's own options set one.
   */
  createModel(
    name: string,
    options: Record<string, unknown>,
    context: { seed: number; augmentation: AugmentationType },
  ): AnomalyModel;
  /** Ground-truth masks (crop x crop, cut like the images) for the given test images (zeros for normal images). */
  loadMasks(images: DatasetImage[], geometry: MaskGeometry): Promise<Uint8Array>;
  /** The four metrics of one class's test set. */
  evaluateClass(input: {
    labels: Uint8Array;
    imageScores: Float32Array;
    masks: Uint8Array;
    maps: Float32Array;
    mapSize: number;
  }): Record<MetricName, number>;
  /** The active numeric backend, for env.json (e.g. 'wasm'). */
  backend(): string;
}
