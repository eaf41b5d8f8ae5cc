export type { TrainFeatures, AugmentationType, Prediction, AnomalyModel } from './types';
export { MEMORY_BANK_MODEL_DEFAULTS, resolveModelOptions } from './options';
export type { MemoryBankModelOptions, TailChoice } from './options';
export {
  PatchCore,
  SoftPatch,
  TailedCore,
  PATCHCORE_DEFAULTS,
  SOFTPATCH_DEFAULTS,
  TAILEDCORE_DEFAULTS,
} from './methods';
export type { PatchCoreOptions, SoftPatchOptions, TailedCoreOptions } from './methods';
export { createModel, createModelFrom, createModelForCell } from './factory';
export { MODEL_NAMES, methodInfo, isModelName, checkModelName } from './registry';
export type { ModelName, ModelOptionsByName, MethodInfo, MethodSpec } from './registry';
export { buildHeadBranch, keepBelow } from './head-branch';
export type { HeadBranchOptions, HeadBranchResult } from './head-branch';
export { buildTailBranch, oracleTailIndices } from './tail-branch';
export type { TailBranchOptions, TailBranchResult } from './tail-branch';
export { Padim, PADIM_DEFAULTS, fitPadimGaussians, padimPatchScores, choleskyLower } from './padim';
export type { PadimOptions, PadimGaussians } from './padim';
export { MemoryBankModel } from './memory-bank-model';
export type { ModelInfo } from './memory-bank-model';
