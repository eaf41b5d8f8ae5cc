export { loadBundledBackbone, BUNDLED_BACKBONE_DIR, BUNDLED_DEFAULTS, BUNDLED_LAYERS } from './bundled';
export {
  loadBackbone,
  checkBackbone,
  parseBackboneSpec,
  registerBackbone,
  backboneNames,
  backboneHelp,
  DEFAULT_BACKBONE,
} from './registry';
export type {
  BackboneSpec,
  OnnxBackboneSpec,
  BundledBackboneEntry,
  LoadBackboneOptions,
  BackboneCheck,
} from './registry';
export { cutNsfwjsModel, loadCut } from './nsfwjs-cut';
export { TfjsBackbone } from './tfjs';
export type { TfjsBackboneOptions } from './tfjs';
export { OnnxBackbone } from './onnx';
export type { OnnxBackboneOptions } from './onnx';
export type { BundledBackboneOptions } from './bundled';
export type { NsfwjsNet } from './nsfwjs-cut';
export { tinyCnnOnnx } from './tiny-cnn';
export { withFastestEngine } from './fastest-engine';
