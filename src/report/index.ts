/** Aggregation of experiment results: mean ± std over seeds for all / head / tail classes; CSV and Markdown. */
export * from './summary';
export * from './markdown';
export * from './write';
export * from './tail-accuracy';
export * from './tailsampler-variants';
export * from './embedding-quality';
export * from './class-similarity';
