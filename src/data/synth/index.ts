export { generateSynthetic, SYNTH_DEFAULTS, SYNTH_VERSION } from './generate';
export type { SynthOptions, SynthReport, SynthClassReport } from './generate';
export { SYNTH_CLASS_NAMES } from './classes';
export { renderSample, MASK_THRESHOLD } from './render';
export type { Sample as SynthSample } from './render';
export type { DefectType } from './defects';
