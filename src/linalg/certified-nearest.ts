/**
 * Exact 1-NN behind a fast approximate pass: the answer equals `nearestSquaredRef` on the concatenated bank (index and
 * float64 distance, ties by the lower global index) bit for bit, while nearly all of the work runs in an int8 or
 * float32 GEMM on onnxruntime.
 *
 * Per (query block, bank block) the pass returns the K smallest approximate scores. Every candidate whose lower bound
 * can still beat the best exact distance so far is re-ranked in float64 (the reference's own arithmetic). The rows
 * left out of the K have approximate scores >= the K-th, which gives a certified lower bound L on their true squared
 * distance (rounding and quantisation error bounded per row, see the bound functions). A query whose min over blocks
 * of L exceeds its best exact distance U is certified: no left-out row can win or tie. The others go through the
 * float32 pass (after int8) and, if still uncertified (more ties than candidates, ...), a full scan that re-ranks every
 * row whose bound does not exclude it.
 */
import { Matrix } from './matrix';
import { NearestResult, squaredDistanceRef } from './reference';
import { ortTopkBlock, ortProductBlock, OrtSettings } from './ort-engine';
import {
  quantizeQueries,
  quantizeBank,
  int8TopkBlock,
  int8LowerBound,
  int8Levels,
  QuantQueries,
  SAFE_LEVELS,
  rowRanges,
  RowRanges,
  Int8Kernel,
  int8KernelFor,
} from './quantized-nearest';

/** First-pass precision: 'auto' picks by shape (see `pickPrecision`). */
export type KnnPrecision = 'auto' | 'fp32' | 'int8';

/** How many queries each stage settled (for the bench and for tuning; never affects results). */
export interface KnnStats {
  precision: 'fp32' | 'int8';
  queries: number;
  /** Certified by the first pass. */
  firstPass: number;
  /** Certified by the float32 pass run after an int8 first pass. */
  fp32Fallback: number;
  /** Settled by the last stage (full float32 score rows, every row that can still win re-ranked exactly). */
  fullScan: number;
  /** Candidates re-ranked in float64 (all passes). */
  exactChecks: number;
  /** Wall seconds of the first pass, of the float32 fallback pass and of the brute force. */
  seconds: [number, number, number];
}

export interface CertifiedOptions extends OrtSettings {
  /** Rows per query block and per bank block (from the memory budget). */
  blockSizes: (nq: number, nb: number) => { qb: number; mb: number };
  /** Candidates kept per query and bank block by the first pass. */
  candidates: number;
  /** Use the 7-bit int8 levels even where the probe allows 8 bits (tests). @default false */
  safeInt8Levels?: boolean;
  /** Kernel of the int8 pass (BlockOptions.knnInt8Kernel). @default 'auto' */
  int8Kernel?: Int8Kernel;
  onStats?: (s: KnnStats) => void;
}

/** Relative margin between the lower bound and the exact best; covers the float64 rounding of both (~1e-13 at 1024-d). */
const EPS = 1e-9;
/** Rows with norms past this are not certified (their float32 squares overflow). */
const NORM_LIMIT = 1e18;
const U32 = 2 ** -24;

/** Running state per query: best exact distance and global index so far, min lower bound of left-out rows. */
interface State {
  best: Float64Array;
  index: Int32Array;
  lower: Float64Array;
  checks: number;
  /** When set, pass() also records each bank block's own lower bound per query (see BlockRecord). */
  blocks?: BlockRecord[];
}

/**
 * One bank block of a pass and, per query, a lower bound on the squared distance of every row of it that the pass did
 * not re-rank exactly (rounded down to float32; +Infinity when the block was re-ranked whole).
 */
interface BlockRecord {
  shard: Matrix;
  m0: number;
  m1: number;
  /** Global index of the shard's row 0. */
  base: number;
  lower: Float32Array;
}

function newState(n: number): State {
  return {
    best: new Float64Array(n).fill(Infinity),
    index: new Int32Array(n),
    lower: new Float64Array(n).fill(Infinity),
    checks: 0,
  };
}

/** A float32 value <= l (l >= 0): the record keeps bounds in half the memory and must never raise one. */
function down32(l: number): number {
  return Math.fround(l * (1 - 2 ** -20));
}

