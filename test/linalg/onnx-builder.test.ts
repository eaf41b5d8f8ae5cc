import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { buildOnnxModel, attr } from '../../src/linalg/onnx-builder';

const opts = { intraOpNumThreads: 1, interOpNumThreads: 1 };

test('a MatMul graph with a float initializer and a symbolic batch dim runs in onnxruntime', async () => {
  // y = x · W with W = [[1, 2], [3, 4], [5, 6]]: for x = [1, 0, -1] and [0, 1, 1] the answers are [-4, -4] and [8, 10].
  const bytes = buildOnnxModel({
    inputs: [{ name: 'x', elemType: 'float', dims: ['n', 3] }],
    outputs: [{ name: 'y', elemType: 'float', dims: ['n', 2] }],
    nodes: [{ opType: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
    initializers: [{ name: 'W', dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
  });
  const s = await ort.InferenceSession.create(bytes, opts);
  const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 0, -1, 0, 1, 1]), [2, 3]) });
  assert.deepEqual(out.y.dims, [2, 2]);
  assert.deepEqual(Array.from(out.y.data as Float32Array), [-4, -4, 8, 10]);
});

test('int, negative int, ints and float attributes, int64 initializers and int64 outputs encode correctly', async () => {
  // TopK(k=2, axis=-1, largest=0) of [[3, 1, 2]] -> values [1, 2], indices [1, 2]; then scaled by LeakyRelu(alpha) on -values.
  const bytes = buildOnnxModel({
    inputs: [{ name: 'x', elemType: 'float', dims: [null, 3] }],
    outputs: [
      { name: 'v', elemType: 'float', dims: [null, 2] },
      { name: 'i', elemType: 'int64', dims: [null, 2] },
      { name: 'neg', elemType: 'float', dims: [null, 2] },
      { name: 't', elemType: 'float', dims: [2, null] },
    ],
    nodes: [
      {
        opType: 'TopK',
        inputs: ['x', 'k'],
        outputs: ['v', 'i'],
        attributes: { axis: attr.int(-1), largest: attr.int(0), sorted: attr.int(1) },
      },
      { opType: 'Neg', inputs: ['v'], outputs: ['nv'] },
      { opType: 'LeakyRelu', inputs: ['nv'], outputs: ['neg'], attributes: { alpha: attr.float(0.5) } },
      { opType: 'Transpose', inputs: ['v'], outputs: ['t'], attributes: { perm: attr.ints([1, 0]) } },
    ],
    initializers: [{ name: 'k', dims: [1], data: BigInt64Array.from([2n]) }],
  });
  const s = await ort.InferenceSession.create(bytes, opts);
  const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([3, 1, 2]), [1, 3]) });
  assert.deepEqual(Array.from(out.v.data as Float32Array), [1, 2]);
  assert.deepEqual(Array.from(out.i.data as BigInt64Array), [1n, 2n]);
  assert.deepEqual(Array.from(out.neg.data as Float32Array), [-0.5, -1]);
  assert.deepEqual(out.t.dims, [2, 1]);
});

test('the builder refuses graphs with dangling names or mismatched initializers', () => {
  assert.throws(
    () =>
      buildOnnxModel({
        inputs: [{ name: 'x', elemType: 'float', dims: [1] }],
        outputs: [{ name: 'y', elemType: 'float', dims: [1] }],
        nodes: [{ opType: 'Add', inputs: ['x', 'nope'], outputs: ['y'] }],
      }),
    /reads 'nope'/,
  );
  assert.throws(
    () =>
      buildOnnxModel({
        inputs: [],
        outputs: [{ name: 'W', elemType: 'float', dims: [2] }],
        nodes: [],
        initializers: [{ name: 'W', dims: [3], data: new Float32Array(2) }],
      }),
    /has 2 values but dims \[3\]/,
  );
});

test('a tensor attribute (Constant node) and a string attribute encode correctly', async () => {
  // y = x + c with c a Constant [10, 20]; z = Pad(x, pads=[0, 1], mode='edge') repeats the last value.
  const bytes = buildOnnxModel({
    inputs: [{ name: 'x', elemType: 'float', dims: [2] }],
    outputs: [
      { name: 'y', elemType: 'float', dims: [2] },
      { name: 'z', elemType: 'float', dims: [3] },
    ],
    nodes: [
      {
        opType: 'Constant',
        inputs: [],
        outputs: ['c'],
        attributes: { value: attr.tensor({ name: 'cval', dims: [2], data: Float32Array.from([10, 20]) }) },
      },
      { opType: 'Add', inputs: ['x', 'c'], outputs: ['y'] },
      { opType: 'Pad', inputs: ['x', 'pads'], outputs: ['z'], attributes: { mode: attr.string('edge') } },
    ],
    initializers: [{ name: 'pads', dims: [2], data: BigInt64Array.from([0n, 1n]) }],
  });
  const s = await ort.InferenceSession.create(bytes, opts);
  const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]) });
  assert.deepEqual(Array.from(out.y.data as Float32Array), [11, 22]);
  assert.deepEqual(Array.from(out.z.data as Float32Array), [1, 2, 2]);
});
