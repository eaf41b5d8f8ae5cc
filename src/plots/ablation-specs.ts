/**
 * Vega-Lite specs of the paper-ablation figures (issue 21; spec §2, §6.5, §6.6): TailSampler variants, embedding
 * quality against image AUROC, and the class-similarity histograms. Input rows are plain records (the scripts write
 * them as CSV/JSON under results/ablations/), so notebooks redraw the figures from the committed files.
 */
import type { VegaLiteSpec } from './render';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** One TailSampler variant's overall means (scripts/ablation-tailsampler.ts, overall rows). */
export interface VariantPoint {
  thresholdType: string;
  vote: string;
  missingTailPct: number;
  inclAnomalyPct: number;
  inclHeadPct: number;
  mcc: number;
}

/**
 * Two heatmaps, threshold type x vote: MCC (colour) and missing tail % (colour), each cell labelled with its value;
 * failed variants (NaN) are left blank.
 */
export function tailSamplerVariantsSpec(points: readonly VariantPoint[], title = 'TailSampler variants'): VegaLiteSpec {
  const values = points
    .filter((p) => Number.isFinite(p.mcc))
    .map((p) => ({
      threshold: p.thresholdType,
      vote: p.vote,
      mcc: +p.mcc.toFixed(2),
      missing: +p.missingTailPct.toFixed(1),
      anomaly: +p.inclAnomalyPct.toFixed(1),
    }));
  const order = [...new Set(points.map((p) => p.thresholdType))];
  const votes = [...new Set(points.map((p) => p.vote))];
  const panel = (field: string, title: string, scheme: string, reverse: boolean) => ({
    width: 40 * votes.length,
    height: 18 * order.length,
    title,
    encoding: {
      x: { field: 'vote', type: 'nominal', sort: votes, title: 'vote' },
      y: { field: 'threshold', type: 'nominal', sort: order, title: 'threshold type' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: { color: { field, type: 'quantitative', title: field, scale: { scheme, reverse } } },
      },
      { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field, type: 'quantitative' } } },
    ],
  });
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    hconcat: [
      panel('mcc', 'MCC (tail vs not)', 'blues', false),
      panel('missing', 'missing tail %', 'reds', false),
      panel('anomaly', 'included anomaly %', 'oranges', false),
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/** One point of the embedding-quality ablation. */
export interface AccuracyPoint {
  /** 'oracle' (noisy one-hot class vectors) or a real embedding's name. */
  embedding: string;
  /** Leave-one-out 1-NN class accuracy on the few-shot (tail) and injected images, in %. */
  accuracyPct: number;
  /** TailedCore's image AUROC (all classes). */
  imageAuroc: number;
  seed: number;
  /** The oracle's assigned accuracy (share of images given their true class), in %; null for a real embedding. */
  nominalPct: number | null;
}

/** Image AUROC against embedding accuracy: the oracle curve (mean over seeds, with points) and the real embeddings. */
export function embeddingAccuracySpec(
  points: readonly AccuracyPoint[],
  title = 'Embedding quality vs image AUROC',
): VegaLiteSpec {
  const values = points.map((p) => ({ ...p, kind: p.embedding === 'oracle' ? 'noisy oracle' : 'kit embedding' }));
  const x = {
    field: 'accuracyPct',
    type: 'quantitative',
    title: 'embedding accuracy on few-shot + noisy images (%)',
    scale: { domain: [0, 100] },
  };
  const y = { field: 'imageAuroc', type: 'quantitative', title: 'TailedCore image AUROC', scale: { zero: false } };
  return {
    $schema: SCHEMA,
    title,
    width: 380,
    height: 260,
    data: { values },
    layer: [
      {
        transform: [
          { filter: "datum.kind === 'noisy oracle'" },
          {
            aggregate: [
              { op: 'mean', field: 'accuracyPct', as: 'accuracyPct' },
              { op: 'mean', field: 'imageAuroc', as: 'imageAuroc' },
            ],
            groupby: ['nominalPct'],
          },
        ],
        mark: { type: 'line', color: '#4c78a8', point: true },
        encoding: { x, y },
      },
      {
        transform: [{ filter: "datum.kind === 'noisy oracle'" }],
        mark: { type: 'point', color: '#4c78a8', opacity: 0.35 },
        encoding: { x, y },
      },
      {
        transform: [{ filter: "datum.kind === 'kit embedding'" }],
        mark: { type: 'point', filled: true, size: 90, shape: 'diamond' },
        encoding: { x, y, color: { field: 'embedding', type: 'nominal', title: 'real embedding' } },
      },
    ],
  };
}

/** One histogram bin of the class-similarity figure. */
export interface SimilarityBin {
  embedding: string;
  /** 'same class' or 'different class (1 − x)'. */
  pairs: string;
  /** Bin start of the normalised angle arccos(s) / θ_max,i. */
  bin: number;
  /** Share of that pair kind's pairs in the bin. */
  share: number;
  /** W(same, 1 − diff) of that embedding (repeated on every bin, shown in the panel title). */
  w: number;
}

/**
 * The authors' class_similarity figure: per embedding, the histogram of normalised angles of same-class pairs and of
 * 1 − the normalised angles of different-class pairs (the symmetric assumption says they coincide), the 0.5 line,
 * and W(same, 1 − diff) in the panel header.
 */
export function classSimilaritySpec(
  bins: readonly SimilarityBin[],
  binWidth: number,
  title = 'Class similarity (normalised angles)',
): VegaLiteSpec {
  const values = bins.map((b) => ({
    ...b,
    panel: `${b.embedding}  (W = ${b.w.toFixed(3)})`,
    binEnd: b.bin + binWidth,
  }));
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns: 2,
    spec: {
      width: 260,
      height: 150,
      layer: [
        {
          mark: { type: 'rect', opacity: 0.55 },
          encoding: {
            x: {
              field: 'bin',
              type: 'quantitative',
              title: 'normalised angle (same) / 1 − normalised angle (different)',
              scale: { domain: [0, 1] },
            },
            x2: { field: 'binEnd' },
            y: { field: 'share', type: 'quantitative', title: 'share of pairs', stack: null },
            color: {
              field: 'pairs',
              type: 'nominal',
              title: 'pairs',
              scale: { domain: ['same class', 'different class (1 − x)'], range: ['#4c78a8', '#e45756'] },
              legend: { labelLimit: 240 },
            },
          },
        },
        { mark: { type: 'rule', strokeDash: [4, 4], color: '#333' }, encoding: { x: { datum: 0.5 } } },
      ],
    },
  };
}

