/** The experiment grid runner: config, grid, results.csv with resume, and the run itself. */
export * from './config';
export * from './grid';
// Result rows and results.csv live in src/results (exported from src/index.ts).
export * from './config-file';
export * from './layout';
export * from './env';
export * from './feature-store';
export type { Pipeline, FeatureSource } from './pipeline';
export { runExperiment, runFeatureStage, runCell, prepare } from './runner';
export type { RunOptions, RunSummary, Prepared, PreparedDataset } from './runner';
export { preflight, runDir, checkRunName } from './preflight';
export { mergeRun, listParts } from './run-folder';
export type { MergeSummary } from './run-folder';
export { readPart, recoverPart, commitCell, CELLS_LOG, PARTS_DIR } from './parts';
export type { CellRecord, PartState } from './parts';
export { resolveShard, assignShards, cellsOfShard, estimateCellCost, partName, SINGLE } from './shards';
export type { ShardSpec } from './shards';
export { configFingerprint, datasetFingerprint, describeDatasetChange } from './fingerprint';
export type { DatasetFingerprint } from './fingerprint';
export { acquireLock, withLock } from './run-lock';
export { emitJobs, estimateCellMemoryMiB, EMIT_TARGETS } from './emit';
export type { EmitTarget, EmitOptions, EmitResult } from './emit';
export type { HeldLock } from './run-lock';
export { evaluateSplit } from './evaluate-split';
export type { SplitEvaluation, ClassEvaluation, EvaluateSplitArgs, ClassTestSet } from './evaluate-split';
export { kitPipeline } from './kit-pipeline';
export { openSession } from './session';
export type { Session, SessionOptions, OfficialSplitSpec } from './session';
export { splitForCell, preflightSources } from './split-source';
export { writeRunOutputs } from './outputs';
export type { RunOutputs } from './outputs';
export {
  FAST_FEATURES,
  DEMO_FEATURES,
  PAPER_FEATURES,
  FAST_CORESET_RATIO,
  DEMO_CORESET_RATIO,
  PAPER_CORESET_RATIO,
  coresetOptions,
} from './demo-settings';
export { notebookSettings } from './notebook-settings';
export type { NotebookSettings, NotebookScale } from './notebook-settings';
