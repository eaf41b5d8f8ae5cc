/**
 * Exact greedy k-center on several cores: the projected bank lives once in a SharedArrayBuffer, the rows are cut into
 * contiguous parts, and each part (the calling thread takes part 0, worker_threads the others) keeps its own
 * triangle-inequality pruning state (the same scheme as kCenterPruned in ./coreset-kcenter, restricted to its rows).
 * Per pick, every part updates its rows against the new centre and reports its local argmax; the global argmax is
 * the largest value, lowest row index on ties: the brute force's rule. Distances are float32 inputs summed in float64
 * in the brute force's order, so the picks equal kCenterBruteForce's bit for bit (tests check this).
 *
 * Synchronisation is Atomics.wait/notify on a shared Int32Array (a pick costs two wake-ups, ~10-50 µs), so the pick
 * loop itself is synchronous; the function is async only to start and join the workers.
 *
 * The kernel is JavaScript source text evaluated in both the caller and the workers, so that exactly one
 * implementation runs everywhere and workers need no TypeScript loader (tsx, ts-node or compiled output alike).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { Matrix } from '../linalg/matrix';
import { InputError, OptionError } from '../util/errors';
import type { PickProgress } from './coreset-kcenter';

/** One part's state and steps. `x` is the whole bank; the part owns rows [lo, hi). */
const KERNEL_SOURCE = String.raw`
function makePart(x, d, lo, hi, m) {
  var n = hi - lo;
  var SLACK = 1 + 1e-7, CHUNK = 16;
  var minD = new Float64Array(n);
  var cx = new Float32Array(m * d);
  var cnorm = new Float64Array(m);
  var members = new Array(m);
  var count = new Int32Array(m);
  var cmax = new Float64Array(m);
  var carg = new Int32Array(m); // global row index of the (lowest-index) maximum
  var movers = new Int32Array(Math.max(1, n));
  var out = { best: -1, idx: 0 };
  // Pivot rows spread over the whole bank (the same in every part): |d(c,p) - d(a,p)| <= d(c,a) is a cheap lower
  // bound that skips most far centres without a 16-coordinate partial distance (the origin pivot is cnorm).
  var P = 4, N = Math.floor(x.length / d);
  var pivot = new Int32Array(P);
  for (var q0 = 0; q0 < P; q0++) pivot[q0] = Math.min(N - 1, Math.floor(((q0 + 0.5) * N) / P));
  var cpiv = new Float64Array(m * P);
  function addCentre(k, c) {
    var src = c * d, s = 0;
    for (var j = 0; j < d; j++) { var v = x[src + j]; cx[k * d + j] = v; s += v * v; }
    cnorm[k] = Math.sqrt(s);
    for (var q = 0; q < P; q++) {
      var po = pivot[q] * d, t2 = 0;
      for (var j2 = 0; j2 < d; j2++) { var u2 = x[src + j2] - x[po + j2]; t2 += u2 * u2; }
      cpiv[k * P + q] = Math.sqrt(t2);
    }
  }
  function argmax(kc) {
    var best = -1, c = 0;
    for (var a = 0; a < kc; a++) {
      if (cmax[a] > best || (cmax[a] === best && carg[a] < c)) { best = cmax[a]; c = carg[a]; }
    }
    out.best = best; out.idx = c;
    return out;
  }
  function init(start) {
    addCentre(0, start);
    var so = start * d, all = new Int32Array(n), best = -1, bi = 0;
    for (var t = 0; t < n; t++) {
      var io = (lo + t) * d, acc = 0;
      for (var c = 0; c < d; c++) { var u = x[io + c] - x[so + c]; acc += u * u; }
      minD[t] = acc; all[t] = t;
      if (acc > best) { best = acc; bi = lo + t; }
    }
    members[0] = all; count[0] = n; cmax[0] = n ? best : 0; carg[0] = n ? bi : 0;
    return argmax(1);
  }
  function step(k, c) {
    addCentre(k, c);
    var co = c * d, ko = k * d, nMoved = 0;
    for (var a = 0; a < k; a++) {
      var r2 = cmax[a];
      if (count[a] === 0 || r2 === 0) continue;
      var bound = 4 * r2 * SLACK;
      var dn = cnorm[k] - cnorm[a];
      if (dn * dn > bound) continue;
      var far = false;
      for (var q = 0; q < P; q++) { var dp = cpiv[k * P + q] - cpiv[a * P + q]; if (dp * dp > bound) { far = true; break; } }
      if (far) continue;
      var ao = a * d, dc2 = 0;
      for (var j = 0; j < d;) {
        var end = j + CHUNK < d ? j + CHUNK : d;
        for (; j < end; j++) { var t1 = cx[ko + j] - cx[ao + j]; dc2 += t1 * t1; }
        if (dc2 > bound) break;
      }
      if (dc2 > bound) continue;
      var list = members[a], len = count[a], keep = 0, mx = -1, mi = 0;
      for (var t = 0; t < len; t++) {
        var li = list[t], md = minD[li];
        if (4 * md * SLACK >= dc2) {
          var io = (lo + li) * d, acc = 0;
          for (var q = 0; q < d;) {
            var e2 = q + CHUNK < d ? q + CHUNK : d;
            for (; q < e2; q++) { var w = x[io + q] - x[co + q]; acc += w * w; }
            if (acc >= md) break;
          }
          if (acc < md) { minD[li] = acc; movers[nMoved++] = li; continue; }
        }
        list[keep++] = li;
        var gi = lo + li;
        if (md > mx || (md === mx && gi < mi)) { mx = md; mi = gi; }
      }
      count[a] = keep; cmax[a] = keep ? mx : 0; carg[a] = keep ? mi : 0;
    }
    var mine = movers.slice(0, nMoved), mx2 = 0, mi2 = nMoved ? lo + mine[0] : 0;
    for (var s = 0; s < nMoved; s++) {
      var l2 = mine[s], g2 = lo + l2;
      if (minD[l2] > mx2 || (minD[l2] === mx2 && g2 < mi2)) { mx2 = minD[l2]; mi2 = g2; }
    }
    members[k] = mine; count[k] = nMoved; cmax[k] = mx2; carg[k] = mi2;
    return argmax(k + 1);
  }
  return { init: init, step: step };
}
`;

