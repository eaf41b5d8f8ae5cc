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