function certified(st: State, i: number): boolean {
  return st.best[i] < Infinity && st.lower[i] > st.best[i] * (1 + EPS);
}

/** Re-ranks candidate row j of shard s (global index gj) for query i exactly; ties go to the lower global index. */
function offer(st: State, q: Matrix, i: number, s: Matrix, j: number, gj: number): void {
  const d = q.cols;
  st.checks++;
  const v = squaredDistanceRef(q.data, i * d, s.data, j * d, d);
  if (v < st.best[i] || (v === st.best[i] && gj < st.index[i])) {
    st.best[i] = v;
    st.index[i] = gj;
  }
}

/** Euclidean row norms (float64 sums). */
function rowNorms(m: Matrix, from: number, to: number): Float64Array {
  const d = m.cols;
  const out = new Float64Array(to - from);
  for (let r = from; r < to; r++) {
    let s = 0;
    for (let c = r * d; c < (r + 1) * d; c++) s += m.data[c] * m.data[c];
    out[r - from] = Math.sqrt(s);
  }
  return out;
}

/**
 * Lower bound on ||q||² + (||b||² - 2 q·b) for a float32 Gemm score `v` (any summation order of the D + 1 terms, FMA or
 * not: |error| <= gamma_{D+2} (||b||² + 2 ||q|| ||b||), plus the rounding of ||b||² to float32; doubled for margin).
 */
export function fp32LowerBound(qn2: number, qn: number, v: number, bn: number, d: number): number {
  const g = ((d + 2) * U32) / (1 - (d + 2) * U32);
  if (!(g > 0 && g < 0.5)) return 0;
  const slack = 2 * (g * (bn * bn + 2 * qn * bn) + U32 * bn * bn);
  const l = qn2 + v - slack - 1e-12 * (qn2 + Math.abs(v));
  return l > 0 ? l : 0;
}

type TopK = { values: Float32Array; indices: Int32Array };

/**
 * One approximate pass over all shards. `score` runs one (query block, bank block) and returns, per query row of the
 * block, bound functions for a candidate and for the left-out rows.
 */
async function pass(
  q: Matrix,
  shards: Matrix[],
  o: CertifiedOptions,
  st: State,
  prepareBank: (s: Matrix, m0: number, m1: number) => unknown,
  /** Query row at each position (queries are visited in this order, blocks cut from it); null = in row order. */
  order: Int32Array | null,
  score: (
    q0: number,
    q1: number,
    bank: unknown,
    k: number,
  ) => Promise<{
    top: TopK;
    cand: (li: number, j: number, v: number) => number;
    rest: (li: number, eK: number) => number;
  }>,
  /** Global index of the first shard's row 0 (a pass over one block of a larger bank). */
  base = 0,
): Promise<void> {
  const nq = q.rows;
  let off = base;
  for (const s of shards) {
    if (s.rows > 0) {
      const { qb, mb } = o.blockSizes(nq, s.rows);
      for (let m0 = 0; m0 < s.rows; m0 += mb) {
        const m1 = Math.min(s.rows, m0 + mb);
        const bank = prepareBank(s, m0, m1);
        const k = Math.min(o.candidates, m1 - m0);
        const all = k === m1 - m0;
        const rec = st.blocks ? new Float32Array(nq).fill(Infinity) : null;
        if (rec) st.blocks!.push({ shard: s, m0, m1, base: off, lower: rec });
        // The next query block is scored while this one's candidates are re-ranked: the native int8 kernel runs off
        // this thread (onnxruntime's run waits for it, so there the order is only shifted). The answers do not depend
        // on it: each query's state is touched by its own block alone.
        const start = (q0: number) => {
          const p = score(q0, Math.min(nq, q0 + qb), bank, k);
          p.catch(() => {}); // awaited below; a failure must not also surface as an unhandled rejection
          return p;
        };
        let next = start(0);
        for (let q0 = 0; q0 < nq; q0 += qb) {
          const q1 = Math.min(nq, q0 + qb);
          const { top, cand, rest } = await next;
          if (q1 < nq) next = start(q1);
          for (let p = q0; p < q1; p++) {
            const li = p - q0;
            const i = order ? order[p] : p;
            for (let t = 0; t < k; t++) {
              const v = top.values[li * k + t];
              // The candidates come in ascending score, and rest(v) bounds every row of the block scoring v or more:
              // once it rules one out, it rules out the rest of the list (each of whose own bounds is at least it).
              if (rest(li, v) > st.best[i] * (1 + EPS)) break;
              const j = m0 + top.indices[li * k + t];
              // A candidate whose lower bound is past the best so far cannot win or tie: skip its exact distance.
              if (cand(li, j - m0, v) > st.best[i] * (1 + EPS)) continue;
              offer(st, q, i, s, j, off + j);
            }
            if (!all) {
              const eK = top.values[li * k + k - 1];
              const l = Number.isFinite(eK) ? rest(li, eK) : 0;
              if (l < st.lower[i]) st.lower[i] = l;
              if (rec) rec[i] = down32(l);
            }
          }
        }
      }
    }
    off += s.rows;
  }
}

