import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectTfBackend } from '../../src/features/backend';
import { withFastestEngine } from '../../src/features/backbones/fastest-engine';
import { loadBundledBackbone } from '../../src/features/backbones/bundled';
import { TfjsBackbone } from '../../src/features/backbones/tfjs';
import { OrtLayersBackbone, kerasToOnnx } from '../../src/features/backbones/keras-to-onnx';
import { BackboneOutput } from '../../src/features/types';
import { createRng } from '../../src/util/rng';

function randomBatch(seed: number, n: number, s: number) {
  const rng = createRng(seed);
  const data = new Float32Array(n * s * s * 3);
  for (let i = 0; i < data.length; i++) data[i] = 2 * rng.next() - 1;
  return { data, count: n, height: s, width: s };
}

/** Largest |a - b| over every map and the embeddings, and the largest |a| (to see the scale). */
function compare(a: BackboneOutput, b: BackboneOutput, layers: readonly string[]): { diff: number; scale: number } {
  let diff = 0,
    scale = 0;
  for (let i = 0; i < a.layers.length; i++)
    for (const name of layers) {
      const x = a.layers[i][name],
        y = b.layers[i][name];
      assert.deepEqual([y.height, y.width, y.channels], [x.height, x.width, x.channels], name);
      for (let j = 0; j < x.data.length; j++) {
        diff = Math.max(diff, Math.abs(x.data[j] - y.data[j]));
        scale = Math.max(scale, Math.abs(x.data[j]));
      }
    }
  assert.deepEqual([b.embeddings.rows, b.embeddings.cols], [a.embeddings.rows, a.embeddings.cols]);
  for (let j = 0; j < a.embeddings.data.length; j++)
    diff = Math.max(diff, Math.abs(a.embeddings.data[j] - b.embeddings.data[j]));
  return { diff, scale };
}

test('bundled MobileNetV2 on onnxruntime = tfjs within 1e-4 (every tap of the cut, both embedding pools)', async () => {
  await selectTfBackend({ backend: 'wasm', quiet: true });
  const layers = ['block_3_expand_relu', 'block_5_add', 'block_6_expand_relu', 'block_10_project_BN'];
  const tb = await loadBundledBackbone({ patchLayers: layers });
  for (const pool of ['max', 'avg'] as const) {
    const spec = {
      model: tb.model as tf.LayersModel,
      id: tb.id,
      patchLayers: layers,
      embeddingLayer: 'block_10_expand_relu',
      embeddingPool: pool,
      inputNormalization: tb.inputNormalization,
    };
    const ref = new TfjsBackbone(spec);
    const ob = await OrtLayersBackbone.fromLayers(spec, { threads: 1 });
    assert.match(ob.engine, /^onnxruntime\/cpu/);
    assert.equal(ob.id, tb.id);
    const batch = randomBatch(pool === 'max' ? 1 : 2, 2, 72);
    const { diff, scale } = compare(await ref.extract(batch), await ob.extract(batch), layers);
    assert.ok(scale > 1, `the maps are not trivially small (${scale})`);
    assert.ok(diff <= 1e-4, `largest difference ${diff}`);
    ob.dispose();
  }
  tb.dispose();
});

test("nsfwjs InceptionV3 up to mixed5 (Concatenate, pooling, 'same'/'valid' convs, BN without scale) = tfjs within 1e-4", async () => {
  await selectTfBackend({ backend: 'wasm', quiet: true });
  const dir = path.join(path.dirname(require.resolve('nsfwjs')), '..', 'models', 'inception_v3');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { modelTopology, weightsManifest } = require(path.join(dir, 'model.min.js'));
  const parts: Buffer[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (let i = 1; i <= 6; i++) parts.push(Buffer.from(require(path.join(dir, `group1-shard${i}of6.min.js`)), 'base64'));
  const bin = Buffer.concat(parts);
  const weightSpecs = weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology,
      weightSpecs,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
    }),
    { strict: false },
  );
  const spec = {
    model,
    id: 'inception-test',
    patchLayers: ['mixed2', 'mixed5'],
    embeddingLayer: 'mixed5',
    embeddingPool: 'avg' as const,
    inputNormalization: 'mobilenet' as const,
  };
  const classes = new Set(kerasToOnnx(model, ['mixed5']).layers.map((n) => model.getLayer(n).getClassName()));
  for (const c of ['Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D', 'AveragePooling2D', 'Concatenate'])
    assert.ok(classes.has(c), c);
  const ob = await OrtLayersBackbone.fromLayers(spec);
  const batch = randomBatch(3, 1, 299); // the shipped topology fixes a 299 x 299 input
  const a = await new TfjsBackbone(spec).extract(batch);
  const b = await ob.extract(batch);
  assert.deepEqual(
    [b.layers[0].mixed2.height, b.layers[0].mixed2.channels, b.layers[0].mixed5.height, b.layers[0].mixed5.channels],
    [35, 288, 17, 768],
  );
  const { diff } = compare(a, b, spec.patchLayers);
  assert.ok(diff <= 1e-4, `largest difference ${diff}`);
  ob.dispose();
  model.dispose();
});

test('unsupported layers and bad outputs are OptionErrors naming them', () => {
  const input = tf.input({ shape: [8, 8, 3], name: 'img' });
  const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(input) as tf.SymbolicTensor;
  const conv = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'elu', name: 'c' })
    .apply(input) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: [up, conv] });
  assert.throws(() => kerasToOnnx(m, ['up']), /layer up is a UpSampling2D, which the converter does not support/);
  assert.throws(() => kerasToOnnx(m, ['c']), /layer c has activation "elu"/);
  assert.throws(() => kerasToOnnx(m, ['nope']), /layer "nope" is not in model/);
  m.dispose();
});

test('engine choice: auto picks onnxruntime over tfjs-wasm, tfjs when asked (also via the environment), and falls back on an unsupported graph', async () => {
  await selectTfBackend({ backend: 'wasm', quiet: true });
  const auto = await withFastestEngine(await loadBundledBackbone(), { quiet: true });
  assert.match(auto.engine, /^onnxruntime\//);
  auto.dispose();
  const tb = await loadBundledBackbone();
  assert.equal(await withFastestEngine(tb, { engine: 'tfjs', quiet: true }), tb);
  process.env.TAILEDCORE_BACKBONE_ENGINE = 'tfjs';
  try {
    assert.equal(await withFastestEngine(tb, { quiet: true }), tb);
  } finally {
    delete process.env.TAILEDCORE_BACKBONE_ENGINE;
  }
  await assert.rejects(withFastestEngine(tb, { engine: 'fast' as never }), /engine must be one of/);
  tb.dispose();
  const input = tf.input({ shape: [8, 8, 3], name: 'img2' });
  const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up2' }).apply(input) as tf.SymbolicTensor;
  const odd = new TfjsBackbone({
    model: tf.model({ inputs: input, outputs: up }),
    id: 'odd',
    patchLayers: ['up2'],
    embeddingLayer: 'up2',
    inputNormalization: 'mobilenet',
  });
  assert.equal(await withFastestEngine(odd, { quiet: true }), odd);
  await assert.rejects(withFastestEngine(odd, { engine: 'onnxruntime' }), /UpSampling2D/);
  odd.dispose();
});
