import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import {
  BUNDLED_NETS,
  loadVendoredModel,
  ImageEmbedder,
  KIT_DEFAULT_EMBEDDING,
} from '../../src/features/embedding-pass';
import { cutNsfwjsModel } from '../../src/features/backbones/nsfwjs-cut';
import { selectTfBackend } from '../../src/features/backend';
import { InputError } from '../../src/util/errors';

/** The vendored weights, pinned: a change of bytes must be deliberate (and re-measured). */
const PINNED_SHA256: Record<string, string> = {
  mobilenetv2: 'd5e07e62dcd7ffc1ff81a260f5d30e9b28d4acee9649b11ba278252a10e404e5',
  inceptionv3: 'a6ca5f43cbf836b2f67654cf2b9266faf8289bf41df82229210e44618c8f8340',
};

test('vendored nets: sha256 pinned, equal to a fresh cut of nsfwjs, only frozen (trainable=false) layers', () => {
  for (const [name, sha] of Object.entries(PINNED_SHA256)) {
    const dir = BUNDLED_NETS[name as keyof typeof BUNDLED_NETS].dir;
    const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
    assert.equal(crypto.createHash('sha256').update(bin).digest('hex'), sha, name);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.equal(json.provenance.weightsSha256, sha);
    for (const l of json.modelTopology.model_config.config.layers.slice(1))
      assert.equal(l.config.trainable, false, `${name}: ${l.name}`);
  }
  const mn = cutNsfwjsModel('mobilenet_v2', 'block_10_project_BN', 'x');
  assert.equal(mn.sha256, PINNED_SHA256.mobilenetv2);
  const inc = cutNsfwjsModel('inception_v3', 'mixed5', 'x');
  assert.equal(inc.sha256, PINNED_SHA256.inceptionv3);
  assert.equal(inc.layerCount, 165);
  // Cutting into nsfwjs's fine-tuned part is refused (MobileNetV2 from block_11, InceptionV3 from conv2d_56).
  assert.throws(() => cutNsfwjsModel('mobilenet_v2', 'block_11_expand', 'x'), /trainable/);
  assert.throws(() => cutNsfwjsModel('inception_v3', 'mixed6', 'x'), /trainable/);
});

test('a tampered vendored net is refused by its sha256', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-vend-'));
  try {
    const src = BUNDLED_NETS.mobilenetv2.dir;
    fs.copyFileSync(path.join(src, 'model.json'), path.join(tmp, 'model.json'));
    const bin = fs.readFileSync(path.join(src, 'weights.bin'));
    bin[100] ^= 1;
    fs.writeFileSync(path.join(tmp, 'weights.bin'), bin);
    await assert.rejects(loadVendoredModel(tmp), InputError);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('embedding taps and shapes at a 224 input; the default embedding is 4688-d', async () => {
  await selectTfBackend({ quiet: true });
  const { model } = await loadVendoredModel(BUNDLED_NETS.inceptionv3.dir);
  const shapes = ['mixed2', 'mixed5'].map((n) => model.getLayer(n).outputShape);
  assert.deepEqual(shapes, [
    [null, null, null, 288],
    [null, null, null, 768],
  ]);
  model.dispose();
  const d = await ImageEmbedder.create(KIT_DEFAULT_EMBEDDING);
  // block_10_project_BN (96 ch) and mixed2 (288 ch) projected to 64 channels -> 2080 each; block_5_add (32 ch) -> 528
  assert.equal(d.dim, 2080 + 528 + 2080);
  const img = { data: new Uint8Array(256 * 256 * 3).map((_, i) => (i * 7) % 251), width: 256, height: 256 };
  const v = await d.embed([img]);
  let n0 = 0,
    n1 = 0,
    n2 = 0;
  for (let k = 0; k < 2080; k++) n0 += v.data[k] ** 2;
  for (let k = 2080; k < 2608; k++) n1 += v.data[k] ** 2;
  for (let k = 2608; k < 4688; k++) n2 += v.data[k] ** 2;
  // each part L2-normalised before the concatenation
  for (const n of [n0, n1, n2]) assert.ok(Math.abs(n - 1) < 1e-4, String(n));
  d.dispose();
  const e = await ImageEmbedder.create({
    resize: 256,
    crop: 224,
    flip: false,
    parts: [
      { net: 'mobilenetv2', layer: 'block_10_expand_relu', pool: 'max' },
      { net: 'mobilenetv2', layer: 'block_6_expand_relu', pool: 'cov' },
      { net: 'mobilenetv2', layer: 'block_5_add', pool: 'meanmax' },
    ],
  });
  // 384 + 64·65/2 (192 channels projected to 64) + 2·32
  assert.equal(e.dim, 384 + 2080 + 64);
  e.dispose();
});