/**
 * Query rows per int8 block: one scale covers a block, so blocks are cut from the queries sorted by their largest
 * |value| (rows of like range together), and kept small enough that the range stays tight.
 */
const INT8_QUERY_BLOCK = 1024;

async function int8Pass(q: Matrix, shards: Matrix[], o: CertifiedOptions, st: State): Promise<void> {
  const ranges = rowRanges(q);
  const order = byRange(q, ranges);
  const d = q.cols;
  const levels = o.safeInt8Levels ? SAFE_LEVELS : await int8Levels(o);
  const kernel = int8KernelFor(o.int8Kernel ?? 'auto', o);
  const blocks = o.blockSizes;
  // Bank blocks sized for the int8 query block (the memory budget bounds qb x mb scores), not for all the queries.
  o = {
    ...o,
    blockSizes: (nq, nb) => {
      const b = blocks(Math.min(nq, INT8_QUERY_BLOCK), nb);
      return { qb: Math.min(b.qb, INT8_QUERY_BLOCK), mb: b.mb };
    },
  };
  const cache = new Map<string, QuantQueries & { ok: boolean }>();
  const queries = (q0: number, q1: number) => {
    const key = `${q0}:${q1}`;
    let c = cache.get(key);
    if (!c) {
      const z = quantizeQueries(q, order.subarray(q0, q1), levels, ranges);
      c = { ...z, ok: z.norm.every((n) => n < NORM_LIMIT) };
      cache.set(key, c);
    }
    return c;
  };
  await pass(
    q,
    shards,
    o,
    st,
    (s, m0, m1) => quantizeBank(s, m0, m1, levels, undefined, kernel),
    order,
    async (q0, q1, bank, k) => {
      const b = bank as ReturnType<typeof quantizeBank>;
      const z = queries(q0, q1);
      const ok = z.ok && b.maxNorm < NORM_LIMIT;
      const top = await int8TopkBlock(z, b, d, k, o);
      return {
        top,
        cand: (li, j, v) => (ok ? int8LowerBound(z.norm2[li], z.norm[li], z.resid[li], v, b.norm[j], b.resid[j]) : 0),
        rest: (li, eK) => (ok ? int8LowerBound(z.norm2[li], z.norm[li], z.resid[li], eK, b.maxNorm, b.maxResid) : 0),
      };
    },
  );
}

