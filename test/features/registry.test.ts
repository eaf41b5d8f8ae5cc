import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  parseBackboneSpec,
  loadBackbone,
  checkBackbone,
  backboneNames,
  registerBackbone,
  DEFAULT_BACKBONE,
} from '../../src/features/backbones/registry';
import { OnnxBackbone } from '../../src/features/backbones/onnx';
import { InputError, OptionError } from '../../src/util/errors';
import { writeTinyCnn, tinyCnnOnnx } from './tiny-onnx';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tc-reg-'));

test('parseBackboneSpec: bundled names, ONNX specs with the WRN50 defaults, strict keys', () => {
  assert.equal(parseBackboneSpec('mobilenetv2'), 'mobilenetv2');
  assert.equal(backboneNames()[0], DEFAULT_BACKBONE);
  assert.deepEqual(parseBackboneSpec({ onnx: 'wrn50.onnx' }), {
    onnx: 'wrn50.onnx',
    patchLayers: ['layer2', 'layer3'],
    embeddingLayer: 'avgpool',
    executionProviders: ['cpu'],
  });
  assert.deepEqual(
    parseBackboneSpec({ onnx: 'm.onnx', patchLayers: ['a'], embeddingLayer: 'e', executionProviders: ['cuda', 'cpu'] }),
    { onnx: 'm.onnx', patchLayers: ['a'], embeddingLayer: 'e', executionProviders: ['cuda', 'cpu'] },
  );
  assert.throws(
    () => parseBackboneSpec('resnet18', 'features.backbone'),
    (e: Error) =>
      e instanceof OptionError &&
      /features.backbone: unknown backbone "resnet18" \(bundled: mobilenetv2/.test(e.message),
  );
  assert.throws(
    () => parseBackboneSpec({ onnx: 'm.onnx', patchLayer: ['a'] }),
    /unknown key "patchLayer" \(known keys: onnx, patchLayers/,
  );
  assert.throws(() => parseBackboneSpec({ patchLayers: ['a'] }), /\.onnx must be the path/);
  assert.throws(() => parseBackboneSpec({ onnx: 'm.onnx', patchLayers: [] }), /patchLayers must be a non-empty list/);
  assert.throws(() => parseBackboneSpec(42), /must be a bundled backbone name/);
});

test('registerBackbone adds a name that parse and load then accept', async () => {
  const model = tinyCnnOnnx();
  registerBackbone('tiny-test', {
    description: 'test net',
    engine: 'onnx',
    load: () => OnnxBackbone.create({ model, intraOpNumThreads: 1 }),
  });
  assert.ok(backboneNames().includes('tiny-test'));
  const bb = await loadBackbone('tiny-test');
  assert.deepEqual([...bb.patchLayers, bb.embeddingLayer], ['layer2', 'layer3', 'avgpool']);
  bb.dispose();
  assert.throws(
    () => registerBackbone('Bad Name', { description: '', engine: 'onnx', load: () => OnnxBackbone.create({ model }) }),
    /must be lower-case/,
  );
});

test('checkBackbone (preflight): shapes at the crop size; missing file, wrong output name, wrong rank are clear errors', async () => {
  const dir = tmp();
  const good = writeTinyCnn(path.join(dir, 'tiny.onnx'));
  const c = await checkBackbone({ onnx: good, intraOpNumThreads: 1 }, { crop: 32 });
  assert.deepEqual(c.layerShapes, { layer2: [8, 8, 8], layer3: [4, 4, 16] });
  assert.equal(c.embedDim, 16);
  await assert.rejects(
    checkBackbone({ onnx: path.join(dir, 'none.onnx') }, { crop: 32 }),
    (e: Error) => e instanceof InputError && /ONNX model not found: .*none\.onnx.*export-wrn50\.py/.test(e.message),
  );
  await assert.rejects(
    checkBackbone({ onnx: good, patchLayers: ['layer2', 'layer4'] }, { crop: 32 }),
    (e: Error) =>
      e instanceof OptionError &&
      /output "layer4" is not in the model \(outputs: layer2, layer3, avgpool\)/.test(e.message),
  );
  await assert.rejects(
    checkBackbone({ onnx: good, embeddingLayer: 'fc' }, { crop: 32 }),
    /output "fc" is not in the model/,
  );
  const bad = writeTinyCnn(path.join(dir, 'bad.onnx'), { badRank: true });
  await assert.rejects(
    checkBackbone({ onnx: bad }, { crop: 32 }),
    (e: Error) => e instanceof OptionError && /patch output "layer3" has rank 3 \(\[n, 16, /.test(e.message),
  );
  // an embedding used as a patch layer: rank 4 but 1x1, and listed first it is coarser than layer2
  await assert.rejects(checkBackbone({ onnx: good, patchLayers: ['avgpool', 'layer2'] }, { crop: 32 }), /finest first/);
  await assert.rejects(loadBackbone({ onnx: good }, { backend: 'wasm' }), /executionProviders/);
});
