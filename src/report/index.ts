/** Aggregation of experiment results: mean ± std over seeds for all / head / tail classes; CSV and Markdown. */
export * from './summary';
export * from './markdown';
export * from './write';
export * from './tail-accuracy';
export * from './run-data';
export { reportHtml, writeReport, reportFrame, REPORT_FILE } from './html-report';
export * from './tailsampler-variants';
export * from './embedding-quality';
export * from './class-similarity';
export { selectionRatio, summarizeSelections } from './tail-selection-summary';
export type { ReportOptions } from './html-report';
export { SECTION_NAMES } from './html-sections';
export type { SectionName } from './html-sections';
export type { SelectionRecord } from './tail-selection-summary';
