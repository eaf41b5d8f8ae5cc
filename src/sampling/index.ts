/** Samplers: greedy coreset, LOF, the linear quantile, and TailSampler with its class-size and few-shot parts. */
export * from './coreset';
export { lof, lofPerPosition } from './lof';
export type { LofOptions, LofPerPositionOptions } from './lof';
export {
  tailSampler,
  tailSamplerPreset,
  selfSimilarity,
  predictClassSizes,
  TAIL_SAMPLER_DEFAULTS,
} from './tail-sampler';
export type { TailSamplerOptions, TailSamplerResult, TailSamplerPresetName } from './tail-sampler';
export { THRESHOLD_TYPES, ROW_THRESHOLD_TYPES, GLOBAL_THRESHOLD_TYPES, VOTE_TYPES } from './class-size';
export type { ThresholdType, RowThresholdType, GlobalThresholdType, VoteType, SimilarityMatrix } from './class-size';
export {
  predictFewShot,
  estimateClassHistogram,
  elbowK,
  percentileK,
  roundHalfEven,
  FEW_SHOT_DEFAULTS,
} from './few-shot';
export type { FewShotOptions, FewShotResult } from './few-shot';
export { TAIL_GUARDS, guardMaxK, gapCut } from './tail-guard';
export type { TailGuard, TailGuardOptions } from './tail-guard';
export { patchClassSizes, tailedLofScores, quarterAngleThreshold } from './tailed-lof';
export { quantileLinear } from './quantile';
export { kCenterBruteForce } from './coreset-kcenter';
export { kCenterParallel } from './coreset-parallel';
export type { KCenterStats } from './coreset-parallel';
