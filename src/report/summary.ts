/**
 * Aggregation of results.csv rows: for each setting (dataset, tail type, K, noise ratio), method and metric,
 * first the mean over classes of one seed (all classes, head classes, tail classes), then mean ± std over seeds.
 * That is the paper's order (a run's headline is the class mean; seeds are averaged after, docs/method.md §5.4).
 * The numbers stay in plain rows; danfo does the two group-bys.
 */
import * as dfd from 'danfojs-node';
import type { ResultRow } from '../results/results-file';
import { csvField } from '../util/csv';

export type ClassGroup = 'all' | 'head' | 'tail';
export const CLASS_GROUPS: readonly ClassGroup[] = ['all', 'head', 'tail'];

export interface SummaryRow {
  dataset: string;
  tail_type: string;
  /** null for Pareto. */
  k: number | null;
  noise_ratio: number;
  method: string;
  metric: string;
  group: ClassGroup;
  /** Mean over seeds of the per-seed class mean. */
  mean: number;
  /** Sample standard deviation over seeds (ddof 1); NaN with a single seed. */
  std: number;
  /** Seeds that contributed. */
  n_seeds: number;
  /** Classes in the group, averaged over seeds (Pareto head/tail membership can change with the seed). */
  n_classes: number;
}

export const SUMMARY_COLUMNS: readonly (keyof SummaryRow)[] = [
  'dataset',
  'tail_type',
  'k',
  'noise_ratio',
  'method',
  'metric',
  'group',
  'mean',
  'std',
  'n_seeds',
  'n_classes',
];

const SEP = '\u001f';

/** Group-by on one string key column: mean, std and count of `v`. */
function groupStats(keys: string[], values: number[]): Map<string, { mean: number; std: number; count: number }> {
  const out = new Map<string, { mean: number; std: number; count: number }>();
  if (keys.length === 0) return out;
  const df = new dfd.DataFrame({ key: keys, v: values });
  const g = df.groupby(['key']).agg({ v: ['mean', 'std', 'count'] });
  const k = g.column('key').values as string[];
  const m = g.column('v_mean').values as number[];
  const s = g.column('v_std').values as number[];
  const c = g.column('v_count').values as number[];
  for (let i = 0; i < k.length; i++)
    out.set(k[i], { mean: Number(m[i]), std: c[i] > 1 ? Number(s[i]) : NaN, count: Number(c[i]) });
  return out;
}

/**
 * Summarises long-format result rows. Values that are NaN (a metric undefined for a class, e.g. AUPRO without
 * anomalous pixels) are left out of the class mean rather than turning it into NaN.
 */
export function summarizeResults(rows: readonly ResultRow[]): SummaryRow[] {
  // 1) class mean per (setting, method, metric, seed, group)
  const keys: string[] = [];
  const vals: number[] = [];
  for (const r of rows) {
    if (Number.isNaN(r.value)) continue;
    const base = [r.dataset, r.tail_type, r.k ?? '', r.noise_ratio, r.method, r.metric].join(SEP);
    keys.push(`${base}${SEP}all${SEP}${r.seed}`);
    vals.push(r.value);
    keys.push(`${base}${SEP}${r.is_tail ? 'tail' : 'head'}${SEP}${r.seed}`);
    vals.push(r.value);
  }
  const perSeed = groupStats(keys, vals);
  // 2) mean ± std over seeds
  const k2: string[] = [];
  const v2: number[] = [];
  const c2: number[] = [];
  for (const [key, st] of perSeed) {
    k2.push(key.slice(0, key.lastIndexOf(SEP)));
    v2.push(st.mean);
    c2.push(st.count);
  }
  const overSeeds = groupStats(k2, v2);
  const classCount = groupStats(k2, c2);
  const out: SummaryRow[] = [];
  for (const [key, st] of overSeeds) {
    const [dataset, tail_type, k, noise, method, metric, group] = key.split(SEP);
    out.push({
      dataset,
      tail_type,
      k: k === '' ? null : Number(k),
      noise_ratio: Number(noise),
      method,
      metric,
      group: group as ClassGroup,
      mean: st.mean,
      std: st.std,
      n_seeds: st.count,
      n_classes: classCount.get(key)!.mean,
    });
  }
  const gi = (g: string) => CLASS_GROUPS.indexOf(g as ClassGroup);
  out.sort(
    (a, b) =>
      a.dataset.localeCompare(b.dataset) ||
      a.tail_type.localeCompare(b.tail_type) ||
      (a.k ?? 0) - (b.k ?? 0) ||
      a.noise_ratio - b.noise_ratio ||
      a.method.localeCompare(b.method) ||
      a.metric.localeCompare(b.metric) ||
      gi(a.group) - gi(b.group),
  );
  return out;
}

/** summary.csv text. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  const lines = [SUMMARY_COLUMNS.join(',')];
  for (const r of rows)
    lines.push(
      SUMMARY_COLUMNS.map((c) =>
        csvField(r[c] === null ? '' : Number.isNaN(r[c] as number) ? 'NaN' : String(r[c])),
      ).join(','),
    );
  return lines.join('\n') + '\n';
}