async function fp32Pass(q: Matrix, shards: Matrix[], o: CertifiedOptions, st: State, base = 0): Promise<void> {
  const d = q.cols;
  const qn = rowNorms(q, 0, q.rows);
  await pass(
    q,
    shards,
    o,
    st,
    (s, m0, m1) => {
      const norm = rowNorms(s, m0, m1);
      const bnorm = new Float32Array(norm.length);
      let maxNorm = 0;
      for (let r = 0; r < norm.length; r++) {
        bnorm[r] = norm[r] * norm[r];
        if (!(norm[r] <= maxNorm)) maxNorm = Number.isFinite(norm[r]) ? norm[r] : Infinity; // NaN or inf: no bound
      }
      return { data: s.data.subarray(m0 * d, m1 * d), rows: m1 - m0, norm, bnorm, maxNorm };
    },
    null,
    async (q0, q1, bank, k) => {
      const b = bank as { data: Float32Array; rows: number; norm: Float64Array; bnorm: Float32Array; maxNorm: number };
      const top = await ortTopkBlock(q.data.subarray(q0 * d, q1 * d), q1 - q0, b.data, b.rows, b.bnorm, d, k, o);
      const okB = b.maxNorm < NORM_LIMIT;
      const bound = (li: number, v: number, bn: number) => {
        const n = qn[q0 + li];
        return okB && n < NORM_LIMIT ? fp32LowerBound(n * n, n, v, bn, d) : 0;
      };
      return { top, cand: (li, j, v) => bound(li, v, b.norm[j]), rest: (li, eK) => bound(li, eK, b.maxNorm) };
    },
    base,
  );
}

/**
 * The float32 stage after the int8 pass, block by block: a pending query goes through a bank block only where that
 * block's own int8 bound does not already exclude it (near-ties tend to sit in one block: rows of one image or class
 * are stored together), so the float32 work follows the ties instead of the whole bank. Returns the queries still
 * uncertified. Their best so far is kept either way (a real row's exact distance).
 */
async function fp32Blocks(
  q: Matrix,
  pending: number[],
  blocks: BlockRecord[],
  o: CertifiedOptions,
  st: State,
  stats: KnnStats,
): Promise<number[]> {
  // A block left closed has its bound past the best (which only falls), so only the blocks run here bound the rest.
  const lower = new Float64Array(pending.length).fill(Infinity);
  for (const b of blocks) {
    const open: number[] = [],
      at: number[] = [];
    pending.forEach((i, t) => {
      if (!(b.lower[i] > st.best[i] * (1 + EPS))) {
        open.push(i);
        at.push(t);
      }
    });
    if (open.length === 0) continue;
    const sub = gatherRows(q, open);
    const s2 = newState(open.length);
    open.forEach((i, u) => {
      s2.best[u] = st.best[i];
      s2.index[u] = st.index[i];
    });
    const rows: Matrix = { data: b.shard.data.subarray(b.m0 * q.cols, b.m1 * q.cols), rows: b.m1 - b.m0, cols: q.cols };
    await fp32Pass(sub, [rows], o, s2, b.base + b.m0);
    stats.exactChecks += s2.checks;
    open.forEach((i, u) => {
      st.best[i] = s2.best[u];
      st.index[i] = s2.index[u];
      lower[at[u]] = Math.min(lower[at[u]], s2.lower[u]);
    });
  }
  return pending.filter((i, t) => !(st.best[i] < Infinity && lower[t] > st.best[i] * (1 + EPS)));
}

/**
 * Lower bound on ||q||² + ||b||² - 2 q·b from a float32 product p = fl(q·b) (|error| <= gamma_D ||q|| ||b|| in any
 * summation order; doubled for margin).
 */
export function productLowerBound(qn: number, bn: number, p: number, d: number): number {
  const g = (d * U32) / (1 - d * U32);
  if (!(g >= 0 && g < 0.5) || !(qn < NORM_LIMIT && bn < NORM_LIMIT)) return 0;
  const l = qn * qn + bn * bn - 2 * p - 4 * g * qn * bn - 1e-12 * (qn * qn + bn * bn + 2 * Math.abs(p));
  return l > 0 ? l : 0;
}

/**
 * The last stage, for the queries no TopK pass certified (more tied rows than candidates, NaN, ...): full float32
 * score rows, and every bank row whose lower bound does not exceed the best so far is re-ranked exactly. Never
 * uncertain; as cheap as the ties allow (a constant bank re-ranks every row, as the brute force would).
 */
