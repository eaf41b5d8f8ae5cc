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
            color: { field: 'pairs', type: 'nominal', title: 'pairs', scale: { range: ['#4c78a8', '#e45756'] } },
          },
        },
        { mark: { type: 'rule', strokeDash: [4, 4], color: '#333' }, encoding: { x: { datum: 0.5 } } },
      ],
    },
  };
}
