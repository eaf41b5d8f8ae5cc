/**
 * Blocked nearest-neighbour, k-NN and A·Bᵀ on the onnxruntime GEMM engine.
 *
 * Distances use ||q-b||² = ||q||² - 2 q·b + ||b||² on blocks whose score matrix fits `memoryBudgetMB`; a running
 * minimum / candidate list is kept across bank blocks, so the full Q x M matrix never exists. The float32 expansion
 * only *ranks*: the distances returned are recomputed in float64 for the chosen pairs (cheap: Q·k·D), so they agree
 * with the reference kernels to float32 rounding, and can never be negative.
 */
import { Matrix } from './matrix';
import { KnnResult, NearestResult, squaredDistanceRef } from './reference';
import { ortTopkBlock, ortProductBlock, OrtSettings, resolveSettings } from './ort-engine';
import { certifiedNearest, KnnPrecision, KnnStats } from './certified-nearest';
import type { Int8Kernel } from './quantized-nearest';
import { InputError, OptionError } from '../util/errors';

export interface BlockOptions extends OrtSettings {
  /** Upper bound, in MiB, for one score block (block rows x block columns x 4 bytes). @default 256 */
  memoryBudgetMB?: number;
  /**
   * First pass of the exact 1-NN (`nearestSquared`): 'int8' (quantised GEMM) or 'fp32' (float32 GEMM), each followed by
   * the certified re-ranking, so the answer is the same; 'auto' = int8 where the bench shows it faster (see
   * `pickPrecision`). @default 'auto'
   */
  knnPrecision?: KnnPrecision;
  /** Candidates per query and bank block kept by that first pass (>= 2). @default 16 for int8, 4 for fp32 */
  knnCandidates?: number;
  /** int8 pass: keep the 7-bit levels even where the probe allows 8 bits (fewer certified, same answers). @default false */
  knnSafeInt8?: boolean;
  /**
   * int8 pass: which kernel scores a block, 'native' (src/native/int8-topk.cc: AVX-512 VNNI, the top-k kept in
   * registers, off the calling thread so the next block's quantisation and this one's re-ranking overlap it) or 'ort'
   * (onnxruntime's MatMulIntegerToFloat + TopK); 'auto' takes the native one where it loads and no CUDA provider is
   * set. The answers are the same. @default 'auto'
   */
  knnInt8Kernel?: Int8Kernel;
  /** Called once per nearestSquared call with how many queries each stage settled. @default undefined */
  onKnnStats?: (s: KnnStats) => void;
}

/**
 * 'auto' takes the int8 pass on the CPU for calls with many queries: its GEMM is ~1.9x the float32 one here (Zen 5,
 * onnxruntime 1.30), but quantising the bank costs ~5 ns per value on one thread, repaid from ~1.5k queries per call
 * (the bench's 9,408 x 75,264 x 192 and 4,096 x 23,520 x 1,024 rows). 'fp32' on CUDA (the int8 op is a CPU kernel).
 */
function pickPrecision(nq: number, nb: number, d: number, o: BlockOptions): 'fp32' | 'int8' {
  const p = o.knnPrecision ?? 'auto';
  if (p !== 'auto' && p !== 'fp32' && p !== 'int8')
    throw new OptionError(`knnPrecision must be 'auto', 'fp32' or 'int8', got '${String(p)}'`);
  if (p !== 'auto') return p;
  if (resolveSettings(o).providers.includes('cuda')) return 'fp32';
  return nq >= INT8_MIN_QUERIES && nb >= 1024 && d >= 32 ? 'int8' : 'fp32';
}

/** Queries per call from which 'auto' takes the int8 pass (see pickPrecision). */
const INT8_MIN_QUERIES = 4096;

/** Extra candidates per row kept beyond k, so float32 near-ties are re-ranked exactly in float64. */
const KNN_MARGIN = 4;

