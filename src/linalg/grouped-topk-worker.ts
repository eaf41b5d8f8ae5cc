/**
 * The grouped top-k graph on a worker thread. onnxruntime-node runs a session synchronously on the calling thread, so
 * on the main thread the k-NN re-ranking could never overlap the GEMM; here the main thread gathers and re-ranks one
 * block while the worker's onnxruntime threads rank the next. One persistent worker per thread count and providers,
 * unref'd (it never keeps the process alive) and restarted after a failure.
 *
 * The worker is JavaScript source text (no TypeScript loader needed in the worker), given the model bytes and the
 * resolved path of onnxruntime-node.
 */
import { Worker } from 'node:worker_threads';
import { OptionError } from '../util/errors';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
let session = null;
parentPort.on('message', async (m) => {
  try {
    if (!session)
      session = await ort.InferenceSession.create(workerData.model, {
        intraOpNumThreads: workerData.threads,
        interOpNumThreads: 1,
        executionProviders: workerData.providers,
        graphOptimizationLevel: 'all',
      });
    const { g, nq, nb, d, k } = m.shape;
    const out = await session.run({
      q: new ort.Tensor('float32', m.q, [g, nq, d]),
      b: new ort.Tensor('float32', m.b, [g, nb, d]),
      k: new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]),
    });
    const values = out.values.data.slice();
    const indices = out.indices.data.slice();
    // The inputs go back too (m.transfer), for the caller to reuse: no fresh pages for every block.
    const back = m.transfer ? [...new Set([m.q.buffer, m.b.buffer])] : [];
    parentPort.postMessage({ id: m.id, values, indices, inputs: back }, [values.buffer, indices.buffer, ...back]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Pending {
  resolve: (r: { values: Float32Array; indices: BigInt64Array; inputs: ArrayBuffer[] }) => void;
  reject: (e: Error) => void;
}

interface Runner {
  worker: Worker;
  pending: Map<number, Pending>;
  nextId: number;
}

const runners = new Map<string, Runner>();

function runner(model: Uint8Array, threads: number, providers: string[]): Runner {
  const key = `${threads}|${providers.join(',')}`;
  const r = runners.get(key);
  if (r) return r;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { model, threads, providers, ortPath: require.resolve('onnxruntime-node') },
  });
  worker.unref();
  const fresh: Runner = { worker, pending: new Map(), nextId: 0 };
  const failAll = (e: Error) => {
    runners.delete(key);
    for (const p of fresh.pending.values()) p.reject(e);
    fresh.pending.clear();
  };
  worker.on(
    'message',
    (m: { id: number; values?: Float32Array; indices?: BigInt64Array; inputs?: ArrayBuffer[]; error?: string }) => {
      const p = fresh.pending.get(m.id);
      if (!p) return;
      fresh.pending.delete(m.id);
      // An idle worker must not hold the process open: referenced only while a call is pending.
      if (fresh.pending.size === 0) worker.unref();
      if (m.error !== undefined) p.reject(new OptionError(`grouped k-NN worker: onnxruntime failed (${m.error})`));
      else p.resolve({ values: m.values!, indices: m.indices!, inputs: m.inputs ?? [] });
    },
  );
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`grouped k-NN worker exited (code ${code})`)));
  runners.set(key, fresh);
  return fresh;
}

/**
 * Runs the grouped top-k graph (`model`) on the worker. `transfer` hands the buffers of q and b to the worker (the
 * caller must not use them afterwards); they come back in `inputs`, free for reuse.
 */
export function workerGroupedTopk(
  model: Uint8Array,
  threads: number,
  providers: string[],
  q: Float32Array,
  b: Float32Array,
  shape: { g: number; nq: number; nb: number; d: number; k: number },
  transfer: boolean,
): Promise<{ values: Float32Array; indices: BigInt64Array; inputs: ArrayBuffer[] }> {
  const r = runner(model, threads, providers);
  const id = r.nextId++;
  return new Promise((resolve, reject) => {
    r.pending.set(id, { resolve, reject });
    r.worker.ref();
    const list = transfer ? [...new Set([q.buffer as ArrayBuffer, b.buffer as ArrayBuffer])] : [];
    r.worker.postMessage({ id, q, b, shape, transfer }, list);
  });
}
