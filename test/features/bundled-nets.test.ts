import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { BUNDLED_NETS, loadVendoredModel, ImageEmbedder } from '../../src/features/embedding-pass';
import { cutNsfwjsModel } from '../../src/features/backbones/nsfwjs-cut';
import { selectTfBackend } from '../../src/features/backend';
import { InputError } from '../../src/util/errors';

/** The vendored weights, pinned: a change of bytes must be deliberate (and re-measured). */
const PINNED_SHA256: Record<string, string> = {
  mobilenetv2: 'd5e07e62dcd7ffc1ff81a260f5d30e9b28d4acee9649b11ba278252a10e404e5',
};

test('vendored nets: sha256 pinned, equal to a fresh cut of nsfwjs, only frozen (trainable=false) layers', () => {
  for (const [name, sha] of Object.entries(PINNED_SHA256)) {
    const dir = BUNDLED_NETS[name as keyof typeof BUNDLED_NETS].dir;
    const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
    assert.equal(crypto.createHash('sha256').update(bin).digest('hex'), sha, name);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.equal(json.provenance.weightsSha256, sha);
    for (const l of json.modelTopology.model_config.config.layers.slice(1)) assert.equal(l.config.trainable, false, `${name}: ${l.name}`);
  }
  const mn = cutNsfwjsModel('mobilenet_v2', 'block_10_project_BN', 'x');
  assert.equal(mn.sha256, PINNED_SHA256.mobilenetv2);
  // Cutting into nsfwjs's fine-tuned part is refused.
  assert.throws(() => cutNsfwjsModel('mobilenet_v2', 'block_11_expand', 'x'), /trainable/);
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
  } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
});

test('embedding taps and shapes at a 224 input', async () => {
  await selectTfBackend({ quiet: true });
  const e = await ImageEmbedder.create({ resize: 256, crop: 224, flip: false, parts: [
    { net: 'mobilenetv2', layer: 'block_10_expand_relu', pool: 'max' },
    { net: 'mobilenetv2', layer: 'block_6_expand_relu', pool: 'cov' },
    { net: 'mobilenetv2', layer: 'block_5_add', pool: 'meanmax' },
  ] });
  // 384 + 64·65/2 (192 channels projected to 64) + 2·32
  assert.equal(e.dim, 384 + 2080 + 64);
  e.dispose();
});