function budgetFloats(o: BlockOptions): number {
  const mb = o.memoryBudgetMB ?? 256;
  if (!(mb > 0) || !Number.isFinite(mb)) throw new OptionError(`memoryBudgetMB must be a positive number, got ${mb}`);
  return Math.max(1, Math.floor((mb * 1024 * 1024) / 4));
}

/** Rows per query block and per bank block so that qb * mb floats fit the budget (bank blocks of >= 1024 rows when possible). */
export function blockSizes(nq: number, nb: number, o: BlockOptions): { qb: number; mb: number } {
  const cap = budgetFloats(o);
  let qb = Math.max(1, Math.min(nq, 4096));
  const minMb = Math.min(nb, 1024);
  if (qb * minMb > cap) qb = Math.max(1, Math.floor(cap / minMb));
  const mb = Math.max(1, Math.min(nb, Math.floor(cap / qb)));
  return { qb, mb };
}

function checkShape(m: Matrix, what: string): void {
  if (m.data.length !== m.rows * m.cols)
    throw new InputError(`${what}: data length ${m.data.length} does not match shape ${m.rows}x${m.cols}`);
}

/** Squared row norms, accumulated in float64. */
function rowNorms(m: Matrix, from: number, to: number): Float32Array {
  const d = m.cols;
  const out = new Float32Array(to - from);
  for (let r = from; r < to; r++) {
    let s = 0;
    const o = r * d;
    for (let c = 0; c < d; c++) {
      const v = m.data[o + c];
      s += v * v;
    }
    out[r - from] = s;
  }
  return out;
}

/** Nearest bank row for every query, the bank given as shards (one or more; global indices run across them in order). */
export async function nearestSquaredBlocked(
  queries: Matrix,
  shards: Matrix[],
  o: BlockOptions = {},
): Promise<NearestResult> {
  checkShape(queries, 'nearest neighbour search: queries');
  const d = queries.cols;
  let total = 0;
  shards.forEach((s, i) => {
    checkShape(s, `nearest neighbour search: bank shard ${i}`);
    if (s.cols !== d)
      throw new InputError(
        `nearest neighbour search: dimension mismatch (queries have ${d} columns, bank shard ${i} has ${s.cols})`,
      );
    total += s.rows;
  });
  if (total === 0) throw new InputError('nearest neighbour search: the memory bank is empty');
  const precision = pickPrecision(queries.rows, total, d, o);
  const candidates = o.knnCandidates ?? (precision === 'int8' ? 16 : 4);
  if (!Number.isInteger(candidates) || candidates < 2)
    throw new OptionError(`knnCandidates must be an integer >= 2, got ${candidates}`);
  return certifiedNearest(queries, shards, precision, {
    ...o,
    candidates,
    blockSizes: (nq, nb) => blockSizes(nq, nb, o),
    safeInt8Levels: o.knnSafeInt8 ?? false,
    int8Kernel: o.knnInt8Kernel ?? 'auto',
    onStats: o.onKnnStats,
  });
}

