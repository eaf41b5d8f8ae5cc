/**
 * Headless Vega-Lite rendering: compile to Vega, render with a 'none' renderer to SVG (no canvas needed), and
 * rasterise the SVG with sharp (density 144). Text needs system fonts (fonts-dejavu-core), else labels are boxes.
 * vega 5 / vega-lite 5 are used because vega 6 is ESM-only and cannot be required here or inside tslab.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import sharp from 'sharp';
import { InputError } from '../util/errors';
import { writeFileAtomic } from '../util/atomic';

/** A Vega-Lite top-level spec as JSON (kept loose: the builders in ./specs produce them). */
export type VegaLiteSpec = Record<string, unknown>;

/** Font for every text mark: DejaVu Sans is what .ci/run installs. */
const CONFIG = { font: 'DejaVu Sans', background: 'white' };

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  let compiled: vega.Spec;
  try {
    compiled = vl.compile({ config: CONFIG, ...spec } as unknown as vl.TopLevelSpec).spec;
  } catch (e) {
    throw new InputError(`invalid Vega-Lite spec: ${(e as Error).message}`);
  }
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG string to PNG bytes at the given density (dpi; 72 = 1:1). */
export async function svgToPng(svg: string, density = 144): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density }).png().toBuffer();
}

/**
 * Writes a figure file atomically (creating its folder): a killed run never leaves half a PNG that looks current,
 * and a folder problem (permissions, a file in the way, a full disk) is one InputError line naming the figure.
 */
export function writeOutput(file: string, data: string | Buffer): void {
  writeFileAtomic(file, data, 'figure');
}
