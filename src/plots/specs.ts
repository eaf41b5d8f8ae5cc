/**
 * Vega-Lite spec builders: pure functions from plain rows to a spec (JSON). Rendering is in ./render.
 */
import type { SummaryRow } from '../report/summary';
import type { ResultRow } from '../results/results-file';
import type { Manifest } from '../data/types';
import type { VegaLiteSpec } from './render';
import { methodColor } from './method-color';
import { metricTitle } from '../metrics/evaluate';
import { settingLabel } from '../data/splits/options';

export interface TradeoffOptions {
  /** @default 'image_auroc' */
  metric?: string;
  /** Class groups as facet columns. @default ['head', 'tail'] */
  groups?: string[];
  /** Panel size in px. @default 220 x 160 */
  width?: number;
  height?: number;
}

/**
 * The tail-versus-noise trade-off: the metric against the noise ratio, one line per method, head and tail classes
 * as columns, one row per tail setting; error bars = ± std over seeds.
 */
export function tradeoffSpec(summary: readonly SummaryRow[], opts: TradeoffOptions = {}): VegaLiteSpec {
  const metric = opts.metric ?? 'image_auroc';
  const groups = opts.groups ?? ['head', 'tail'];
  const values = summary
    .filter((r) => r.metric === metric && groups.includes(r.group))
    .map((r) => {
      const sd = Number.isFinite(r.std) ? r.std : 0;
      return {
        dataset: r.dataset,
        setting: settingLabel(r.tail_type, r.k),
        group: r.group === 'head' ? 'head classes' : r.group === 'tail' ? 'tail classes' : 'all classes',
        method: r.method,
        noise: r.noise_ratio,
        mean: r.mean,
        lo: r.mean - sd,
        hi: r.mean + sd,
      };
    });
  const x = { field: 'noise', type: 'quantitative', title: 'noise ratio', axis: { format: '.0%' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${metricTitle(metric)} against noise ratio`,
    data: { values },
    facet: {
      column: { field: 'group', type: 'nominal', title: null, sort: groups.map((g) => `${g} classes`) },
      row: { field: 'setting', type: 'nominal', title: null },
    },
    spec: {
      width: opts.width ?? 220,
      height: opts.height ?? 160,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y: { field: 'mean', type: 'quantitative', title: metricTitle(metric), scale: { zero: false } },
            color: methodColor(values.map((v) => v.method)),
          },
        },
        {
          mark: { type: 'errorbar', ticks: true },
          encoding: {
            x,
            y: { field: 'lo', type: 'quantitative', title: metricTitle(metric) },
            y2: { field: 'hi' },
            color: { field: 'method', type: 'nominal' },
          },
        },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
}

export interface PerClassOptions {
  /** @default 'image_auroc' */
  metric?: string;
  /** Only rows of this tail type / K / noise ratio (all when omitted). */
  tailType?: string;
  k?: number | null;
  noiseRatio?: number;
  /** Only this seed (one split, so head/tail roles are well defined); all seeds averaged when omitted. */
  seed?: number;
}

/**
 * Per-class bars: the metric of each class (mean over the selected seeds), grouped by method. A class is marked
 * "(tail)" when it is tail in every selected row, "(tail in some seeds)" when its role changes with the seed (the step
 * tail classes are drawn per seed).
 */
export function perClassSpec(rows: readonly ResultRow[], opts: PerClassOptions = {}): VegaLiteSpec {
  const metric = opts.metric ?? 'image_auroc';
  const acc = new Map<string, { cls: string; method: string; tails: number; sum: number; n: number }>();
  for (const r of rows) {
    if (r.metric !== metric || Number.isNaN(r.value)) continue;
    if (opts.tailType !== undefined && r.tail_type !== opts.tailType) continue;
    if (opts.k !== undefined && r.k !== opts.k) continue;
    if (opts.noiseRatio !== undefined && r.noise_ratio !== opts.noiseRatio) continue;
    if (opts.seed !== undefined && r.seed !== opts.seed) continue;
    const key = `${r.class}|${r.method}`;
    const a = acc.get(key) ?? { cls: r.class, method: r.method, tails: 0, sum: 0, n: 0 };
    a.sum += r.value;
    a.n++;
    if (r.is_tail) a.tails++;
    acc.set(key, a);
  }
  const role = (a: { tails: number; n: number }) => (a.tails === 0 ? 'head' : a.tails === a.n ? 'tail' : 'mixed');
  const label = (a: { cls: string; tails: number; n: number }) =>
    role(a) === 'head' ? a.cls : role(a) === 'tail' ? `${a.cls} (tail)` : `${a.cls} (tail in some seeds)`;
  const values = [...acc.values()].map((a) => ({
    class: label(a),
    method: a.method,
    value: a.sum / a.n,
    tail: role(a),
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Per-class ${metricTitle(metric)}${opts.seed !== undefined ? ` (seed ${opts.seed})` : ''}`,
    data: { values },
    width: { step: 14 },
    height: 200,
    mark: 'bar',
    encoding: {
      x: { field: 'class', type: 'nominal', title: null, sort: { field: 'tail' } },
      xOffset: { field: 'method', type: 'nominal' },
      y: { field: 'value', type: 'quantitative', title: metricTitle(metric), scale: { domain: [0, 1] } },
      color: methodColor(values.map((v) => v.method)),
      tooltip: [{ field: 'class' }, { field: 'method' }, { field: 'value', format: '.3f' }],
    },
  };
}

/**
 * TailSampler accuracy: predicted class size (per training image) against the true size of its class, log axes,
 * the y = x diagonal and the max_K line; a dot is filled when the image was selected as tail.
 */
export function tailSamplerSpec(input: {
  trueSizes: ArrayLike<number>;
  predictedSizes: ArrayLike<number>;
  selected?: ArrayLike<boolean | number>;
  isNoise?: ArrayLike<boolean | number>;
  maxK?: number | null;
}): VegaLiteSpec {
  const n = input.trueSizes.length;
  if (input.predictedSizes.length !== n)
    throw new RangeError(`tailSamplerSpec: ${n} true sizes but ${input.predictedSizes.length} predicted sizes`);
  const values = [];
  let hi = 1;
  for (let i = 0; i < n; i++) {
    const t = input.trueSizes[i];
    const p = input.predictedSizes[i];
    hi = Math.max(hi, t, p);
    values.push({
      true: t,
      predicted: Math.max(p, 0.5),
      selected: input.selected ? (input.selected[i] ? 'tail' : 'head') : 'n/a',
      kind: input.isNoise && input.isNoise[i] ? 'injected noise' : 'normal',
    });
  }
  const scale = { type: 'log', domain: [0.5, hi * 1.5] };
  const layers: Record<string, unknown>[] = [
    {
      data: { values: [{ a: 0.5 }, { a: hi * 1.5 }] },
      mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
      encoding: { x: { field: 'a', type: 'quantitative', scale }, y: { field: 'a', type: 'quantitative', scale } },
    },
    {
      mark: { type: 'point', filled: true, opacity: 0.6 },
      encoding: {
        x: { field: 'true', type: 'quantitative', scale, title: 'true class size' },
        y: { field: 'predicted', type: 'quantitative', scale, title: 'predicted class size' },
        color: {
          field: 'selected',
          type: 'nominal',
          title: 'TailSampler',
          scale: { domain: ['tail', 'head', 'n/a'], range: ['#e45756', '#4c78a8', '#888'] },
        },
        shape: { field: 'kind', type: 'nominal', title: 'image' },
      },
    },
  ];
  if (input.maxK !== undefined && input.maxK !== null) {
    layers.push({
      data: { values: [{ k: input.maxK }] },
      mark: { type: 'rule', color: '#e45756', strokeDash: [2, 2] },
      encoding: { y: { field: 'k', type: 'quantitative', scale } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'TailSampler: predicted vs true class size',
    width: 320,
    height: 260,
    data: { values },
    layer: layers,
  };
}

/**
 * Class sizes of one or more splits: kept good images and injected noise per class, largest first, one panel per split.
 */
export function classSizesSpec(splits: Record<string, Manifest>): VegaLiteSpec {
  const values: Record<string, unknown>[] = [];
  for (const [label, m] of Object.entries(splits)) {
    for (const c of m.classes) {
      const total = c.trainGood.length + c.injected.length;
      values.push({
        split: label,
        class: c.name,
        part: 'good',
        count: c.trainGood.length,
        total,
        tail: c.isTail ? 'tail' : 'head',
      });
      values.push({
        split: label,
        class: c.name,
        part: 'injected noise',
        count: c.injected.length,
        total,
        tail: c.isTail ? 'tail' : 'head',
      });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Training images per class',
    data: { values },
    facet: { column: { field: 'split', type: 'nominal', title: null, sort: Object.keys(splits) } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: { step: 14 },
      height: 180,
      mark: 'bar',
      encoding: {
        x: { field: 'class', type: 'nominal', title: null, sort: { field: 'total', order: 'descending' } },
        y: { field: 'count', type: 'quantitative', title: 'training images', stack: 'zero' },
        color: {
          field: 'part',
          type: 'nominal',
          title: null,
          scale: { domain: ['good', 'injected noise'], range: ['#4c78a8', '#e45756'] },
        },
        tooltip: [{ field: 'class' }, { field: 'part' }, { field: 'count' }, { field: 'tail' }],
      },
    },
  };
}
