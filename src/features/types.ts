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
