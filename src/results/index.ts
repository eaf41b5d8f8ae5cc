/** Result rows and the results file (results.csv, long format): below report/ and plots/, above metrics/. */
export * from './results-file';
export type { ClassTestSet, ClassEvaluation, SplitEvaluation } from './evaluation';
export * from './cell-details';
