export { TfjsBackbone } from './tfjs';
export type { TfjsBackboneOptions } from './tfjs';
export { OnnxBackbone } from './onnx';
export type { OnnxBackboneOptions } from './onnx';
export { loadBundledBackbone, BUNDLED_BACKBONE_DIR, BUNDLED_DEFAULTS, BUNDLED_LAYERS } from './bundled';
export type { BundledBackboneOptions } from './bundled';
