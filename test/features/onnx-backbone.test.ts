import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOnnxModel, attr } from '../../src/linalg/onnx-builder';
import { OnnxBackbone } from '../../src/features/backbones/onnx';
import { FeatureExtractor } from '../../src/features/extractor';
import { OptionError } from '../../src/util/errors';

/**
 * A WRN-shaped toy: layer2 = Relu(Conv1x1(x; W2)), layer3 = Conv1x1 stride 2 (layer2; W3), avgpool = mean of layer3
 * over H, W (keepdims, like torchvision's avgpool). Fixed weights, so every output is hand-checkable.
 */
const W2 = Float32Array.from([1, 0, 0, 0, 1, 0, -1, -1, 0]); // 3 out x 3 in: r, g, -(r+g)
const W3 = Float32Array.from([1, 1, 1, 0, 0, 2]); // 2 out x 3 in: sum, 2*third
function toyModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'input', elemType: 'float', dims: ['n', 3, 'h', 'w'] }],
    outputs: [
      { name: 'layer2', elemType: 'float', dims: ['n', 3, 'h', 'w'] },
      { name: 'layer3', elemType: 'float', dims: ['n', 2, null, null] },
      { name: 'avgpool', elemType: 'float', dims: ['n', 2, 1, 1] },
    ],
    nodes: [
      { opType: 'Conv', inputs: ['input', 'W2'], outputs: ['c2'], attributes: { kernel_shape: attr.ints([1, 1]) } },
      { opType: 'Relu', inputs: ['c2'], outputs: ['layer2'] },
      {
        opType: 'Conv',
        inputs: ['layer2', 'W3'],
        outputs: ['layer3'],
        attributes: { kernel_shape: attr.ints([1, 1]), strides: attr.ints([2, 2]) },
      },
      {
        opType: 'ReduceMean',
        inputs: ['layer3'],
        outputs: ['avgpool'],
        attributes: { axes: attr.ints([2, 3]), keepdims: attr.int(1) },
      },
    ],
    initializers: [
      { name: 'W2', dims: [3, 3, 1, 1], data: W2 },
      { name: 'W3', dims: [2, 3, 1, 1], data: W3 },
    ],
  });
}

test('OnnxBackbone: NHWC batch in, NCHW model, HWC maps and the avgpool embedding out (hand-checked)', async () => {
  const bb = await OnnxBackbone.create({ model: toyModel(), intraOpNumThreads: 1 });
  assert.match(bb.id, /^onnx:[0-9a-f]{12}$/);
  assert.equal(bb.inputNormalization, 'imagenet');
  // one 2x2 image, NHWC: pixel (y,x) = (r, g, b)
  const px = [
    [1, 2, 9],
    [3, -5, 9],
    [-4, 1, 9],
    [2, 2, 9],
  ];
  const out = await bb.extract({ data: Float32Array.from(px.flat()), count: 1, height: 2, width: 2 });
  const l2 = out.layers[0].layer2;
  assert.deepEqual([l2.height, l2.width, l2.channels], [2, 2, 3]);
  // Relu(r), Relu(g), Relu(-(r+g)) per pixel, HWC
  assert.deepEqual([...l2.data], [1, 2, 0, 3, 0, 2, 0, 1, 3, 2, 2, 0]);
  const l3 = out.layers[0].layer3; // stride 2 keeps pixel (0,0): [1+2+0, 2*0]
  assert.deepEqual([l3.height, l3.width, l3.channels, ...l3.data], [1, 1, 2, 3, 0]);
  assert.deepEqual([...out.embeddings.data], [3, 0]);
  bb.dispose();
});

test('OnnxBackbone names missing outputs and missing files', async () => {
  await assert.rejects(
    OnnxBackbone.create({ model: toyModel(), patchOutputs: ['layer2', 'layer4'] }),
    (e: Error) => e instanceof OptionError && /layer4.*outputs: layer2, layer3, avgpool/.test(e.message),
  );
  await assert.rejects(
    OnnxBackbone.create({ model: '/nonexistent/wrn50.onnx' }),
    /ONNX model not found: "\/nonexistent\/wrn50.onnx"/,
  );
});

test('FeatureExtractor runs an ONNX backbone: grid from layer2, layer3 aligned to it, default targetDim 1024', async () => {
  const bb = await OnnxBackbone.create({ model: toyModel(), intraOpNumThreads: 1 });
  const fx = await FeatureExtractor.create({ backbone: bb, resize: 16, crop: 16, quiet: true });
  const info = fx.describe();
  assert.deepEqual([info.gridH, info.gridW, info.targetDim, info.embedDim], [16, 16, 1024, 2]);
  assert.deepEqual(info.layerShapes.layer3, [8, 8, 2]);
  const img = { data: new Uint8Array(20 * 16 * 3).fill(200), width: 20, height: 16 };
  const fs = await fx.extractImages([img]);
  await assert.rejects(FeatureExtractor.create({ backbone: bb, backend: 'cpu' }), /selectTfBackend/);
  assert.equal(fs.patches.rows, 256);
  assert.ok(fs.patches.data.every(Number.isFinite));
  fx.dispose();
});
