/**
 * The grouped top-k graph on a worker thread. onnxruntime-node runs a session synchronously on the calling thread, so
 * on the main thread the k-NN re-ranking could never overlap the GEMM; here the worker ranks one block while the main
 * thread re-ranks the previous one (and shifts the next, gatherShifted). The block's rows and half norms travel to the
 * worker and back as transferred buffers (no copy, no shared memory: onnxruntime refuses a SharedArrayBuffer). One
 * persistent worker per thread count, providers and spinning setting, unref'd (it never keeps the process alive) and
 * restarted after a failure.
 *
 * The worker is JavaScript source text (no TypeScript loader needed in the worker): topkOutputs below is a plain
 * function (no closures, no helpers) whose source text goes into the worker, so that both threads run the same code.
 * It is given the model bytes and the resolved path of onnxruntime-node.
 */
import { Worker } from 'node:worker_threads';
import { newWasmTopkState, topkRun, topkStage } from './wasm-topk';
import { OptionError } from '../util/errors';

/**
 * Groups [g0, g1) of x (member m of group g at x[m * ms + g * gs], d values), group-major into y (row (g - g0) * n + m),
 * each shifted to put its member 0 at the origin (distances do not change; the float32 error bound shrinks with the
 * norms). norm receives ||y||² (float64, of the float32 y), hn half of it in float32 (the graph subtracts it from the
 * products), maxNorm each group's largest.
 */
export function gatherShifted(
  x: Float32Array,
  ms: number,
  gs: number,
  n: number,
  d: number,
  g0: number,
  g1: number,
  y: Float32Array,
  hn: Float32Array,
  norm: Float64Array,
  maxNorm: Float64Array,
): void {
  for (let g = 0; g < g1 - g0; g++) maxNorm[g] = 0;
  for (let m = 0; m < n; m++) {
    for (let g = g0; g < g1; g++) {
      const src = m * ms + g * gs,
        mo = g * gs,
        dst = ((g - g0) * n + m) * d;
      // Four partial sums (the norm only feeds the bound and the float32 ranking, any float64 order will do).
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        c = 0;
      for (; c + 3 < d; c += 4) {
        const v0 = Math.fround(x[src + c] - x[mo + c]),
          v1 = Math.fround(x[src + c + 1] - x[mo + c + 1]),
          v2 = Math.fround(x[src + c + 2] - x[mo + c + 2]),
          v3 = Math.fround(x[src + c + 3] - x[mo + c + 3]);
        y[dst + c] = v0;
        y[dst + c + 1] = v1;
        y[dst + c + 2] = v2;
        y[dst + c + 3] = v3;
        s0 += v0 * v0;
        s1 += v1 * v1;
        s2 += v2 * v2;
        s3 += v3 * v3;
      }
      for (; c < d; c++) {
        const v = Math.fround(x[src + c] - x[mo + c]);
        y[dst + c] = v;
        s0 += v * v;
      }
      const s = s0 + s1 + (s2 + s3),
        r = (g - g0) * n + m;
      hn[r] = 0.5 * s;
      norm[r] = s;
      if (s > maxNorm[g - g0]) maxNorm[g - g0] = s;
    }
  }
}

/**
 * The graph's outputs as the caller's scores: values (q·b - ||b||²/2, in place) times -2 = ||q-b||² - ||q||² (a power
 * of two commutes with float32 rounding), and the int64 indices (< nb) as int32: their low words (little-endian, as on
 * every platform Node ships for), without a BigInt each. A plain function: its source text also runs in the worker.
 */
