/**
 * Exact k-NN inside many small interleaved point sets at once (per-patch-position LOF: member m of group g is row
 * m * groups + g of the patch matrix). Equal to knnSquaredRef run on each group: same neighbours, same order (ties by
 * lower index), same float64 distances rounded to float32.
 *
 * How: each block of groups is shifted to put its member 0 at the origin (distances do not change; the float32 error
 * bound shrinks with the norms, whatever a common offset), copied group-major, and ranked by one onnxruntime call
 * (./grouped-topk-graph.ts). The float32 scores come with a certified error bound E (below); every candidate whose
 * score could still beat the current k-th exact distance is re-measured exactly in float64, and a row whose
 * certificate fails (near-ties past the returned candidates, heavy duplicates, norms past float32) is recomputed by
 * brute force. While a worker thread ranks one block (onnxruntime there: one fewer intra-op thread than the cores, not
 * spinning), this thread shifts the next one and re-ranks the previous one.
 */
import { Matrix } from './matrix';
import { KnnResult, knnSquaredRef, squaredDistanceRef } from './reference';
import { ortGroupedTopk, ortGroupedTopkOnWorker, topkMode, GroupedWorkerSettings } from './grouped-topk-graph';
import { gatherShifted } from './grouped-topk-worker';
import { resolveDevice } from './ort-engine';
import { BlockOptions } from './blocked';
import { InputError, OptionError } from '../util/errors';

/** Candidates fetched per row beyond k (+1 for the row itself): most rows certify within them. */
const MARGIN = 4;

/**
 * Four squaredDistanceRef at once, of the queued pairs at positions at[u..u+3] (row offsets a[p] and b[p] into x, results
 * into out[p]): four independent accumulators, each in the reference's order, so each result is identical, and four
 * additions in flight instead of one.
 */
function exactSq4(
  x: Float32Array,
  a: Int32Array,
  b: Int32Array,
  at: Int32Array,
  u: number,
  d: number,
  out: Float64Array,
): void {
  const p0 = at[u],
    p1 = at[u + 1],
    p2 = at[u + 2],
    p3 = at[u + 3];
  const a0 = a[p0],
    a1 = a[p1],
    a2 = a[p2],
    a3 = a[p3],
    b0 = b[p0],
    b1 = b[p1],
    b2 = b[p2],
    b3 = b[p3];
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let c = 0; c < d; c++) {
    const t0 = x[a0 + c] - x[b0 + c],
      t1 = x[a1 + c] - x[b1 + c],
      t2 = x[a2 + c] - x[b2 + c],
      t3 = x[a3 + c] - x[b3 + c];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  out[p0] = s0;
  out[p1] = s1;
  out[p2] = s2;
  out[p3] = s3;
}

/** exactSq4 of the four queued pairs at positions p..p+3, which share their first row (offset ao): one load of it. */
function exactSq4Row(x: Float32Array, ao: number, b: Int32Array, p: number, d: number, out: Float64Array): void {
  const b0 = b[p],
    b1 = b[p + 1],
    b2 = b[p + 2],
    b3 = b[p + 3];
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let c = 0; c < d; c++) {
    const v = x[ao + c];
    const t0 = v - x[b0 + c],
      t1 = v - x[b1 + c],
      t2 = v - x[b2 + c],
      t3 = v - x[b3 + c];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  out[p] = s0;
  out[p + 1] = s1;
  out[p + 2] = s2;
  out[p + 3] = s3;
}

