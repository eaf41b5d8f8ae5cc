/**
 * Aggregation over classes: the mean of each metric over all classes, over tail classes (train count <=
 * tailMaxTrain, the paper's <= 20) and over head classes. A group's mean of a metric is null when the group is
 * empty or when any of its classes lacks that metric (a mean over a silent subset would mislead).
 */
import { InputError } from '../util/errors';
import { resolveOptions, checkRange } from '../util/options';
import { ClassMetrics } from './evaluate';

export const METRIC_NAMES = ['image_auroc', 'pixel_auroc', 'aupro', 'f1_max'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface ClassMetricsRow extends ClassMetrics {
  className: string;
  /** Training images of this class in the split (decides head vs tail). */
  trainCount: number;
}

export interface GroupSummary {
  /** Class names in the group, in input order. */
  classes: string[];
  image_auroc: number | null;
  pixel_auroc: number | null;
  aupro: number | null;
  f1_max: number | null;
}

export interface Summary {
  all: GroupSummary;
  tail: GroupSummary;
  head: GroupSummary;
}

export interface SummarizeOptions {
  /** A class is tail when its training count is <= this. @default 20 */
  tailMaxTrain: number;
}

export const SUMMARIZE_DEFAULTS: SummarizeOptions = { tailMaxTrain: 20 };

function group(rows: ClassMetricsRow[]): GroupSummary {
  const g: GroupSummary = { classes: rows.map((r) => r.className), image_auroc: null, pixel_auroc: null, aupro: null, f1_max: null };
  if (rows.length === 0) return g;
  for (const m of METRIC_NAMES) {
    let sum = 0;
    let ok = true;
    for (const r of rows) {
      const v = r[m];
      if (typeof v !== 'number') { ok = false; break; }
      sum += v;
    }
    g[m] = ok ? sum / rows.length : null;
  }
  return g;
}

export function summarize(rows: ClassMetricsRow[], options?: Partial<SummarizeOptions>): Summary {
  const o = resolveOptions(SUMMARIZE_DEFAULTS, options, 'summarize');
  checkRange('tailMaxTrain', o.tailMaxTrain, 0, Number.MAX_SAFE_INTEGER);
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (typeof r.className !== 'string' || r.className === '') throw new InputError(`summarize: row ${i} has no className`);
    if (seen.has(r.className)) throw new InputError(`summarize: class "${r.className}" appears twice; give one row per class`);
    seen.add(r.className);
    if (!Number.isInteger(r.trainCount) || r.trainCount < 0) throw new InputError(`summarize: class "${r.className}" has trainCount ${String(r.trainCount)}; it must be a non-negative integer`);
    for (const m of METRIC_NAMES) {
      const v = r[m];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) throw new InputError(`summarize: class "${r.className}" has ${m} = ${String(v)}`);
    }
  });
  return {
    all: group(rows),
    tail: group(rows.filter((r) => r.trainCount <= o.tailMaxTrain)),
    head: group(rows.filter((r) => r.trainCount > o.tailMaxTrain)),
  };
}