export function topkOutputs(values: Float32Array, big: BigInt64Array): Int32Array {
  for (let i = 0; i < values.length; i++) values[i] *= -2;
  const words = new Int32Array(big.buffer, big.byteOffset, big.length * 2);
  const indices = new Int32Array(big.length);
  for (let i = 0; i < indices.length; i++) indices[i] = words[2 * i];
  return indices;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
${topkOutputs.toString()}
${topkStage.toString()}
${topkRun.toString()}
const st = (${newWasmTopkState.toString()})();
let session = null;
// One block at a time (a run awaits): each message waits for the previous one.
let queue = Promise.resolve();
parentPort.on('message', (m) => {
  queue = queue.then(() => rank(m));
});
async function rank(m) {
  try {
    if (!session)
      session = await ort.InferenceSession.create(workerData.model, {
        intraOpNumThreads: workerData.threads,
        interOpNumThreads: 1,
        executionProviders: workerData.providers,
        graphOptimizationLevel: 'all',
        ...(workerData.spin ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
      });
    const { w, n, d, k, y, hn, kernel } = m;
    const rows = new ort.Tensor('float32', y, [w, n, d]);
    let values, indices;
    if (kernel) {
      // MatMul into the kernel's memory, then the WebAssembly selection (./wasm-topk.ts).
      const dots = topkStage(st, kernel.bytes, kernel.m, w, n, n, k, hn);
      await session.run({ q: rows, b: rows }, { dots: new ort.Tensor('float32', dots, [w, n, n]) });
      ({ values, indices } = topkRun(st, kernel.m, w, n, n, k));
    } else {
      const out = await session.run({
        q: rows,
        b: rows,
        hn: new ort.Tensor('float32', hn, [w, 1, n]),
        k: new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]),
      });
      values = out.values.data.slice();
      indices = topkOutputs(values, out.indices.data);
    }
    // The inputs go back too, for the next block.
    parentPort.postMessage({ id: m.id, values, indices, y, hn }, [values.buffer, indices.buffer, y.buffer, hn.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
}
`;

/** One ranked block: scores (ascending per row, kk per row), member numbers, and the block's inputs handed back. */
export interface WorkerBlockResult {
  values: Float32Array;
  indices: Int32Array;
  y: Float32Array;
  hn: Float32Array;
}

interface Pending {
  resolve: (r: WorkerBlockResult) => void;
  reject: (e: Error) => void;
}

interface Runner {
  worker: Worker;
  pending: Map<number, Pending>;
  nextId: number;
}

const runners = new Map<string, Runner>();

function runner(model: Uint8Array, threads: number, providers: string[], spin: boolean, wasm: boolean): Runner {
  const key = `${threads}|${providers.join(',')}|${spin}|${wasm}`;
  const r = runners.get(key);
  if (r) return r;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { model, threads, providers, spin, ortPath: require.resolve('onnxruntime-node') },
  });
  worker.unref();
  const fresh: Runner = { worker, pending: new Map(), nextId: 0 };
  const failAll = (e: Error) => {
    runners.delete(key);
    for (const p of fresh.pending.values()) p.reject(e);
    fresh.pending.clear();
  };
  worker.on('message', (m: Partial<WorkerBlockResult> & { id: number; error?: string }) => {
    const p = fresh.pending.get(m.id);
    if (!p) return;
    fresh.pending.delete(m.id);
    // An idle worker must not hold the process open: referenced only while a call is pending.
    if (fresh.pending.size === 0) worker.unref();
    if (m.error !== undefined) p.reject(new OptionError(`grouped k-NN worker: onnxruntime failed (${m.error})`));
    else p.resolve(m as WorkerBlockResult);
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`grouped k-NN worker exited (code ${code})`)));
  runners.set(key, fresh);
  return fresh;
}

/**
 * Ranks one block on the worker: y holds w groups of n shifted rows group-major (row g * n + m, d columns) and hn their
 * half squared norms (gatherShifted); both are transferred (unusable here until they come back in the result, which
 * also holds the k best scores of every row and their member numbers). With `kernel` (the WebAssembly selection's
 * bytes for its list length m), `model` is the MatMul alone and the kernel selects; else `model` ends in TopK.
 */
export function workerGroupedTopk(
  model: Uint8Array,
  settings: { threads: number; providers: string[]; spin: boolean },
  y: Float32Array,
  hn: Float32Array,
  shape: { w: number; n: number; d: number; k: number },
  kernel?: { bytes: Uint8Array; m: number },
): Promise<WorkerBlockResult> {
  const r = runner(model, settings.threads, settings.providers, settings.spin, !!kernel);
  const id = r.nextId++;
  return new Promise((resolve, reject) => {
    r.pending.set(id, { resolve, reject });
    r.worker.ref();
    r.worker.postMessage({ id, y, hn, kernel, ...shape }, [y.buffer as ArrayBuffer, hn.buffer as ArrayBuffer]);
  });
}
