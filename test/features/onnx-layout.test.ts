import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxBackbone } from '../../src/features/backbones/onnx';
import { atKeyPath, OptionError } from '../../src/util/errors';
import { tinyCnnOnnx } from './tiny-onnx';

test('layout "NHWC" on a model whose input is [n, 3, h, w] is named at creation, with the config key path', async () => {
  const model = tinyCnnOnnx();
  await assert.rejects(
    atKeyPath('features', () =>
      atKeyPath('backbone', () => OnnxBackbone.create({ model, layout: 'NHWC', intraOpNumThreads: 1 })),
    ),
    (e: unknown) =>
      e instanceof OptionError &&
      e.message ===
        'option features.backbone.layout is "NHWC", but the model\'s input "input" has shape [n, 3, h, w] (channels first: NCHW); set features.backbone.layout to "NCHW"',
  );
  const ok = await OnnxBackbone.create({ model, layout: 'NCHW', intraOpNumThreads: 1 });
  ok.dispose();
});
