/**
 * After a run: summary.csv / summary.md and the standard figures, all beside results.csv.
 */
import * as path from 'node:path';
import { readResults } from '../results/results-file';
import { writeSummary } from '../report/write';
import { summaryMarkdown } from '../report/markdown';
import { writeFileAtomic } from '../util/atomic';
import { plotTradeoff, plotPerClass } from '../plots/figures';
import { settingLabel } from '../data/splits/options';
import { writeReport } from '../report/html-report';

export interface RunOutputs {
  summaryMarkdown: string;
  figures: string[];
  /** report.html and its size in bytes. */
  report: { file: string; bytes: number };
}

/**
 * Writes summary.csv, summary.md, summary-image-auroc.md, the trade-off figures (image and pixel AUROC), per-class bars
 * per setting and the interactive report.html (src/report/html-report.ts).
 */
export async function writeRunOutputs(runDir: string): Promise<RunOutputs> {
  const { rows: summary, markdown } = writeSummary(runDir);
  // A compact table (image AUROC only) for READMEs.
  writeFileAtomic(path.join(runDir, 'summary-image-auroc.md'), summaryMarkdown(summary, { metrics: ['image_auroc'] }));
  const results = readResults(runDir);
  const figures: string[] = [];
  const noises = [...new Set(results.map((r) => r.noise_ratio))].sort((a, b) => a - b);
  for (const metric of ['image_auroc', 'pixel_auroc']) {
    if (!summary.some((r) => r.metric === metric)) continue;
    const out = path.join(runDir, metric === 'image_auroc' ? 'tradeoff' : 'tradeoff-pixel');
    await plotTradeoff(summary, { metric, out });
    figures.push(`${out}.svg`);
  }
  // Per-class bars at the noise ratio nearest the paper's 10 %, for the first seed (one split: head/tail roles fixed).
  const seed = Math.min(...results.map((r) => r.seed));
  const noise = noises.reduce((best, n) => (Math.abs(n - 0.1) < Math.abs(best - 0.1) ? n : best), noises[0]);
  const settings = new Map<string, { tailType: string; k: number | null }>();
  for (const r of results) settings.set(settingLabel(r.tail_type, r.k), { tailType: r.tail_type, k: r.k });
  for (const [label, s] of settings) {
    const out = path.join(
      runDir,
      `per-class-${label.replace(/[^A-Za-z0-9]+/g, '-')}-noise${Math.round(noise * 100)}-seed${seed}`,
    );
    await plotPerClass(results, { tailType: s.tailType, k: s.k, noiseRatio: noise, seed, out });
    figures.push(`${out}.svg`);
  }
  return { summaryMarkdown: markdown, figures, report: writeReport(runDir) };
}