/** A per-row sorted list of the k best (distance, index) pairs, ordered by distance then index. */
class TopList {
  readonly dist: Float64Array;
  readonly idx: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.dist = new Float64Array(k);
    this.idx = new Int32Array(k);
  }
  push(v: number, j: number): void {
    const { dist, idx, k } = this;
    let pos = this.size;
    if (pos === k) {
      if (!(v < dist[k - 1] || (v === dist[k - 1] && j < idx[k - 1]))) return;
      pos = k - 1;
    } else this.size++;
    while (pos > 0 && (v < dist[pos - 1] || (v === dist[pos - 1] && j < idx[pos - 1]))) {
      dist[pos] = dist[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
    dist[pos] = v;
    idx[pos] = j;
  }
}

/** Largest group size whose pair distances are memoised (n² float64 + int32 stamps: 12 MiB at 1024). */
const MEMO_MAX_N = 1024;

/** Exact distances of one group's pairs (i, j) = (j, i), valid until next() moves to the next group. */
class PairMemo {
  private readonly val: Float64Array;
  private readonly stamp: Int32Array;
  private cur = 0;
  constructor(private readonly n: number) {
    this.val = new Float64Array(n * n);
    this.stamp = new Int32Array(n * n);
  }
  next(): void {
    this.cur++;
  }
  /** Whether the pair was measured (or queued) in this group. */
  has(i: number, j: number): boolean {
    return this.stamp[i < j ? i * this.n + j : j * this.n + i] === this.cur;
  }
  /** The distance, or NaN when not measured yet in this group. */
  get(i: number, j: number): number {
    const key = i < j ? i * this.n + j : j * this.n + i;
    return this.stamp[key] === this.cur ? this.val[key] : NaN;
  }
  set(i: number, j: number, v: number): void {
    const key = i < j ? i * this.n + j : j * this.n + i;
    this.stamp[key] = this.cur;
    this.val[key] = v;
  }
}

/**
 * Input buffers of worker blocks (shifted rows, half norms), kept between calls: fresh pages cost about 0.5 ms per MiB
 * on small machines. A pair is held by one block at a time: taken when its block is launched, transferred to the
 * worker, and put back when it returns with the block's ranking.
 */
const inputPool: { y: Float32Array; hn: Float32Array }[] = [];
const INPUT_POOL_MAX = 4;
function takeInputs(ny: number, nh: number): { y: Float32Array; hn: Float32Array } {
  const i = inputPool.findIndex((b) => b.y.length === ny && b.hn.length === nh);
  return i >= 0 ? inputPool.splice(i, 1)[0] : { y: new Float32Array(ny), hn: new Float32Array(nh) };
}
function giveInputs(b: { y: Float32Array; hn: Float32Array }): void {
  inputPool.push(b);
  if (inputPool.length > INPUT_POOL_MAX) inputPool.shift();
}

export interface GroupedKnnOptions extends BlockOptions, GroupedWorkerSettings {
  /** 'js' runs knnSquaredRef on each group (the reference); 'ort' the ranked-and-certified path. @default 'ort' */
  engine?: 'ort' | 'js';
  /**
   * Shift and rank on a worker thread, so that this thread re-ranks one block while the next is ranked (onnxruntime-node
   * runs a session synchronously on the calling thread). Only for blocks of whole groups. The worker's `threads`
   * default to one fewer than the cores (at least one). @default true
   */
  worker?: boolean;
  /**
   * MiB of float32 scores per onnxruntime call (capped by memoryBudgetMB). Blocks that stay in the cache run faster
   * than large ones: at 1885 points a group, 8-16 MiB ran 2-4x faster than 256 MiB. @default 16
   */
  scoreBlockMB?: number;
  /** Most groups per onnxruntime call (smaller blocks overlap better with the re-ranking; see the bench). @default 32 */
  groupsPerCall?: number;
}

/** Counters of one run, for tests and the bench. */
export interface GroupedKnnStats {
  calls: number;
  /** Exact distances computed while re-ranking candidates. */
  exact: number;
  /** Rows whose certificate failed and were recomputed by brute force. */
  bruteRows: number;
  /**
   * Engine 'ort': some shifted row had a squared norm that is not finite: a coordinate is NaN or ±Infinity, or
   * differences overflow float32 (callers that must refuse non-finite input check it then, instead of scanning every
   * input first). Always false on engine 'js', which does not look.
   */
  nonFinite: boolean;
  /** Which selection ranked the candidates (GroupedKnnOptions.topk); null on engine 'js'. */
  topk: 'wasm' | 'ort' | null;
}

/**
 * k nearest neighbours (squared L2, ascending, ties by lower index) inside each of `groups` interleaved point sets of
 * `points` (member m of group g = row m * groups + g). `onGroup(g, result)` receives each group's result (indices are
 * member numbers), once per group, in increasing g.
 */
export async function knnSquaredGroups(
  points: Matrix,
  groups: number,
  k: number,
  excludeSelf: boolean,
  onGroup: (g: number, r: KnnResult) => void,
  o: GroupedKnnOptions = {},
): Promise<GroupedKnnStats> {
  const stats: GroupedKnnStats = { calls: 0, exact: 0, bruteRows: 0, nonFinite: false, topk: null };
  const d = points.cols;
  if (!Number.isInteger(groups) || groups < 1 || points.rows % groups !== 0)
    throw new InputError(`grouped k-NN: ${points.rows} rows do not split into ${groups} interleaved groups`);
  if (points.data.length !== points.rows * d)
    throw new InputError(`grouped k-NN: data length ${points.data.length} does not match ${points.rows}x${d}`);
  const n = points.rows / groups;
  const avail = excludeSelf ? n - 1 : n;
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k-NN: k must be a positive integer, got ${k}`);
  if (k > avail) throw new InputError(`k-NN: asked for ${k} neighbours but only ${avail} other points exist`);
  const maxG = o.groupsPerCall ?? 32;
  if (!Number.isInteger(maxG) || maxG < 1)
    throw new OptionError(`groupsPerCall must be a positive integer, got ${maxG}`);
  const x = points.data;

  if ((o.engine ?? 'ort') === 'js' || d === 0) {
    const pts: Matrix = { data: new Float32Array(n * d), rows: n, cols: d };
    for (let g = 0; g < groups; g++) {
      for (let m = 0; m < n; m++) pts.data.set(x.subarray((m * groups + g) * d, (m * groups + g + 1) * d), m * d);
      onGroup(g, knnSquaredRef(pts, k, excludeSelf));
    }
    return stats;
  }

  stats.topk = topkMode(o);
  const mb = o.memoryBudgetMB ?? 256;
  if (!(mb > 0) || !Number.isFinite(mb)) throw new OptionError(`memoryBudgetMB must be a positive number, got ${mb}`);
  const sb = o.scoreBlockMB ?? 16;
  if (!(sb > 0) || !Number.isFinite(sb)) throw new OptionError(`scoreBlockMB must be a positive number, got ${sb}`);
  const cap = Math.max(1, Math.floor((Math.min(mb, sb) * 1024 * 1024) / 4));
  // Score floats per call = gb * qb * n; whole groups when one fits, else query-row blocks of one group.
  const gb = Math.max(1, Math.min(groups, maxG, Math.floor(cap / (n * n))));
  const qb = gb > 1 ? n : Math.max(1, Math.min(n, Math.floor(cap / n)));
  const kk = Math.min(n, k + (excludeSelf ? 1 : 0) + MARGIN);
  // Error bound of a float32 score against the exact value, relative to (||q|| + max ||b||)² of the shifted rows:
  // the d-term dot product's d unit roundoffs, the half norm's subtraction and rounding and the shift's rounding, with
  // 2x to spare. CUDA may run the product in TF32 (10-bit mantissa): its input rounding is added.
  const rel = (d + 16) * 2 ** -23 + (resolveDevice(o.device) === 'cuda' ? 2 ** -8 : 0);

  // One block = groups [g0, g1) and query rows [q0, q1) of them.
  interface Block {
    g0: number;
    g1: number;
    q0: number;
    q1: number;
    rows: Float32Array;
    ms: number;
    rs: number;
    run: Promise<{ values: Float32Array; indices: Int32Array; norm: Float64Array; maxNorm: Float64Array }>;
  }
  // Whole groups go to the worker: this thread shifts them (gatherShifted) into buffers that are transferred to the
  // worker and back, and re-ranks from x itself. Row blocks stay on this thread: each call would send the whole bank of
  // the group to the worker.
  const onWorker = (o.worker ?? true) && qb === n;
  const launchOnWorker = (g0: number, g1: number): Block['run'] => {
    const w = g1 - g0;
    const inputs = takeInputs(w * n * d, w * n);
    const norm = new Float64Array(w * n),
      maxNorm = new Float64Array(w);
    gatherShifted(x, groups * d, d, n, d, g0, g1, inputs.y, inputs.hn, norm, maxNorm);
    return ortGroupedTopkOnWorker(inputs.y, inputs.hn, { w, n, d, k: kk }, o).then((r) => {
      giveInputs({ y: r.y, hn: r.hn });
      return { values: r.values, indices: r.indices, norm, maxNorm };
    });
  };
  let gathered: { g0: number; y: Float32Array; hn: Float32Array; norm: Float64Array; maxNorm: Float64Array } | null =
    null;
  const launchHere = async (g0: number, g1: number, q0: number, q1: number): Promise<Awaited<Block['run']>> => {
    const w = g1 - g0;
    if (!gathered || gathered.g0 !== g0) {
      gathered = {
        g0,
        y: new Float32Array(w * n * d),
        hn: new Float32Array(w * n),
        norm: new Float64Array(w * n),
        maxNorm: new Float64Array(w),
      };
      gatherShifted(x, groups * d, d, n, d, g0, g1, gathered.y, gathered.hn, gathered.norm, gathered.maxNorm);
    }
    const { y, hn, norm, maxNorm } = gathered;
    const q = q0 === 0 && q1 === n ? y : y.subarray(q0 * d, q1 * d);
    const r = await ortGroupedTopk(q, y, hn, { g: w, nq: q1 - q0, nb: n, d, k: kk }, o);
    return { ...r, norm, maxNorm };
  };
  // Member j of group g is at xs[(g - g0) * ms + j * rs] while its block is re-ranked (x itself).
  const launch = (g0: number, g1: number, q0: number, q1: number): Block => {
    stats.calls++;
    const run = onWorker ? launchOnWorker(g0, g1) : launchHere(g0, g1, q0, q1);
    return { g0, g1, q0, q1, run, rows: x.subarray(g0 * d), ms: d, rs: groups * d };
  };

  const top = new TopList(k);
  const resultFor = new Map<number, KnnResult>();
  // Neighbour pairs are often mutual (about 60 % of LOF's on real patches): each exact distance is measured once.
  const memo = n <= MEMO_MAX_N ? new PairMemo(n) : null;
  // The pairs of one group's first k candidates still to measure (offsets of both rows, the candidate, the distance),
  // row by row (row i's from ps[i - q0]): measured together four at a time, whichever rows they belong to.
  const pa = new Int32Array(n * k),
    pb = new Int32Array(n * k),
    pj = new Int32Array(n * k),
    pv = new Float64Array(n * k),
    ps = new Int32Array(n + 1),
    left = new Int32Array(n * k);
  // Synchronous, apart from its async caller (an async function body optimises worse).
  const rerank = function rerankBlock(
    blk: Block,
    values: Float32Array,
    indices: Int32Array,
    norm: Float64Array,
    maxNorm: Float64Array,
  ): void {
    const nqb = blk.q1 - blk.q0;
    const { rows: xs, rs } = blk;
    for (let g = blk.g0; g < blk.g1; g++) {
      let res = resultFor.get(g);
      if (!res) {
        res = { k, dist: new Float32Array(n * k), index: new Int32Array(n * k) };
        resultFor.set(g, res);
      }
      const gl = g - blk.g0;
      const go = gl * blk.ms;
      memo?.next();
      // The first k candidates other than the row itself are always measured: those not measured from the other side.
      let nq = 0;
      for (let i = blk.q0; i < blk.q1; i++) {
        ps[i - blk.q0] = nq;
        const base = (gl * nqb + (i - blk.q0)) * kk;
        const nqi = norm[gl * n + i];
        // A squared norm is finite exactly when every coordinate of the row and of member 0 is (or overflows float32).
        if (nqi - nqi !== 0) stats.nonFinite = true;
        for (let t = 0, c = 0; t < kk && c < k; t++) {
          const j = indices[base + t];
          if (excludeSelf && j === i) continue;
          c++;
          if (memo) {
            if (memo.has(i, j)) continue;
            memo.set(i, j, NaN); // queued here, measured below before any row reads it
          }
          pa[nq] = go + i * rs;
          pb[nq] = go + j * rs;
          pj[nq++] = j;
        }
      }
      ps[nqb] = nq;
      // Four at a time: a row's pairs in fours that load the row once, the rest of every row in mixed fours, the last
      // few one by one (a distance costs the same alone or in fours, padding would waste work).
      let nl = 0;
      for (let r = 0; r < nqb; r++) {
        let p = ps[r];
        for (; p + 4 <= ps[r + 1]; p += 4) exactSq4Row(xs, pa[p], pb, p, d, pv);
        for (; p < ps[r + 1]; p++) left[nl++] = p;
      }
      let u = 0;
      for (; u + 4 <= nl; u += 4) exactSq4(xs, pa, pb, left, u, d, pv);
      for (; u < nl; u++) pv[left[u]] = squaredDistanceRef(xs, pa[left[u]], xs, pb[left[u]], d);
      stats.exact += nq;
      if (memo)
        for (let i = blk.q0; i < blk.q1; i++)
          for (let p = ps[i - blk.q0]; p < ps[i - blk.q0 + 1]; p++) memo.set(i, pj[p], pv[p]);
      const maxN = Math.sqrt(maxNorm[gl]);
      // Scores of norms past 2^100 may overflow float32 (Infinity would pass any bound): measure those rows directly.
      const sane = maxNorm[gl] <= 2 ** 100;
      for (let i = blk.q0; i < blk.q1; i++) {
        const base = (gl * nqb + (i - blk.q0)) * kk;
        const nqi = norm[gl * n + i];
        // (+ an absolute term for float32 underflow; an overflowing group never certifies, see `sane`)
        const e = sane ? rel * (Math.sqrt(nqi) + maxN) ** 2 + (d + 8) * 2 ** -147 : Infinity;
        const ao = go + i * rs;
        top.size = 0;
        let p = ps[i - blk.q0];
        const pe = ps[i - blk.q0 + 1];
        let t = 0;
        for (let c = 0; t < kk && c < k; t++) {
          const j = indices[base + t];
          if (excludeSelf && j === i) continue;
          c++;
          // This row's queued pairs come in candidate order; the others were measured from j's side.
          top.push(p < pe && pj[p] === j ? pv[p++] : memo ? memo.get(i, j) : NaN, j);
        }
        // Then every further candidate whose score bound could still beat the k-th exact distance.
        let certified = kk === n && sane;
        for (; t < kk; t++) {
          if (values[base + t] + nqi - e > top.dist[k - 1]) {
            certified = true;
            break;
          }
          const j = indices[base + t];
          if (excludeSelf && j === i) continue;
          let dij = memo ? memo.get(i, j) : NaN;
          if (dij !== dij) {
            dij = squaredDistanceRef(xs, ao, xs, go + j * rs, d);
            memo?.set(i, j, dij);
            stats.exact++;
          }
          top.push(dij, j);
        }
        // Rows not returned score >= the last value returned; if even that could beat the k-th, measure them all.
        if (!certified && !(values[base + kk - 1] + nqi - e > top.dist[k - 1])) {
          stats.bruteRows++;
          top.size = 0;
          for (let j = 0; j < n; j++)
            if (!(excludeSelf && j === i)) top.push(squaredDistanceRef(xs, ao, xs, go + j * rs, d), j);
        }
        for (let s = 0; s < k; s++) {
          res.dist[i * k + s] = top.dist[s];
          res.index[i * k + s] = top.idx[s];
        }
      }
      if (blk.q1 === n) {
        onGroup(g, res);
        resultFor.delete(g);
      }
    }
  };

  const finish = async (blk: Block): Promise<void> => {
    const { values, indices, norm, maxNorm } = await blk.run;
    rerank(blk, values, indices, norm, maxNorm);
  };

  // The block list, then two in flight: launch the next before re-ranking the current.
  // On the worker, the first and the last block are a quarter of the others: this thread waits for the first ranking
  // and the worker for the last re-ranking, so small ends shorten the time when only one thread works.
  const plan: [number, number, number, number][] = [];
  const ends = onWorker && groups > 2 * gb ? Math.ceil(gb / 4) : 0;
  const cuts = ends ? [0, ends] : [0];
  for (let g = cuts[cuts.length - 1] + gb; g < groups - ends; g += gb) cuts.push(g);
  if (ends) cuts.push(groups - ends);
  cuts.push(groups);
  for (let b = 0; b + 1 < cuts.length; b++)
    for (let q0 = 0; q0 < n; q0 += qb) plan.push([cuts[b], cuts[b + 1], q0, Math.min(n, q0 + qb)]);
  let cur = launch(...plan[0]);
  for (let b = 0; b < plan.length; b++) {
    const next = b + 1 < plan.length ? launch(...plan[b + 1]) : null;
    await finish(cur);
    if (next) cur = next;
  }
  return stats;
}
