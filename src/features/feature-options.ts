/**
 * The feature options as configs, the session and the runner give them: FeatureExtractorOptions with the backbone as a
 * spec (a bundled name or an ONNX export) instead of a loaded Backbone. Typed, so a misspelt key is a compile error in
 * TypeScript; JSON configs get the same keys checked at run time by FeatureExtractor.create.
 */
import type { FeatureExtractorOptions } from './extractor';
import type { BackboneSpec } from './backbones/registry';

export type FeatureOptions = Omit<FeatureExtractorOptions, 'backbone'> & {
  /** A bundled backbone name or an ONNX spec ({ onnx, patchLayers, embeddingLayer, ... }). @default the bundled MobileNetV2 */
  backbone?: BackboneSpec;
};
