/**
 * Plain TypeScript reference kernels. They are slow (~1 GFLOP/s) and exist so that tests can compare the fast
 * engines against something obviously correct. Distances are accumulated in float64.
 */
import { Matrix } from './matrix';
import { InputError } from '../util/errors';

export interface NearestResult {
  /** Squared L2 distance from each query row to its nearest bank row. */
  dist: Float32Array;
  /** Index of that bank row (first index on ties). */
  index: Int32Array;
}

export interface KnnResult {
  k: number;
  /** rows*k squared L2 distances, ascending per row. */
  dist: Float32Array;
  /** rows*k neighbour indices. */
  index: Int32Array;
}

function checkCols(a: Matrix, b: Matrix, what: string): void {
  if (a.cols !== b.cols) throw new InputError(`${what}: dimension mismatch (${a.cols} vs ${b.cols} columns)`);
}

/**
 * Squared L2 distance of a[ao..ao+d) and b[bo..bo+d) in the reference's arithmetic: float32 inputs, one float64
 * accumulator over ascending coordinates. Every exact path (blocked, certified, grouped k-NN) re-ranks with this, so
 * its distances equal the reference's bit for bit.
 */
export function squaredDistanceRef(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const t = a[ao + c] - b[bo + c];
    s += t * t;
  }
  return s;
}

/** For each query row, the squared L2 distance to and index of the nearest bank row. */
export function nearestSquaredRef(queries: Matrix, bank: Matrix): NearestResult {
  checkCols(queries, bank, 'nearest neighbour search');
  if (bank.rows === 0) throw new InputError('nearest neighbour search: the memory bank is empty');
  const d = queries.cols;
  const dist = new Float32Array(queries.rows);
  const index = new Int32Array(queries.rows);
  for (let i = 0; i < queries.rows; i++) {
    let best = Infinity;
    let bi = 0;
    const qo = i * d;
    for (let j = 0; j < bank.rows; j++) {
      const bo = j * d;
      const s = squaredDistanceRef(queries.data, qo, bank.data, bo, d);
      if (s < best) {
        best = s;
        bi = j;
      }
    }
    dist[i] = best;
    index[i] = bi;
  }
  return { dist, index };
}

/**
 * k nearest neighbours of each row among the rows of `points` (squared L2, ascending; ties by lower index).
 * With excludeSelf the row itself is skipped (sklearn's kneighbors() on the training set).
 */
export function knnSquaredRef(points: Matrix, k: number, excludeSelf = true): KnnResult {
  const n = points.rows;
  const avail = excludeSelf ? n - 1 : n;
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k-NN: k must be a positive integer, got ${k}`);
  if (k > avail) throw new InputError(`k-NN: asked for ${k} neighbours but only ${avail} other points exist`);
  const d = points.cols;
  const dist = new Float32Array(n * k);
  const index = new Int32Array(n * k);
  const all = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      all[j] = squaredDistanceRef(points.data, i * d, points.data, j * d, d);
      order[j] = j;
    }
    const cand = Array.from(order).filter((j) => !(excludeSelf && j === i));
    cand.sort((a, b) => all[a] - all[b] || a - b);
    for (let t = 0; t < k; t++) {
      dist[i * k + t] = all[cand[t]];
      index[i * k + t] = cand[t];
    }
  }
  return { k, dist, index };
}

/** A * Bᵀ (rows(A) x rows(B)), e.g. the cosine similarity matrix of row-normalised embeddings. */
export function matmulTransposedRef(a: Matrix, b: Matrix): Matrix {
  checkCols(a, b, 'A*B^T');
  const out = new Float32Array(a.rows * b.rows);
  const d = a.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += a.data[i * d + c] * b.data[j * d + c];
      out[i * b.rows + j] = s;
    }
  }
  return { data: out, rows: a.rows, cols: b.rows };
}
