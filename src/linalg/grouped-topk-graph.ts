/**
 * One onnxruntime graph for the k smallest squared-distance scores of many small point sets at once (the per-position
 * LOF runs one k-NN per patch position, a few hundred points each: one call per set costs more than its FLOPs):
 *
 *   half    = MatMul(q, bᵀ) - hn   [G, nq, nb]   (batched over G groups; hn = ||b||²/2, [G, 1, nb])
 *   values, indices = TopK(half, k, axis=-1, largest=1)
 *
 * so half = q·b - ||b||²/2, returned as scores = -2 half = ||q-b||² - ||q||² (scaling by a power of two commutes with
 * float32 rounding). The half norms are subtracted after the product, not carried in an augmented column: one copy
 * of the rows serves as q and b on the worker, and the product's inner dimension stays the rows' own.
 *
 * With `topk: 'wasm'` (the default where WebAssembly validates) the graph stops at the MatMul, writing into the
 * memory of a WebAssembly SIMD kernel (./wasm-topk.ts) that subtracts the half norms and selects the same k (ties by
 * lower index, NaN last): onnxruntime's TopK took about half of this stage.
 *
 * The scores only rank candidates; callers re-rank them exactly (./grouped-knn.ts).
 */
import { buildOnnxModel, attr } from './onnx-builder';
import { availableParallelism } from 'node:os';
import { loadOrt, ortSession, resolveDevice, OrtSettings } from './ort-engine';
import { workerGroupedTopk, topkOutputs, WorkerBlockResult } from './grouped-topk-worker';
import {
  newWasmTopkState,
  WasmTopkState,
  topkLevels,
  topkModuleBytes,
  topkRun,
  topkStage,
  wasmTopkSupported,
} from './wasm-topk';
import { OptionError } from '../util/errors';

function groupedTopkGraph(): Uint8Array {
  return buildOnnxModel({
    name: 'grouped_topk_smallest',
    inputs: [
      { name: 'q', elemType: 'float', dims: ['g', 'nq', 'd'] },
      { name: 'b', elemType: 'float', dims: ['g', 'nb', 'd'] },
      { name: 'hn', elemType: 'float', dims: ['g', 1, 'nb'] },
      { name: 'k', elemType: 'int64', dims: [1] },
    ],
    outputs: [
      { name: 'values', elemType: 'float', dims: ['g', 'nq', 'k'] },
      { name: 'indices', elemType: 'int64', dims: ['g', 'nq', 'k'] },
    ],
    nodes: [
      { opType: 'Transpose', inputs: ['b'], outputs: ['bt'], attributes: { perm: attr.ints([0, 2, 1]) } },
      { opType: 'MatMul', inputs: ['q', 'bt'], outputs: ['dots'] },
      { opType: 'Sub', inputs: ['dots', 'hn'], outputs: ['scores'] },
      {
        opType: 'TopK',
        inputs: ['scores', 'k'],
        outputs: ['values', 'indices'],
        attributes: { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) },
      },
    ],
  });
}

/** MatMul(q, bᵀ) alone, [G, nq, nb]: the products, for the WebAssembly selection. */
function groupedProductGraph(): Uint8Array {
  return buildOnnxModel({
    name: 'grouped_products',
    inputs: [
      { name: 'q', elemType: 'float', dims: ['g', 'nq', 'd'] },
      { name: 'b', elemType: 'float', dims: ['g', 'nb', 'd'] },
    ],
    outputs: [{ name: 'dots', elemType: 'float', dims: ['g', 'nq', 'nb'] }],
    nodes: [
      { opType: 'Transpose', inputs: ['b'], outputs: ['bt'], attributes: { perm: attr.ints([0, 2, 1]) } },
      { opType: 'MatMul', inputs: ['q', 'bt'], outputs: ['dots'] },
    ],
  });
}

/**
 * Which selection a setting asks for (an OptionError for anything else): by default 'wasm' on the CPU where it
 * validates, 'ort' on CUDA (TopK there keeps the products on the device; the preallocated host output is untested).
 */
export function topkMode(s: GroupedWorkerSettings): 'wasm' | 'ort' {
  const t = s.topk ?? (wasmTopkSupported() && resolveDevice(s.device) === 'cpu' ? 'wasm' : 'ort');
  if (t !== 'wasm' && t !== 'ort') throw new OptionError(`topk must be 'wasm' or 'ort', got '${String(t)}'`);
  if (t === 'wasm' && !wasmTopkSupported())
    throw new OptionError("topk 'wasm' was asked for but this runtime has no WebAssembly SIMD; use topk: 'ort'");
  return t;
}

