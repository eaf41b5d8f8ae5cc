/** The Markdown table of a summary (summary.md): one row per setting x method, metric x class-group columns. */
import type { SummaryRow, ClassGroup } from './summary';
import { metricTitle } from '../metrics/evaluate';
import { settingLabel } from '../data/splits/options';

export interface MarkdownOptions {
  /** Metrics shown, in order. @default ['image_auroc', 'pixel_auroc', 'aupro'] */
  metrics?: string[];
  /** Class groups shown per metric. @default ['all', 'head', 'tail'] */
  groups?: ClassGroup[];
  /** Method order (others follow alphabetically). @default ['patchcore', 'softpatch', 'tailedcore'] */
  methodOrder?: string[];
}

/** Mean ± std in percent with one decimal ("95.7 ± 0.3"); a single seed shows the mean only. */
export function formatCell(mean: number, std: number): string {
  if (!Number.isFinite(mean)) return '–';
  const m = (100 * mean).toFixed(1);
  return Number.isFinite(std) ? `${m} ± ${(100 * std).toFixed(1)}` : m;
}

export function summaryMarkdown(rows: readonly SummaryRow[], opts: MarkdownOptions = {}): string {
  const metrics = opts.metrics ?? ['image_auroc', 'pixel_auroc', 'aupro'];
  const groups = opts.groups ?? ['all', 'head', 'tail'];
  const order = opts.methodOrder ?? ['patchcore', 'softpatch', 'tailedcore'];
  const index = new Map<string, SummaryRow>();
  const settings = new Map<
    string,
    { dataset: string; tail_type: string; k: number | null; noise_ratio: number; methods: Set<string> }
  >();
  for (const r of rows) {
    const s = `${r.dataset}|${r.tail_type}|${r.k ?? ''}|${r.noise_ratio}`;
    index.set(`${s}|${r.method}|${r.metric}|${r.group}`, r);
    if (!settings.has(s))
      settings.set(s, {
        dataset: r.dataset,
        tail_type: r.tail_type,
        k: r.k,
        noise_ratio: r.noise_ratio,
        methods: new Set(),
      });
    settings.get(s)!.methods.add(r.method);
  }
  const multiData = new Set(rows.map((r) => r.dataset)).size > 1;
  const head = [
    ...(multiData ? ['dataset'] : []),
    'setting',
    'noise',
    'method',
    ...metrics.flatMap((m) => groups.map((g) => `${metricTitle(m)} ${g}`)),
  ];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i < (multiData ? 4 : 3) ? '---' : '---:')).join('|')}|`,
  ];
  const rank = (m: string) => {
    const i = order.indexOf(m);
    return i < 0 ? order.length : i;
  };
  for (const [s, info] of settings) {
    const methods = [...info.methods].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    for (const method of methods) {
      const cells = metrics.flatMap((m) =>
        groups.map((g) => {
          const r = index.get(`${s}|${method}|${m}|${g}`);
          return r ? formatCell(r.mean, r.std) : '–';
        }),
      );
      lines.push(
        `| ${[...(multiData ? [info.dataset] : []), settingLabel(info.tail_type, info.k), `${Math.round(info.noise_ratio * 100)}%`, method, ...cells].join(' | ')} |`,
      );
    }
  }
  const seeds = rows.length ? Math.max(...rows.map((r) => r.n_seeds)) : 0;
  lines.push(
    '',
    `Values: mean ± std over ${seeds} seed(s) of the per-seed class mean, in percent. Tail = classes with at most 20 training images; head = the rest.`,
  );
  return lines.join('\n') + '\n';
}

/**
 * A per-class Markdown table of result rows of one fit (or several methods on one split): class, role, training
 * and noise counts, then one column per method x metric (percent).
 */
export function perClassMarkdown(
  rows: readonly {
    class: string;
    method: string;
    metric: string;
    value: number;
    is_tail: boolean;
    train_count: number;
    noise_count: number;
  }[],
  metrics: string[] = ['image_auroc', 'pixel_auroc', 'aupro'],
): string {
  const methods = [...new Set(rows.map((r) => r.method))];
  const classes = [...new Set(rows.map((r) => r.class))];
  const head = [
    'class',
    'role',
    'train',
    'noise',
    ...methods.flatMap((m) => metrics.map((x) => `${m} ${metricTitle(x)}`)),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  const find = new Map(rows.map((r) => [`${r.class}|${r.method}|${r.metric}`, r]));
  for (const c of classes) {
    const r0 = rows.find((r) => r.class === c)!;
    const vals = methods.flatMap((m) =>
      metrics.map((x) => {
        const r = find.get(`${c}|${m}|${x}`);
        return r ? formatCell(r.value, NaN) : '–';
      }),
    );
    lines.push(
      `| ${[c, r0.is_tail ? 'tail' : 'head', String(r0.train_count), String(r0.noise_count), ...vals].join(' | ')} |`,
    );
  }
  for (const g of ['all', 'head', 'tail'] as const) {
    const vals = methods.flatMap((m) =>
      metrics.map((x) => {
        const v = rows.filter(
          (r) =>
            r.method === m && r.metric === x && !Number.isNaN(r.value) && (g === 'all' || r.is_tail === (g === 'tail')),
        );
        return v.length ? formatCell(v.reduce((a, b) => a + b.value, 0) / v.length, NaN) : '–';
      }),
    );
    lines.push(`| **${g} classes** | | | | ${vals.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
