/**
 * One onnxruntime graph for the k smallest squared-distance scores of many small point sets at once (the per-position
 * LOF runs one k-NN per patch position, a few hundred points each: one call per set costs more than its FLOPs):
 *
 *   scores  = MatMul(-2 q, bᵀ) + ||b||²     [G, nq, nb]   (batched over G groups; ||q-b||² - ||q||² per pair)
 *   values, indices = TopK(scores, k, axis=-1, largest=0)
 *
 * The scores only rank candidates; callers re-rank them exactly (./grouped-knn.ts).
 */
import { buildOnnxModel, attr } from './onnx-builder';
import { loadOrt, ortSession, OrtSettings } from './ort-engine';

function groupedTopkGraph(): Uint8Array {
  return buildOnnxModel({
    name: 'grouped_topk_smallest',
    inputs: [
      { name: 'q', elemType: 'float', dims: ['g', 'nq', 'd'] },
      { name: 'b', elemType: 'float', dims: ['g', 'nb', 'd'] },
      { name: 'bnorm', elemType: 'float', dims: ['g', 1, 'nb'] },
      { name: 'k', elemType: 'int64', dims: [1] },
    ],
    outputs: [
      { name: 'values', elemType: 'float', dims: ['g', 'nq', 'k'] },
      { name: 'indices', elemType: 'int64', dims: ['g', 'nq', 'k'] },
    ],
    initializers: [{ name: 'minus2', dims: [], data: Float32Array.of(-2) }],
    nodes: [
      // Scaling by -2 is exact in float32, so the scores are those of Gemm(alpha=-2) in ./ort-engine.ts.
      { opType: 'Mul', inputs: ['q', 'minus2'], outputs: ['q2'] },
      { opType: 'Transpose', inputs: ['b'], outputs: ['bt'], attributes: { perm: attr.ints([0, 2, 1]) } },
      { opType: 'MatMul', inputs: ['q2', 'bt'], outputs: ['dots'] },
      { opType: 'Add', inputs: ['dots', 'bnorm'], outputs: ['scores'] },
      {
        opType: 'TopK',
        inputs: ['scores', 'k'],
        outputs: ['values', 'indices'],
        attributes: { axis: attr.int(-1), largest: attr.int(0), sorted: attr.int(1) },
      },
    ],
  });
}

/**
 * For each of g groups and each query row, the k smallest ||b||² - 2 q·b over that group's bank rows (ascending) and
 * their row indices in the group. q: g x nq x d, b: g x nb x d, bnorm: g x nb (row-major; subarray views are fine).
 * `q` and `b` may be the same array.
 */
export async function ortGroupedTopk(
  q: Float32Array,
  b: Float32Array,
  bnorm: Float32Array,
  shape: { g: number; nq: number; nb: number; d: number; k: number },
  s: OrtSettings,
): Promise<{ values: Float32Array; indices: BigInt64Array }> {
  const ort = loadOrt()!;
  const { g, nq, nb, d, k } = shape;
  const sess = await ortSession('grouped-topk', groupedTopkGraph, s);
  const out = await sess.run({
    q: new ort.Tensor('float32', q, [g, nq, d]),
    b: new ort.Tensor('float32', b, [g, nb, d]),
    bnorm: new ort.Tensor('float32', bnorm, [g, 1, nb]),
    k: new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]),
  });
  return { values: out.values.data as Float32Array, indices: out.indices.data as BigInt64Array };
}
