export { generateSynthetic, SYNTH_DEFAULTS, SYNTH_VERSION, SYNTH_FAMILIES } from './generate';
export type { SynthOptions, SynthReport, SynthClassReport } from './generate';
export { renderSample, MASK_THRESHOLD } from './render';
export type { Sample as SynthSample } from './render';
export { PHOTO_CLASS_NAMES } from './photo';
export type { SynthFamily } from './generate';
export { LOOKALIKE_CLASS_NAMES } from './lookalike';
export { SYNTH_CLASS_NAMES } from './classes';
export type { DefectType } from './defects';
