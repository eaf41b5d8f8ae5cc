/** Feature extraction: backends, backbones, preprocessing, augmentation views, patch embedding, cache. */
export * from './types';
export { selectTfBackend, activeTfBackend, TF_BACKEND_CHOICES } from './backend';
export type { TfBackendName, TfBackendChoice, TfBackendInfo, SelectTfBackendOptions } from './backend';
export * from './backbones';
export {
  preprocess,
  preprocessResizeOnly,
  preprocessMask,
  normalizeRgb,
  PREPROCESS_DEFAULTS,
  MASK_DEFAULTS,
} from './preprocess';
export type { PreprocessOptions, MaskPreprocessOptions, FloatImage } from './preprocess';
export {
  augmentationViews,
  renderView,
  rotateNearest,
  hflip,
  replicatePad,
  rotationPadding,
  viewKey,
  AUGMENTATION_TYPES,
  AUGMENTATION_VIEWS,
} from './augment';
export type { AugmentationView, AugmentationType } from './augment';
export {
  patchEmbed,
  unfold,
  unfoldPool,
  adaptiveAvgPool1d,
  adaptivePoolWindows,
  PATCH_EMBED_DEFAULTS,
} from './patch-embed';
export {
  resizeBilinearU8,
  resizeBilinearHwc,
  alignCornersFalseTaps,
  centerCropOffsets,
  shorterSideSize,
} from './resize';
export { FeatureCache, cacheKey, sha256File, CACHE_VERSION } from './cache';
export { FeatureExtractor, extractMaskBatch, BUNDLED_TARGET_DIM, tfBackendForMetadata } from './extractor';
export type { FeatureExtractorOptions, FeatureExtractorInfo, ExtractStats } from './extractor';
export {
  concatNormalized,
  flipAverage,
  hflipHwc,
  poolMap,
  poolSecondOrder,
  projectChannels,
  seededProjection,
  signedSqrt,
} from './embedding';
export { BUNDLED_NETS, ImageEmbedder, KIT_DEFAULT_EMBEDDING } from './embedding-pass';
export type { PatchEmbedOptions } from './patch-embed';
export type { CacheShape } from './cache';
export type { FeatureOptions } from './feature-options';
export type { PoolKind } from './embedding';
export type { EmbeddingChoice } from './embedding-pass';
