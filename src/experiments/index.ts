/** The experiment grid runner: config, grid, results.csv with resume, and the run itself. */
export * from './config';
export * from './grid';
export * from './results-file';
export * from './config-file';
export * from './layout';
export * from './env';
export * from './feature-store';
export type { Pipeline, FeatureSource, SplitRequest } from './pipeline';
export { runExperiment, runCell, preflight, runDir } from './runner';
export type { RunOptions, RunSummary } from './runner';
export { evaluateSplit } from './evaluate-split';
export type { SplitEvaluation, ClassEvaluation, EvaluateSplitArgs, ClassTestSet } from './evaluate-split';
export { kitPipeline } from './kit-pipeline';
export { openSession } from './session';
export type { Session, SessionOptions, SplitSpec } from './session';
export { writeRunOutputs } from './outputs';
export type { RunOutputs } from './outputs';
export { FAST_FEATURES, DEMO_FEATURES, PAPER_FEATURES, FAST_CORESET_RATIO, DEMO_CORESET_RATIO, PAPER_CORESET_RATIO, coresetOptions } from './demo-settings';
