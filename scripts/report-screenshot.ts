/**
 * npx tsx scripts/report-screenshot.ts --run results/<run> --out docs/report.png [--width 1280] [--height 2400]
 * Opens <run>/report.html in the system Chromium (scripts/chromium.ts) and saves a (palette) PNG of its top part.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../src/util';
import { REPORT_FILE } from '../src/report';
import { CliSpec, intFlag, requiredFlag, runCli } from '../src/util';
import { InputError } from '../src/util';
import { chromiumOk, CHROMIUM, launchChromium } from './chromium';

const SPEC: CliSpec = {
  command: 'npx tsx scripts/report-screenshot.ts',
  summary: "Saves a PNG screenshot of a run's report.html, rendered by the system Chromium.",
  flags: {
    run: { type: 'string', value: 'DIR', description: 'run folder holding report.html; required' },
    out: { type: 'string', value: 'FILE', description: 'PNG to write; required' },
    width: { type: 'string', value: 'PX', description: 'viewport width', default: '1280' },
    height: { type: 'string', value: 'PX', description: 'height of the captured top part', default: '2400' },
  },
};

runCli(SPEC, async (p) => {
  const file = path.resolve(requiredFlag(p, SPEC, 'run'), REPORT_FILE);
  const out = requiredFlag(p, SPEC, 'out');
  if (!chromiumOk)
    throw new InputError(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  const width = intFlag(p, 'width', { min: 320, max: 4000 }) ?? 1280;
  const height = intFlag(p, 'height', { min: 200, max: 20000 }) ?? 2400;
  const ctx = await launchChromium();
  try {
    const page = await ctx.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-charts]', { timeout: 120000 });
    const shot = await page.screenshot({ clip: { x: 0, y: 0, width, height } });
    // A palette PNG: a docs image of a few hundred KB instead of a few MB.
    writeFileAtomic(out, await sharp(shot).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer());
    console.log(`wrote ${out}`);
  } finally {
    await ctx.close();
  }
});
