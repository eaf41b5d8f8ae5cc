/** Tiny hand-made feature sets for the model tests (not a test file itself). */
import { Matrix, zeros } from '../../src/linalg/matrix';
import { createRng } from '../../src/util/rng';
import { TrainFeatures } from '../../src/models/types';

export interface SynthClass {
  name: string;
  count: number;
  /** Every patch of the class's images sits at this value on all dims (plus position offset and noise). */
  level: number;
  /** Embedding cluster (which of the embedding dims lights up). */
  embedAxis: number;
}

export const GRID = 2; // 2x2 = 4 patches per image
export const DIM = 8;
export const EMBED_DIM = 6;

/** Images in class order; patch = level + 0.3*position pattern + N(0, spread²). */
export function synthFeatures(classes: SynthClass[], seed: string, spread = 0.05): TrainFeatures {
  const rng = createRng(seed);
  const n = classes.reduce((a, c) => a + c.count, 0);
  const ppi = GRID * GRID;
  const patches = zeros(n * ppi, DIM);
  const embeddings = zeros(n, EMBED_DIM);
  const classNames: string[] = [];
  let img = 0;
  for (const c of classes) {
    for (let k = 0; k < c.count; k++, img++) {
      classNames.push(c.name);
      for (let p = 0; p < ppi; p++) {
        for (let d = 0; d < DIM; d++) {
          patches.data[(img * ppi + p) * DIM + d] = c.level + (d === p ? 0.3 : 0) + spread * rng.normal();
        }
      }
      for (let d = 0; d < EMBED_DIM; d++)
        embeddings.data[img * EMBED_DIM + d] = (d === c.embedAxis ? 1 : 0.05) + 0.02 * Math.abs(rng.normal());
    }
  }
  return { patches, embeddings, gridH: GRID, gridW: GRID, imageCount: n, inputSize: 8, classNames };
}

/** A head class A (16 images), 2 noise images (defects injected into A's training set), 1 tail image T. */
export const DILEMMA: SynthClass[] = [
  { name: 'A', count: 16, level: 0, embedAxis: 0 },
  { name: 'A', count: 2, level: 5, embedAxis: 0 }, // injected anomalies: labelled A, look like nothing else
  { name: 'T', count: 1, level: -5, embedAxis: 3 },
];

/** Test images: one normal A, one like the noise, one of the tail class. */
export const PROBES: SynthClass[] = [
  { name: 'A', count: 1, level: 0, embedAxis: 0 },
  { name: 'A', count: 1, level: 5, embedAxis: 0 },
  { name: 'T', count: 1, level: -5, embedAxis: 3 },
];

/** Rows of `m` as nested arrays (assertions only). */
export function rowsOf(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return out;
}

/** Mean of a row (the synthetic "level" it came from, up to noise and the 0.3/8 position offset). */
export function rowLevel(row: number[]): number {
  return row.reduce((a, b) => a + b, 0) / row.length;
}
