/**
 * The interactive Vega-Lite specs of the HTML report: pure functions from run data to specs. Unlike the static
 * figures of src/plots/specs.ts they carry tooltips, a click-to-highlight selection and bound selectors, which
 * only a browser (vega-embed) uses.
 */
import type { ResultRow } from '../results/results-file';
import type { CellDetails } from '../results/cell-details';
import type { SummaryRow } from './summary';
import { settingLabel } from '../data/splits/options';
import { methodColor } from '../plots/method-color';

type Spec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
export const METRIC_TITLES: Record<string, string> = {
  image_auroc: 'image AUROC',
  pixel_auroc: 'pixel AUROC',
  aupro: 'AUPRO',
  f1_max: 'F1-max',
};
const title = (m: string) => METRIC_TITLES[m] ?? m;

const selectParam = (name: string, label: string, options: (string | number)[], value = options[0]) => ({
  name,
  value,
  bind: { input: 'select', options, name: `${label} ` },
});

/**
 * Tail-versus-noise trade-off: the metric against the noise ratio per method, head/tail classes as columns, one
 * row per setting. Hover: the point's values; click a point or a legend entry: that method is highlighted.
 */
export function tradeoffReportSpec(summary: readonly SummaryRow[], metric = 'image_auroc'): Spec {
  const values = summary
    .filter((r) => r.metric === metric && (r.group === 'head' || r.group === 'tail'))
    .map((r) => ({
      setting: `${settingLabel(r.tail_type, r.k)}${new Set(summary.map((s) => s.dataset)).size > 1 ? ` · ${r.dataset}` : ''}`,
      group: `${r.group} classes`,
      method: r.method,
      noise: r.noise_ratio,
      mean: r.mean,
      std: Number.isFinite(r.std) ? r.std : null,
      lo: r.mean - (Number.isFinite(r.std) ? r.std : 0),
      hi: r.mean + (Number.isFinite(r.std) ? r.std : 0),
      seeds: r.n_seeds,
      classes: r.n_classes,
    }));
  const x = { field: 'noise', type: 'quantitative', title: 'noise ratio', axis: { format: '.0%' } };
  const color = methodColor(summary.map((r) => r.method));
  const highlight = { condition: { param: 'pick', value: 1 }, value: 0.15 };
  const y = { field: 'mean', type: 'quantitative', title: title(metric), scale: { zero: false } };
  return {
    $schema: SCHEMA,
    description: `tradeoff ${metric}`,
    data: { values },
    facet: {
      column: { field: 'group', type: 'nominal', title: null, sort: ['head classes', 'tail classes'] },
      row: { field: 'setting', type: 'nominal', title: null },
    },
    spec: {
      width: 220,
      height: 150,
      layer: [
        // Error bars first (drawn below), without a tooltip of their own: a hover on a point reaches the point.
        {
          mark: { type: 'errorbar', ticks: true },
          encoding: {
            x,
            y: { field: 'lo', type: 'quantitative', title: title(metric) },
            y2: { field: 'hi' },
            color,
            opacity: highlight,
            tooltip: null,
          },
        },
        { mark: 'line', encoding: { x, y, color, opacity: highlight } },
        // The points carry the selection (click, or the legend) and the tooltip.
        {
          params: [{ name: 'pick', select: { type: 'point', fields: ['method'], on: 'click' }, bind: 'legend' }],
          mark: { type: 'point', size: 60, filled: true },
          encoding: {
            x,
            y,
            color,
            opacity: highlight,
            tooltip: [
              { field: 'setting' },
              { field: 'group' },
              { field: 'method' },
              { field: 'noise', title: 'noise ratio', format: '.0%' },
              { field: 'mean', title: `${title(metric)} mean`, format: '.3f' },
              { field: 'std', title: 'std over seeds', format: '.3f' },
              { field: 'seeds' },
              { field: 'classes', title: 'classes in group', format: '.1f' },
            ],
          },
        },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
}

/**
 * Per-class bars, mean over seeds, with selectors for the metric, the setting and the noise ratio. Classes are
 * ordered by training size (largest first) and tail classes are labelled and drawn in red on the axis.
 */
export function perClassReportSpec(rows: readonly ResultRow[], metrics: readonly string[]): Spec {
  const acc = new Map<
    string,
    {
      setting: string;
      noise: number;
      metric: string;
      cls: string;
      method: string;
      sum: number;
      n: number;
      train: number;
      tails: number;
    }
  >();
  for (const r of rows) {
    if (!metrics.includes(r.metric) || Number.isNaN(r.value)) continue;
    const setting = settingLabel(r.tail_type, r.k);
    const key = [r.dataset, setting, r.noise_ratio, r.metric, r.class, r.method].join('|');
    const a = acc.get(key) ?? {
      setting,
      noise: r.noise_ratio,
      metric: r.metric,
      cls: r.class,
      method: r.method,
      sum: 0,
      n: 0,
      train: 0,
      tails: 0,
    };
    a.sum += r.value;
    a.train += r.train_count;
    a.n++;
    if (r.is_tail) a.tails++;
    acc.set(key, a);
  }
  const values = [...acc.values()].map((a) => {
    const train = a.train / a.n;
    const role = a.tails === 0 ? 'head' : a.tails === a.n ? 'tail' : 'tail in some seeds';
    return {
      setting: a.setting,
      noise: a.noise,
      metric: title(a.metric),
      class: a.cls,
      label: `${a.cls} · ${Math.round(train)}${role === 'head' ? '' : ` · ${role}`}`,
      method: a.method,
      value: a.sum / a.n,
      train,
      role,
    };
  });
  const settings = [...new Set(values.map((v) => v.setting))];
  const noises = [...new Set(values.map((v) => v.noise))].sort((a, b) => a - b);
  const metricTitles = metrics.map(title).filter((m) => values.some((v) => v.metric === m));
  const noise0 = noises.reduce((b, n) => (Math.abs(n - 0.1) < Math.abs(b - 0.1) ? n : b), noises[0] ?? 0);
  return {
    $schema: SCHEMA,
    description: 'per-class',
    data: { values },
    params: [
      selectParam('metric', 'metric', metricTitles),
      selectParam('setting', 'setting', settings),
      selectParam('noise', 'noise ratio', noises, noise0),
    ],
    transform: [{ filter: 'datum.metric === metric && datum.setting === setting && datum.noise === noise' }],
    width: { step: 16 },
    height: 200,
    mark: 'bar',
    encoding: {
      x: {
        field: 'label',
        type: 'nominal',
        title: 'class · training images (largest first)',
        sort: { field: 'train', op: 'max', order: 'descending' },
        axis: {
          labelAngle: -45,
          labelColor: { condition: { test: "indexof(datum.label, 'tail') >= 0", value: '#c0392b' }, value: '#222' },
        },
      },
      xOffset: { field: 'method', type: 'nominal' },
      y: { field: 'value', type: 'quantitative', title: 'mean over seeds', scale: { domain: [0, 1] } },
      color: methodColor(values.map((v) => v.method)),
      tooltip: [
        { field: 'class' },
        { field: 'method' },
        { field: 'metric' },
        { field: 'value', format: '.3f' },
        { field: 'train', title: 'training images', format: '.1f' },
        { field: 'role' },
      ],
    },
  };
}

/** A split's label as the report shows it: "step K=1 · noise 10% · seed 0". */
export function splitLabel(splitId: string): string {
  const [dataset, tail, k, noise, seed] = splitId.split('|');
  const s = `${settingLabel(tail, k === '' ? null : Number(k))} · noise ${Math.round(Number(noise) * 100)}% · seed ${seed}`;
  return dataset === '' ? s : `${s} · ${dataset}`;
}

/**
 * TailSampler per split: predicted against true class size (log axes; dots aggregated per class, decision and noise
 * flag, sized by count), with the y = x diagonal and TailSampler's cut; a selector picks the split.
 */
export function tailSamplerReportSpec(details: readonly CellDetails[]): Spec | null {
  const cells = details.filter((d) => d.tailSampler);
  if (cells.length === 0) return null;
  const values: Record<string, unknown>[] = [];
  const cuts: Record<string, unknown>[] = [];
  let hi = 2;
  const labels: string[] = [];
  for (const d of cells) {
    const t = d.tailSampler!;
    const label = `${splitLabel(d.split)} · ${d.method}`;
    labels.push(label);
    const agg = new Map<string, Record<string, unknown> & { count: number }>();
    t.imageClass.forEach((ci, i) => {
      const predicted = Math.max(0.5, Math.round(t.predicted[i] * 10) / 10);
      hi = Math.max(hi, t.trueSize[i], predicted);
      const k = `${ci}|${predicted}|${t.selected[i]}|${t.noise[i]}`;
      const a = agg.get(k) ?? {
        split: label,
        class: t.classes[ci],
        true: t.trueSize[i],
        predicted,
        decision: t.selected[i] ? 'selected as tail' : 'not selected',
        image: t.noise[i] ? 'injected noise' : 'normal',
        count: 0,
      };
      a.count++;
      agg.set(k, a);
    });
    values.push(...agg.values());
    if (t.maxK !== null) cuts.push({ split: label, k: t.maxK });
  }
  const scale = { type: 'log', domain: [0.5, hi * 1.5] };
  const filter = { filter: 'datum.split === split' };
  return {
    $schema: SCHEMA,
    description: 'tailsampler',
    params: [selectParam('split', 'split', labels)],
    width: 340,
    height: 260,
    layer: [
      {
        data: { values: [{ a: 0.5 }, { a: hi * 1.5 }] },
        mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
        encoding: { x: { field: 'a', type: 'quantitative', scale }, y: { field: 'a', type: 'quantitative', scale } },
      },
      {
        data: { values },
        transform: [filter],
        mark: { type: 'point', filled: true, opacity: 0.7 },
        encoding: {
          x: { field: 'true', type: 'quantitative', scale, title: 'true class size' },
          y: { field: 'predicted', type: 'quantitative', scale, title: 'predicted class size' },
          color: {
            field: 'decision',
            type: 'nominal',
            title: 'TailSampler',
            scale: { domain: ['selected as tail', 'not selected'], range: ['#e45756', '#4c78a8'] },
          },
          shape: { field: 'image', type: 'nominal', title: 'image' },
          size: { field: 'count', type: 'quantitative', title: 'images', scale: { range: [30, 400] } },
          tooltip: [
            { field: 'class' },
            { field: 'true', title: 'true class size' },
            { field: 'predicted', title: 'predicted class size' },
            { field: 'decision' },
            { field: 'image' },
            { field: 'count', title: 'images' },
          ],
        },
      },
      ...(cuts.length
        ? [
            {
              data: { values: cuts },
              transform: [filter],
              mark: { type: 'rule', color: '#e45756', strokeDash: [2, 2] },
              encoding: {
                y: { field: 'k', type: 'quantitative', scale },
                tooltip: [{ field: 'k', title: 'TailSampler cut' }],
              },
            },
          ]
        : []),
    ],
  };
}
