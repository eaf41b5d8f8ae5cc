/**
 * One call per figure, for notebooks and scripts: build the spec, render SVG, and when `out` is given write
 * <out>.svg, <out>.png and <out>.vl.json. Each returns the SVG string (tslab.display.svg shows it).
 */
import * as fs from 'node:fs';
import { readResults, ResultRow } from '../results/results-file';
import type { Manifest } from '../data/types';
import { summarizeResults, SummaryRow } from '../report/summary';
import { renderSvg, svgToPng, writeOutput, VegaLiteSpec } from './render';
import { classSizesSpec, perClassSpec, tailSamplerSpec, tradeoffSpec, PerClassOptions, TradeoffOptions } from './specs';
import { heatmapPng, HeatmapItem, OverlayOptions } from './heatmap';

export interface FigureOutput {
  /** Path prefix of the files to write (e.g. results/run/tradeoff -> tradeoff.svg/.png/.vl.json). @default none written */
  out?: string;
}

/** Renders a spec to SVG and, with `out`, writes the SVG, the PNG and the spec. */
async function renderFigure(spec: VegaLiteSpec, opts: FigureOutput = {}): Promise<string> {
  const svg = await renderSvg(spec);
  if (opts.out) {
    writeOutput(`${opts.out}.svg`, svg);
    writeOutput(`${opts.out}.png`, await svgToPng(svg));
    writeOutput(`${opts.out}.vl.json`, JSON.stringify(spec, null, 2) + '\n');
  }
  return svg;
}

/** Result rows from a results.csv path, a run folder, or rows already in memory. */
function asRows(results: string | readonly ResultRow[]): readonly ResultRow[] {
  return typeof results === 'string' ? readResults(results) : results;
}

function isSummary(x: readonly unknown[]): x is readonly SummaryRow[] {
  return x.length > 0 && typeof x[0] === 'object' && x[0] !== null && 'group' in (x[0] as object);
}

/** The tail-versus-noise trade-off from results.csv (path or run folder), result rows or summary rows. */
export async function plotTradeoff(
  results: string | readonly ResultRow[] | readonly SummaryRow[],
  opts: TradeoffOptions & FigureOutput = {},
): Promise<string> {
  const summary =
    typeof results !== 'string' && isSummary(results)
      ? results
      : summarizeResults(asRows(results as string | readonly ResultRow[]));
  return renderFigure(tradeoffSpec(summary, opts), opts);
}

/** Per-class bars (mean over seeds) for one setting. */
export async function plotPerClass(
  results: string | readonly ResultRow[],
  opts: PerClassOptions & FigureOutput = {},
): Promise<string> {
  return renderFigure(perClassSpec(asRows(results), opts), opts);
}

/** TailSampler's predicted class size against the true one, per training image. */
export async function plotTailSampler(
  input: Parameters<typeof tailSamplerSpec>[0],
  opts: FigureOutput = {},
): Promise<string> {
  return renderFigure(tailSamplerSpec(input), opts);
}

/** Class-size histogram of one or more splits (manifests or manifest JSON files). */
export async function plotClassSizes(
  splits: Record<string, Manifest | string>,
  opts: FigureOutput = {},
): Promise<string> {
  const loaded: Record<string, Manifest> = {};
  for (const [k, v] of Object.entries(splits))
    loaded[k] = typeof v === 'string' ? (JSON.parse(fs.readFileSync(v, 'utf8')) as Manifest) : v;
  return renderFigure(classSizesSpec(loaded), opts);
}

/** Heatmap overlays (image | contour | map) for chosen test images; returns PNG bytes, writes <out>.png when asked. */
export async function plotHeatmaps(
  items: HeatmapItem[],
  mapSize: number,
  opts: OverlayOptions & FigureOutput & { gap?: number; panelSize?: number } = {},
): Promise<Buffer> {
  const png = await heatmapPng(items, mapSize, opts);
  if (opts.out) writeOutput(`${opts.out}.png`, png);
  return png;
}