/** Control words: [0] generation, [1] centre row (-1 = stop), [2] pick number k, [3] unused, [4 + part] part's done generation (-1 = failed). */
const GEN = 0,
  CENTRE = 1,
  PICK = 2,
  DONE0 = 4;

const WORKER_SOURCE = `${KERNEL_SOURCE}
const { workerData } = require('node:worker_threads');
const w = workerData;
const x = new Float32Array(w.bank, w.byteOffset, w.length);
const ctrl = new Int32Array(w.ctrl);
const resV = new Float64Array(w.resV);
const resI = new Int32Array(w.resI);
const errBytes = new Uint8Array(w.err);
let part = null;
let gen = 0;
for (;;) {
  Atomics.wait(ctrl, ${GEN}, gen);
  gen = Atomics.load(ctrl, ${GEN});
  const c = ctrl[${CENTRE}], k = ctrl[${PICK}];
  if (c < 0) break;
  try {
    if (part === null) part = makePart(x, w.d, w.lo, w.hi, w.m);
    const r = k === 0 ? part.init(c) : part.step(k, c);
    resV[w.part] = r.best; resI[w.part] = r.idx;
    Atomics.store(ctrl, ${DONE0} + w.part, gen);
  } catch (e) {
    const msg = Buffer.from(String(e && e.stack || e)).subarray(0, errBytes.length - 1);
    errBytes.set(msg); errBytes[msg.length] = 0;
    Atomics.store(ctrl, ${DONE0} + w.part, -1);
  }
  Atomics.notify(ctrl, ${DONE0} + w.part);
}
`;

type Part = {
  init(start: number): { best: number; idx: number };
  step(k: number, c: number): { best: number; idx: number };
};
let makePartFn: ((x: Float32Array, d: number, lo: number, hi: number, m: number) => Part) | null = null;
function makePart(x: Float32Array, d: number, lo: number, hi: number, m: number): Part {
  makePartFn ??= new Function(`${KERNEL_SOURCE}\nreturn makePart;`)() as typeof makePartFn;
  return makePartFn!(x, d, lo, hi, m);
}

export interface ParallelKCenterOptions {
  /** Parts the rows are cut into (the calling thread runs one, workers the rest). @default os.availableParallelism() */
  parts?: number;
  /** Called after each pick with (picked so far, total picks). */
  onPick?: PickProgress;
}

