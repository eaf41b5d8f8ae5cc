/**
 * A tiny WRN-shaped CNN as ONNX (the tests' stand-in for a user's export, and the "ONNX backbone" of the
 * class-similarity ablation, labelled there as a random-weight test net), built with the kit's own encoder: outputs named like the WideResNet50 export
 * (layer2 at stride 4, layer3 at stride 8, avgpool = global mean of a last stage, shape (N, C, 1, 1)).
 * Seeded random weights, so features depend on the image content. `badRank` makes layer3 a rank-3 tensor.
 */
import { buildOnnxModel, attr, OnnxNode } from '../../linalg/onnx-builder';
import { createRng } from '../../util/rng';

export function tinyCnnOnnx(
  opts: { badRank?: boolean; names?: { layer2: string; layer3: string; avgpool: string } } = {},
): Uint8Array {
  const n = opts.names ?? { layer2: 'layer2', layer3: 'layer3', avgpool: 'avgpool' };
  const rng = createRng('tiny-cnn');
  const w = (name: string, out: number, inp: number, k: number) => ({
    name,
    dims: [out, inp, k, k],
    data: Float32Array.from({ length: out * inp * k * k }, () => rng.uniform(-0.4, 0.4)),
  });
  const conv = (x: string, wName: string, y: string, k: number, stride: number): OnnxNode => ({
    opType: 'Conv',
    inputs: [x, wName],
    outputs: [y],
    attributes: {
      kernel_shape: attr.ints([k, k]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints(k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0]),
    },
  });
  const nodes: OnnxNode[] = [
    conv('input', 'w1', 'c1', 3, 2),
    { opType: 'Relu', inputs: ['c1'], outputs: ['r1'] },
    conv('r1', 'w2', 'c2', 3, 2),
    { opType: 'Relu', inputs: ['c2'], outputs: [n.layer2] },
    conv(n.layer2, 'w3', 'c3', 3, 2),
    { opType: 'Relu', inputs: ['c3'], outputs: ['l3'] },
    conv('l3', 'w4', 'c4', 1, 1),
    { opType: 'Relu', inputs: ['c4'], outputs: ['r4'] },
    { opType: 'GlobalAveragePool', inputs: ['r4'], outputs: [n.avgpool] },
  ];
  if (opts.badRank)
    nodes.push({
      opType: 'ReduceMean',
      inputs: ['l3'],
      outputs: [n.layer3],
      attributes: { axes: attr.ints([3]), keepdims: attr.int(0) },
    });
  else nodes.push({ opType: 'Identity', inputs: ['l3'], outputs: [n.layer3] });
  return buildOnnxModel({
    inputs: [{ name: 'input', elemType: 'float', dims: ['n', 3, 'h', 'w'] }],
    outputs: [
      { name: n.layer2, elemType: 'float', dims: ['n', 8, null, null] },
      { name: n.layer3, elemType: 'float', dims: opts.badRank ? ['n', 16, null] : ['n', 16, null, null] },
      { name: n.avgpool, elemType: 'float', dims: ['n', 16, 1, 1] },
    ],
    nodes,
    initializers: [w('w1', 8, 3, 3), w('w2', 8, 8, 3), w('w3', 16, 8, 3), w('w4', 16, 16, 1)],
  });
}
