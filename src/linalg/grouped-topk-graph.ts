/**
 * One onnxruntime graph for the k smallest squared-distance scores of many small point sets at once (the per-position
 * LOF runs one k-NN per patch position, a few hundred points each: one call per set costs more than its FLOPs):
 *
 *   half    = MatMul(q, bᵀ)      [G, nq, nb]   (batched over G groups)
 *   values, indices = TopK(half, k, axis=-1, largest=1)
 *
 * with rows augmented by the caller: q = [point, 1], b = [point, -||point||²/2], so half = q·b - ||b||²/2 comes out of
 * the product itself (no pass over the score block to add the norms). Returned as scores = -2 half = ||q-b||² - ||q||²
 * (scaling by a power of two commutes with float32 rounding).
 *
 * The scores only rank candidates; callers re-rank them exactly (./grouped-knn.ts).
 */
import { buildOnnxModel, attr } from './onnx-builder';
import { availableParallelism } from 'node:os';
import { loadOrt, ortSession, resolveDevice, OrtSettings } from './ort-engine';
import { workerGroupedTopk } from './grouped-topk-worker';
import { OptionError } from '../util/errors';

function groupedTopkGraph(): Uint8Array {
  return buildOnnxModel({
    name: 'grouped_topk_smallest',
    inputs: [
      { name: 'q', elemType: 'float', dims: ['g', 'nq', 'd'] },
      { name: 'b', elemType: 'float', dims: ['g', 'nb', 'd'] },
      { name: 'k', elemType: 'int64', dims: [1] },
    ],
    outputs: [
      { name: 'values', elemType: 'float', dims: ['g', 'nq', 'k'] },
      { name: 'indices', elemType: 'int64', dims: ['g', 'nq', 'k'] },
    ],
    nodes: [
      { opType: 'Transpose', inputs: ['b'], outputs: ['bt'], attributes: { perm: attr.ints([0, 2, 1]) } },
      { opType: 'MatMul', inputs: ['q', 'bt'], outputs: ['scores'] },
      {
        opType: 'TopK',
        inputs: ['scores', 'k'],
        outputs: ['values', 'indices'],
        attributes: { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) },
      },
    ],
  });
}

/**
 * For each of g groups and each query row, the k smallest ||b||² - 2 q·b over that group's bank rows (ascending) and
 * their row indices in the group, from augmented rows (above; d counts the extra column). q: g x nq x d,
 * b: g x nb x d (row-major; subarray views are fine). With `worker`, the call runs on a worker thread
 * (./grouped-topk-worker.ts); with `transfer` too, the buffers of q and b are handed over to it (do not reuse them).
 */
export async function ortGroupedTopk(
  q: Float32Array,
  b: Float32Array,
  shape: { g: number; nq: number; nb: number; d: number; k: number },
  s: OrtSettings & { worker?: boolean; transfer?: boolean },
): Promise<{ values: Float32Array; indices: Int32Array; inputs: ArrayBuffer[] }> {
  const ort = loadOrt();
  if (!ort)
    throw new OptionError("engine 'ort' was asked for but onnxruntime-node does not load here; use engine: 'js'");
  const { g, nq, nb, d, k } = shape;
  let out: { values: Float32Array; indices: BigInt64Array; inputs?: ArrayBuffer[] };
  if (s.worker) {
    const threads = s.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1)
      throw new OptionError(`threads must be a positive integer, got ${threads}`);
    const providers = resolveDevice(s.device) === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
    model ??= groupedTopkGraph();
    out = await workerGroupedTopk(model, threads, providers, q, b, shape, s.transfer ?? false);
  } else {
    const sess = await ortSession('grouped-topk', groupedTopkGraph, s);
    const r = await sess.run({
      q: new ort.Tensor('float32', q, [g, nq, d]),
      b: new ort.Tensor('float32', b, [g, nb, d]),
      k: new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]),
    });
    out = { values: r.values.data as Float32Array, indices: r.indices.data as BigInt64Array };
  }
  const values = out.values;
  for (let i = 0; i < values.length; i++) values[i] *= -2;
  // int64 indices < nb: their low words (little-endian, as on every platform Node ships for), without a BigInt each.
  const big = out.indices;
  const words = new Int32Array(big.buffer, big.byteOffset, big.length * 2);
  const indices = new Int32Array(big.length);
  for (let i = 0; i < indices.length; i++) indices[i] = words[2 * i];
  return { values, indices, inputs: out.inputs ?? [] };
}

let model: Uint8Array | undefined;