/** The WebAssembly kernel's bytes per list length m (a few hundred bytes each). */
const kernels: Uint8Array[] = [];
const kernelBytes = (m: number): Uint8Array => (kernels[m] ??= topkModuleBytes(m));
/** Kernel memories of this thread, one per call in flight (the caller launches the next block before reading one). */
const idleStates: WasmTopkState[] = [];

/**
 * For each of g groups and each query row, the k smallest ||b||² - 2 q·b over that group's bank rows (ascending) and
 * their row indices in the group. q: g x nq x d, b: g x nb x d, hn: g x nb, the bank rows' ||b||²/2 (row-major;
 * subarray views are fine). Runs on the calling thread.
 */
export async function ortGroupedTopk(
  q: Float32Array,
  b: Float32Array,
  hn: Float32Array,
  shape: { g: number; nq: number; nb: number; d: number; k: number },
  s: OrtSettings,
): Promise<{ values: Float32Array; indices: Int32Array }> {
  const ort = loadOrt();
  if (!ort)
    throw new OptionError("engine 'ort' was asked for but onnxruntime-node does not load here; use engine: 'js'");
  const { g, nq, nb, d, k } = shape;
  if (topkMode(s) === 'wasm') {
    const m = topkLevels(k);
    const sess = await ortSession('grouped-products', groupedProductGraph, s);
    const st = idleStates.pop() ?? newWasmTopkState();
    try {
      const dots = topkStage(st, kernelBytes(m), m, g, nq, nb, k, hn);
      await sess.run(
        { q: new ort.Tensor('float32', q, [g, nq, d]), b: new ort.Tensor('float32', b, [g, nb, d]) },
        { dots: new ort.Tensor('float32', dots, [g, nq, nb]) },
      );
      return topkRun(st, m, g, nq, nb, k);
    } finally {
      idleStates.push(st);
    }
  }
  const sess = await ortSession('grouped-topk', groupedTopkGraph, s);
  const r = await sess.run({
    q: new ort.Tensor('float32', q, [g, nq, d]),
    b: new ort.Tensor('float32', b, [g, nb, d]),
    hn: new ort.Tensor('float32', hn, [g, 1, nb]),
    k: new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]),
  });
  const values = r.values.data as Float32Array;
  return { values, indices: topkOutputs(values, r.indices.data as BigInt64Array) };
}

/** Settings of the worker path: onnxruntime's intra-op threads there, and whether its thread pool may spin. */
export interface GroupedWorkerSettings extends OrtSettings {
  /**
   * Let onnxruntime's intra-op threads spin after each run (its default). Off here: the calling thread re-ranks while
   * the worker ranks, and spinning threads take its core. @default false
   */
  spin?: boolean;
  /**
   * The selection of each row's candidates: 'wasm' runs onnxruntime's MatMul alone and a WebAssembly SIMD kernel
   * (./wasm-topk.ts) for the rest; 'ort' the whole graph, TopK included. The same candidates either way, up to ties at
   * the k-th score (the re-ranking makes the results identical). @default 'wasm' on the CPU where WebAssembly SIMD
   * validates, else 'ort'
   */
  topk?: 'wasm' | 'ort';
}

/**
 * The same ranking for w whole groups on the worker thread (./grouped-topk-worker.ts): y holds their shifted rows
 * group-major (w x n x d) and hn their half squared norms (gatherShifted), on plain ArrayBuffers of their own, which
 * are transferred to the worker and come back in the result. Threads default to one fewer than the cores (the
 * calling thread re-ranks meanwhile), at least one.
 */
export function ortGroupedTopkOnWorker(
  y: Float32Array,
  hn: Float32Array,
  shape: { w: number; n: number; d: number; k: number },
  s: GroupedWorkerSettings,
): Promise<WorkerBlockResult> {
  if (!loadOrt())
    throw new OptionError("engine 'ort' was asked for but onnxruntime-node does not load here; use engine: 'js'");
  const threads = s.threads ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(threads) || threads < 1)
    throw new OptionError(`threads must be a positive integer, got ${threads}`);
  const providers = resolveDevice(s.device) === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
  const settings = { threads, providers, spin: s.spin ?? false };
  if (topkMode(s) === 'wasm') {
    productModel ??= groupedProductGraph();
    const m = topkLevels(shape.k);
    return workerGroupedTopk(productModel, settings, y, hn, shape, { bytes: kernelBytes(m), m });
  }
  model ??= groupedTopkGraph();
  return workerGroupedTopk(model, settings, y, hn, shape);
}

let model: Uint8Array | undefined, productModel: Uint8Array | undefined;
