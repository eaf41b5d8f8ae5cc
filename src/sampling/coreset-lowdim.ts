/**
 * A few principal directions of a bank and every row's coordinates on them, for the k-center's low-dimensional
 * filter (./coreset-parallel).
 *
 * For any U with orthonormal rows, ||U(c - p)|| <= ||c - p||: the distance in the subspace is a lower bound of the
 * true distance, whatever the subspace. The principal subspace only makes the bound tight: on real patch features
 * projected to 128-d, 16 principal directions hold ~83 % of the variance and rule out ~10x more of the rows the
 * triangle inequality leaves as candidates. The basis and coordinates affect speed only, never the picks: the
 * kernel's bound accounts for U's departure from orthonormality (`spectralBound`) and for the GEMM's rounding of the
 * coordinates (`coordError`).
 */
import { Matrix } from '../linalg/matrix';
import { matmulTransposed, EngineOptions } from '../linalg';

export interface LowDimBasis {
  /** Directions, row-major L x d, float32 values (unit length and mutually orthogonal up to float32 rounding). */
  u: Float64Array;
  /** Number of directions L. */
  dims: number;
  /** An upper bound of U's spectral norm: sqrt(1 + ||UUᵀ - I||_F) plus a margin (Gram matrix in float64). */
  spectralBound: number;
  /**
   * Relative bound of the coordinates' error: ||ŷ - Ux|| <= coordError·||x|| for the float32 GEMM (any summation
   * order, fused or not: |error| <= γ_d Σ|x_j||U_lj| per coordinate, plus the output rounding), with a 2x margin.
   */
  coordError: number;
  /** Coordinates of every row, n x L float32 (row-major). */
  coords: Float32Array;
}

/** Rows sampled for the covariance (every ceil(n / SAMPLE_ROWS)-th row). */
const SAMPLE_ROWS = 2048;
/** Rows per coordinates product (a 16 Ki x 128 float32 copy is 8 MiB). */
const CHUNK_ROWS = 16384;
/** Subspace-iteration rounds (the basis only steers speed; a rough principal subspace suffices). */
const ROUNDS = 8;

/**
 * `dims` principal directions of the rows of `x` (n x d float32), by subspace iteration on the covariance of a strided
 * sample, and the rows' coordinates on them, both on the linalg engine. Deterministic (no rng: the start is a fixed
 * pseudo-random matrix). Null when the subspace degenerates (fewer than `dims` independent directions in the sample):
 * the caller then runs without the filter.
 */
export async function lowDimBasis(x: Matrix, dims: number, engine: EngineOptions = {}): Promise<LowDimBasis | null> {
  const n = x.rows,
    d = x.cols;
  if (dims < 1 || dims > d || n < 2) return null;
  const st = centredSampleT(x);
  const ns = st.length / d;
  const cov = (await matmulTransposed({ data: st, rows: d, cols: ns }, { data: st, rows: d, cols: ns }, engine)).data;
  const q = principalDirections(cov, d, dims);
  if (!q) return null;
  const spectralBound = spectralBoundOf(q, dims, d);
  // onnxruntime refuses tensors on a SharedArrayBuffer (a parallel coreset's bank): such a bank goes in chunks of
  // plain copies; any other is read in place (a copy of a 24 MB bank cost ~15 ms, most of it fresh pages).
  const u32: Matrix = { data: Float32Array.from(q), rows: dims, cols: d };
  const shared = typeof SharedArrayBuffer !== 'undefined' && x.data.buffer instanceof SharedArrayBuffer;
  const coords = new Float32Array(n * dims);
  for (let r0 = 0; r0 < n; r0 += shared ? CHUNK_ROWS : n) {
    const r1 = shared ? Math.min(n, r0 + CHUNK_ROWS) : n;
    const rows = shared ? x.data.slice(r0 * d, r1 * d) : x.data.subarray(r0 * d, r1 * d);
    coords.set((await matmulTransposed({ data: rows, rows: r1 - r0, cols: d }, u32, engine)).data, r0 * dims);
  }
  if (!allFinite(coords)) return null;
  const coordError = 2 * Math.sqrt(dims) * ((d + 1) * 2 ** -24 + 2 ** -24) * spectralBound;
  return { u: q, dims, spectralBound, coordError, coords };
}

/** The centred strided sample of x's rows (every ceil(n / SAMPLE_ROWS)-th), transposed: d x ns, so that C = Sᵀ S. */
function centredSampleT(x: Matrix): Float32Array {
  const n = x.rows,
    d = x.cols;
  const step = Math.max(1, Math.ceil(n / SAMPLE_ROWS));
  const ns = Math.ceil(n / step);
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r += step) for (let j = 0; j < d; j++) mean[j] += x.data[r * d + j];
  for (let j = 0; j < d; j++) mean[j] /= ns;
  const st = new Float32Array(d * ns);
  for (let i = 0, r = 0; r < n; r += step, i++)
    for (let j = 0; j < d; j++) st[j * ns + i] = x.data[r * d + j] - mean[j];
  return st;
}

/**
 * `dims` leading eigenvectors of the d x d covariance by subspace iteration from a fixed pseudo-random start (a small
 * LCG), Q <- orth(C Q), rounded to float32 values (what the kernel and the GEMM use); null when the subspace degenerates.
 */
function principalDirections(cov: Float32Array, d: number, dims: number): Float64Array | null {
  let q = new Float64Array(dims * d);
  let s = 0x2545f491;
  for (let i = 0; i < q.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    q[i] = s / 2 ** 32 - 0.5;
  }
  if (!orthonormalise(q, dims, d)) return null;
  for (let round = 0; round < ROUNDS; round++) {
    const z = new Float64Array(dims * d);
    for (let l = 0; l < dims; l++) {
      for (let i = 0; i < d; i++) {
        let t = 0;
        const o = i * d;
        for (let j = 0; j < d; j++) t += cov[o + j] * q[l * d + j];
        z[l * d + i] = t;
      }
    }
    if (!orthonormalise(z, dims, d)) return null;
    q = z;
  }
  for (let i = 0; i < q.length; i++) q[i] = Math.fround(q[i]);
  return q;
}

/** An upper bound of U's spectral norm from its Gram matrix: ||U||² = λmax(UUᵀ) <= 1 + ||UUᵀ - I||_F. */
function spectralBoundOf(q: Float64Array, dims: number, d: number): number {
  let frob = 0;
  for (let a = 0; a < dims; a++)
    for (let b = 0; b < dims; b++) {
      let g = 0;
      for (let j = 0; j < d; j++) g += q[a * d + j] * q[b * d + j];
      const e = g - (a === b ? 1 : 0);
      frob += e * e;
    }
  return Math.sqrt(1 + Math.sqrt(frob) + 1e-12);
}

function allFinite(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** Modified Gram-Schmidt, applied twice (re-orthogonalisation); false when a row vanishes (rank below `rows`). */
function orthonormalise(q: Float64Array, rows: number, d: number): boolean {
  for (let pass = 0; pass < 2; pass++) {
    for (let l = 0; l < rows; l++) {
      const o = l * d;
      for (let p = 0; p < l; p++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += q[o + j] * q[p * d + j];
        for (let j = 0; j < d; j++) q[o + j] -= t * q[p * d + j];
      }
      let nn = 0;
      for (let j = 0; j < d; j++) nn += q[o + j] * q[o + j];
      if (!(nn > 1e-24)) return false;
      const inv = 1 / Math.sqrt(nn);
      for (let j = 0; j < d; j++) q[o + j] *= inv;
    }
  }
  return true;
}