async function scanPass(q: Matrix, shards: Matrix[], o: CertifiedOptions, st: State): Promise<void> {
  const d = q.cols;
  const qn = rowNorms(q, 0, q.rows);
  let off = 0;
  for (const s of shards) {
    if (s.rows > 0) {
      const { qb, mb } = o.blockSizes(q.rows, s.rows);
      for (let m0 = 0; m0 < s.rows; m0 += mb) {
        const m1 = Math.min(s.rows, m0 + mb);
        const w = m1 - m0;
        const bn = rowNorms(s, m0, m1);
        const bblock = s.data.subarray(m0 * d, m1 * d);
        for (let q0 = 0; q0 < q.rows; q0 += qb) {
          const q1 = Math.min(q.rows, q0 + qb);
          const prod = await ortProductBlock(q.data.subarray(q0 * d, q1 * d), q1 - q0, bblock, w, d, o);
          for (let i = q0; i < q1; i++)
            for (let t = 0; t < w; t++) {
              if (productLowerBound(qn[i], bn[t], prod[(i - q0) * w + t], d) > st.best[i] * (1 + EPS)) continue;
              offer(st, q, i, s, m0 + t, off + m0 + t);
            }
        }
      }
    }
    off += s.rows;
  }
}

/** Exact nearest row of query i over all shards, in the reference's arithmetic and order (first global index on ties). */
export function bruteNearest(q: Matrix, i: number, shards: Matrix[]): { dist: number; index: number } {
  const d = q.cols;
  let best = Infinity,
    bi = 0,
    off = 0;
  for (const s of shards) {
    for (let j = 0; j < s.rows; j++) {
      const v = squaredDistanceRef(q.data, i * d, s.data, j * d, d);
      if (v < best) {
        best = v;
        bi = off + j;
      }
    }
    off += s.rows;
  }
  return { dist: best, index: bi };
}

/** Query rows ordered by their largest |value| (ties by row). */
function byRange(q: Matrix, r: RowRanges): Int32Array {
  const amax = new Float64Array(q.rows);
  for (let i = 0; i < q.rows; i++) amax[i] = Math.max(-r.lo[i], r.hi[i]);
  return Int32Array.from({ length: q.rows }, (_, i) => i).sort((a, b) => amax[a] - amax[b] || a - b);
}

function gatherRows(q: Matrix, rows: number[]): Matrix {
  const d = q.cols;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, t) => data.set(q.data.subarray(r * d, (r + 1) * d), t * d));
  return { data, rows: rows.length, cols: d };
}

/** Exact 1-NN of every query over the shards (global indices across them in order), certified as described above. */
export async function certifiedNearest(
  q: Matrix,
  shards: Matrix[],
  precision: 'fp32' | 'int8',
  o: CertifiedOptions,
): Promise<NearestResult> {
  const nq = q.rows;
  const st = newState(nq);
  const stats: KnnStats = {
    precision,
    queries: nq,
    firstPass: 0,
    fp32Fallback: 0,
    fullScan: 0,
    exactChecks: 0,
    seconds: [0, 0, 0],
  };
  let t0 = performance.now();
  if (nq > 0 && precision === 'fp32') await fp32Pass(q, shards, o, st);
  if (nq > 0 && precision === 'int8') {
    st.blocks = [];
    await int8Pass(q, shards, o, st);
  }
  stats.seconds[0] = (performance.now() - t0) / 1000;
  t0 = performance.now();
  let pending: number[] = [];
  for (let i = 0; i < nq; i++) if (!certified(st, i)) pending.push(i);
  stats.firstPass = nq - pending.length;
  if (precision === 'int8' && pending.length > 0) {
    const still = await fp32Blocks(q, pending, st.blocks!, o, st, stats);
    stats.fp32Fallback = pending.length - still.length;
    pending = still;
  }
  st.blocks = undefined;
  stats.seconds[1] = (performance.now() - t0) / 1000;
  t0 = performance.now();
  if (pending.length > 0) {
    const sub = gatherRows(q, pending);
    const st3 = newState(pending.length);
    pending.forEach((i, t) => {
      st3.best[t] = st.best[i];
      st3.index[t] = st.index[i];
    });
    await scanPass(sub, shards, o, st3);
    stats.exactChecks += st3.checks;
    pending.forEach((i, t) => {
      st.best[i] = st3.best[t];
      st.index[i] = st3.index[t];
    });
  }
  stats.fullScan = pending.length;
  stats.seconds[2] = (performance.now() - t0) / 1000;
  stats.exactChecks += st.checks;
  o.onStats?.(stats);
  return { dist: Float32Array.from(st.best), index: st.index };
}
