/** Metrics on raw scores: AUROC (image, pixel), AUPRO, F1-max, per-class evaluation and head/tail summaries. */
export { auroc, pixelAuroc } from './auroc';
export { aupro, AUPRO_DEFAULTS } from './aupro';
export type { AuproOptions } from './aupro';
export { f1Max } from './f1-max';
export type { F1MaxResult } from './f1-max';
export { evaluateClass } from './evaluate';
export type { ClassMetrics, EvaluateClassInput } from './evaluate';
export { summarize, METRIC_NAMES, SUMMARIZE_DEFAULTS } from './summarize';
export type { ClassMetricsRow, GroupSummary, Summary, SummarizeOptions, MetricName } from './summarize';
export { labelRegions8 } from './components';
export type { Regions } from './components';
export { argsortDescending } from './argsort';