/** The bank's values in a SharedArrayBuffer: the same array when it already is one, else one copy. */
export function toShared(data: Float32Array): Float32Array {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const s = new Float32Array(new SharedArrayBuffer(data.byteLength));
  s.set(data);
  return s;
}

/**
 * Exact greedy k-center over several cores: the same picks as kCenterBruteForce(p, m, start), the same arithmetic.
 * `p` is the (projected) bank, row-major float32; it is copied once into shared memory unless it already lives there.
 */
export async function kCenterParallel(
  p: Matrix,
  m: number,
  start: number,
  opts: ParallelKCenterOptions = {},
): Promise<Int32Array> {
  const n = p.rows,
    d = p.cols;
  if (p.data.length !== n * d)
    throw new InputError(`coreset bank: data length ${p.data.length} does not match shape ${n}x${d}`);
  if (!Number.isInteger(m) || m < 1 || m > n) throw new InputError(`coreset: cannot pick ${m} of ${n} rows`);
  if (!Number.isInteger(start) || start < 0 || start >= n)
    throw new InputError(`coreset: start row ${start} is outside [0, ${n})`);
  const parts = Math.min(opts.parts ?? availableParallelism(), n);
  if (!Number.isInteger(parts) || parts < 1)
    throw new OptionError(`coreset: parts must be a positive integer, got ${opts.parts}`);
  const onPick = opts.onPick;
  const picks = new Int32Array(m);
  picks[0] = start;
  onPick?.(1, m);
  if (m === 1) return picks;

  const x = toShared(p.data);
  const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * n) / parts));
  const ctrlBuf = new SharedArrayBuffer(4 * (DONE0 + parts));
  const ctrl = new Int32Array(ctrlBuf);
  const resVBuf = new SharedArrayBuffer(8 * parts),
    resIBuf = new SharedArrayBuffer(4 * parts);
  const resV = new Float64Array(resVBuf),
    resI = new Int32Array(resIBuf);
  const errBufs: SharedArrayBuffer[] = [];
  const workers: Worker[] = [];
  const exited: Promise<void>[] = [];
  for (let w = 1; w < parts; w++) {
    const err = new SharedArrayBuffer(2048);
    errBufs[w] = err;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        bank: x.buffer,
        byteOffset: x.byteOffset,
        length: x.length,
        d,
        lo: bounds[w],
        hi: bounds[w + 1],
        m,
        ctrl: ctrlBuf,
        resV: resVBuf,
        resI: resIBuf,
        err,
        part: w,
      },
    });
    workers.push(worker);
    exited.push(
      new Promise((resolve) => {
        worker.once('exit', () => resolve());
        worker.once('error', () => resolve());
      }),
    );
  }
  const main = makePart(x, d, bounds[0], bounds[1], m);
  let gen = 0;
  const round = (k: number, c: number): number => {
    ctrl[CENTRE] = c;
    ctrl[PICK] = k;
    gen = Atomics.add(ctrl, GEN, 1) + 1;
    Atomics.notify(ctrl, GEN);
    const r = k === 0 ? main.init(c) : main.step(k, c);
    let best = r.best,
      idx = r.idx;
    for (let w = 1; w < parts; w++) {
      for (;;) {
        const v = Atomics.load(ctrl, DONE0 + w);
        if (v === gen) break;
        if (v === -1) {
          const b = new Uint8Array(errBufs[w]);
          const end = b.indexOf(0);
          throw new Error(
            `coreset worker ${w} failed: ${Buffer.from(b.subarray(0, end < 0 ? b.length : end)).toString()}`,
          );
        }
        Atomics.wait(ctrl, DONE0 + w, v, 1000);
      }
      const bv = resV[w],
        bi = resI[w];
      if (bv > best || (bv === best && bi < idx)) {
        best = bv;
        idx = bi;
      }
    }
    return idx;
  };
  try {
    let c = round(0, start);
    for (let k = 1; k < m; k++) {
      picks[k] = c;
      onPick?.(k + 1, m);
      if (k + 1 < m) c = round(k, c);
    }
  } finally {
    ctrl[CENTRE] = -1;
    Atomics.add(ctrl, GEN, 1);
    Atomics.notify(ctrl, GEN);
    await Promise.all(exited);
  }
  return picks;
}
