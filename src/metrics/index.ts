/**
 * Metrics on raw scores: AUROC (image, pixel), AUPRO, F1-max and per-class evaluation. Aggregation over classes and
 * seeds (all / head / tail) is src/report's summarizeResults.
 */
export { auroc, pixelAuroc } from './auroc';
export { aupro, AUPRO_DEFAULTS } from './aupro';
export { evaluateClass, METRIC_NAMES, METRIC_TITLES, metricTitle } from './evaluate';
export type { ClassMetrics, EvaluateClassInput, MetricName } from './evaluate';
export type { AuproOptions } from './aupro';
export { f1Max } from './f1-max';
export type { F1MaxResult } from './f1-max';
export { labelRegions8 } from './components';
export type { Regions } from './components';
export { argsortDescending } from './argsort';
