/** Vega-Lite figures rendered headless (SVG via vega's 'none' renderer, PNG via sharp) and heatmap overlays. */
export * from './render';
export * from './specs';
export * from './heatmap';
export * from './figures';
export * from './select';
export * from './ablation-specs';