/** k nearest neighbours among the rows of `points` (ascending squared L2, ties by lower index, self excluded on request). */
export async function knnSquaredBlocked(
  points: Matrix,
  k: number,
  excludeSelf: boolean,
  o: BlockOptions = {},
): Promise<KnnResult> {
  checkShape(points, 'k-NN points');
  const n = points.rows;
  const d = points.cols;
  const avail = excludeSelf ? n - 1 : n;
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k-NN: k must be a positive integer, got ${k}`);
  if (k > avail) throw new InputError(`k-NN: asked for ${k} neighbours but only ${avail} other points exist`);
  const kk = Math.min(n, k + (excludeSelf ? 1 : 0) + KNN_MARGIN);
  // Per row, a sorted candidate list of up to kk (score, index) pairs merged across bank blocks.
  const cv = new Float64Array(n * kk).fill(Infinity);
  const ci = new Int32Array(n * kk).fill(-1);
  const { qb, mb } = blockSizes(n, n, o);
  for (let m0 = 0; m0 < n; m0 += mb) {
    const m1 = Math.min(n, m0 + mb);
    const bnorm = rowNorms(points, m0, m1);
    const bblock = points.data.subarray(m0 * d, m1 * d);
    const kb = Math.min(kk, m1 - m0);
    for (let q0 = 0; q0 < n; q0 += qb) {
      const q1 = Math.min(n, q0 + qb);
      const r = await ortTopkBlock(points.data.subarray(q0 * d, q1 * d), q1 - q0, bblock, m1 - m0, bnorm, d, kb, o);
      for (let i = q0; i < q1; i++) {
        const base = i * kk;
        for (let t = 0; t < kb; t++) {
          const v = r.values[(i - q0) * kb + t];
          const j = m0 + r.indices[(i - q0) * kb + t];
          // insertion into the sorted list; worse than the current last -> the rest of this sorted block is worse too
          let pos = kk - 1;
          if (!(v < cv[base + pos] || (v === cv[base + pos] && (ci[base + pos] < 0 || j < ci[base + pos])))) break;
          while (pos > 0 && (v < cv[base + pos - 1] || (v === cv[base + pos - 1] && j < ci[base + pos - 1]))) {
            cv[base + pos] = cv[base + pos - 1];
            ci[base + pos] = ci[base + pos - 1];
            pos--;
          }
          cv[base + pos] = v;
          ci[base + pos] = j;
        }
      }
    }
  }
  // Re-rank the candidates exactly (float64), ties by lower index, as the reference does.
  const dist = new Float32Array(n * k);
  const index = new Int32Array(n * k);
  const ex = new Float64Array(kk);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let t = 0; t < kk; t++) {
      const j = ci[i * kk + t];
      if (j < 0 || (excludeSelf && j === i)) continue;
      ex[t] = squaredDistanceRef(points.data, i * d, points.data, j * d, d);
      order.push(t);
    }
    order.sort((a, b) => ex[a] - ex[b] || ci[i * kk + a] - ci[i * kk + b]);
    for (let t = 0; t < k; t++) {
      dist[i * k + t] = ex[order[t]];
      index[i * k + t] = ci[i * kk + order[t]];
    }
  }
  return { k, dist, index };
}

/** A·Bᵀ (rows(A) x rows(B)) in blocks whose output fits the budget. */
export async function matmulTransposedBlocked(a: Matrix, b: Matrix, o: BlockOptions = {}): Promise<Matrix> {
  checkShape(a, 'A*B^T: A');
  checkShape(b, 'A*B^T: B');
  if (a.cols !== b.cols) throw new InputError(`A*B^T: dimension mismatch (${a.cols} vs ${b.cols} columns)`);
  const d = a.cols;
  const out = new Float32Array(a.rows * b.rows);
  if (a.rows === 0 || b.rows === 0) return { data: out, rows: a.rows, cols: b.rows };
  const { qb, mb } = blockSizes(a.rows, b.rows, o);
  for (let m0 = 0; m0 < b.rows; m0 += mb) {
    const m1 = Math.min(b.rows, m0 + mb);
    for (let q0 = 0; q0 < a.rows; q0 += qb) {
      const q1 = Math.min(a.rows, q0 + qb);
      const blk = await ortProductBlock(
        a.data.subarray(q0 * d, q1 * d),
        q1 - q0,
        b.data.subarray(m0 * d, m1 * d),
        m1 - m0,
        d,
        o,
      );
      const w = m1 - m0;
      if (w === b.rows) out.set(blk, q0 * b.rows);
      else for (let i = q0; i < q1; i++) out.set(blk.subarray((i - q0) * w, (i - q0 + 1) * w), i * b.rows + m0);
    }
  }
  return { data: out, rows: a.rows, cols: b.rows };
}
