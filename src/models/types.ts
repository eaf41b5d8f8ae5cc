/** The one interface that PatchCore, SoftPatch and TailedCore implement. */
import { Matrix } from '../linalg/matrix';
import { FeatureSet } from '../features/types';
import type { AugmentationType } from '../features/augment';

/** What a method is fitted on: the training set's features, in the fixed training order. */
export interface TrainFeatures extends FeatureSet {
  /**
   * Patch features of the augmentation views of the given training images (docs/method.md §3.3), all views of image
   * indices[0] first, then indices[1], ... Provided by the feature layer (served from its cache). Optional:
   * a method that needs it and does not get it throws a clear error.
   */
  augmentedPatches?: (imageIndices: number[], type: AugmentationType) => Promise<Matrix>;
  /**
   * The image embeddings, when `embeddings` has 0 columns because they were not computed up front (a lazy feature
   * store): only TailSampler calls it, so methods without it never pay for the embedding pass. @default undefined
   */
  loadEmbeddings?: () => Promise<Matrix>;
  /** Training-set class name of each image, only for oracle ablations and diagnostics (methods never read it otherwise). */
  classNames?: string[];
}

/** Defined with the views in src/features/augment; re-exported here because TrainFeatures.augmentedPatches takes it. */
export type { AugmentationType };

export interface Prediction {
  /** One score per image: max over raw patch scores (docs/method.md §3.4). */
  imageScores: Float32Array;
  /** imageCount * mapSize * mapSize pixel scores (upsampled + blurred). */
  maps: Float32Array;
  mapSize: number;
  /** Optional: the raw patch scores (imageCount * gridH * gridW) the image scores and maps were built from. */
  patchScores?: Float32Array;
}

export interface AnomalyModel {
  readonly name: string;
  fit(train: TrainFeatures): Promise<void>;
  predict(test: FeatureSet): Promise<Prediction>;
  dispose(): void;
}
