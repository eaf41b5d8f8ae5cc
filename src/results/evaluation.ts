/** What one fit's evaluation returns (per-class metrics, result rows, optional predictions): read by plots and notebooks. */
import type { DatasetImage } from '../data/types';
import type { AnomalyModel, Prediction } from '../models/types';
import type { MetricName } from '../metrics/evaluate';
import type { ResultRow } from './results-file';

/** The test set of one class and its ground truth, shared by every fit on the same dataset. */
export interface ClassTestSet {
  name: string;
  images: DatasetImage[];
  paths: string[];
  labels: Uint8Array;
  masks?: Uint8Array;
}

export interface ClassEvaluation {
  name: string;
  isTail: boolean;
  trainCount: number;
  noiseCount: number;
  metrics: Record<MetricName, number>;
  test: ClassTestSet;
  /** Scores and maps (only with keepPredictions). */
  prediction?: Prediction;
}

export interface SplitEvaluation {
  rows: ResultRow[];
  classes: ClassEvaluation[];
  /** The fitted model (disposed unless keepModel). */
  model: AnomalyModel;
  fitSeconds: number;
  predictSeconds: number;
}