/** One summary row of a K sweep (src/report summarizeResults over a step-only run). */
export interface KSweepRow {
  tail_type: string;
  k: number | null;
  method: string;
  metric: string;
  group: string;
  mean: number;
  std: number;
}

/** The metric against the tail size K (step tails), one line per method, head and tail classes as columns; ± std bars. */
export function kSweepSpec(summary: readonly KSweepRow[], metric = 'image_auroc'): VegaLiteSpec {
  const values = summary
    .filter((r) => r.metric === metric && r.tail_type === 'step' && (r.group === 'head' || r.group === 'tail'))
    .map((r) => {
      const sd = Number.isFinite(r.std) ? r.std : 0;
      return { K: r.k, method: r.method, group: `${r.group} classes`, mean: r.mean, lo: r.mean - sd, hi: r.mean + sd };
    });
  const ks = [...new Set(values.map((v) => v.K))].sort((a, b) => (a ?? 0) - (b ?? 0));
  const x = {
    field: 'K',
    type: 'quantitative',
    title: 'images per tail class (K)',
    scale: { type: 'log', base: 2 },
    axis: { values: ks, format: 'd' },
  };
  const title = metric.replace('_', ' ').replace('auroc', 'AUROC');
  return {
    $schema: SCHEMA,
    title: `${title} against the tail size K (step, 10 % noise)`,
    data: { values },
    facet: { column: { field: 'group', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y: { field: 'mean', type: 'quantitative', title, scale: { zero: false } },
            color: { field: 'method', type: 'nominal' },
          },
        },
        {
          mark: { type: 'errorbar', ticks: true },
          encoding: {
            x,
            y: { field: 'lo', type: 'quantitative', title },
            y2: { field: 'hi' },
            color: { field: 'method', type: 'nominal' },
          },
        },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
}

/** One method's mean image AUROC on the noisy head classes and on the tail classes (the paper's bias figure). */
export interface BiasPoint {
  method: string;
  setting: string;
  head: number;
  tail: number;
}

/** The paper's bias figure: tail-class against noisy-head-class image AUROC, one point per method, one panel per setting. */
export function biasSpec(points: readonly BiasPoint[], title = 'Tail vs noisy-head image AUROC'): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title,
    data: { values: points },
    facet: { column: { field: 'setting', type: 'nominal', title: null } },
    spec: {
      width: 200,
      height: 200,
      layer: [
        {
          mark: { type: 'point', filled: true, size: 80 },
          encoding: {
            x: { field: 'head', type: 'quantitative', title: 'head (noisy) image AUROC', scale: { zero: false } },
            y: { field: 'tail', type: 'quantitative', title: 'tail image AUROC', scale: { zero: false } },
            color: { field: 'method', type: 'nominal' },
            shape: { field: 'method', type: 'nominal' },
          },
        },
      ],
    },
    resolve: { scale: { x: 'shared', y: 'shared' } },
  };
}
