/**
 * The ablation configs. The K sweep; and the backbone ablation (spec §6.5): one config per backbone, each the paper protocol with another ONNX export. Each
 * config's output names must be the ones scripts/export-backbone.py writes, and must load as a backbone: checked on the
 * tiny test net exported with those names (PyTorch is not available here, so the real exports are not run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandGrid, readConfigFile, resolveConfig } from '../../src/experiments';
import { MODEL_NAMES } from '../../src/models';
import { loadBackbone } from '../../src/features/backbones/registry';
import { FeatureExtractor } from '../../src/features/extractor';
import { writeTinyCnn } from '../features/tiny-onnx';

const NETS = ['wrn101', 'resnext101', 'densenet201'];

/** The output names scripts/export-backbone.py declares per net (its NETS table). */
function exportNames(): Record<string, string[]> {
  const py = fs.readFileSync('scripts/export-backbone.py', 'utf8');
  const out: Record<string, string[]> = {};
  for (const m of py.matchAll(/"(\w+)": \("\w+", "\w+", \[([^\]]+)\]\)/g))
    out[m[1]] = [...m[2].matchAll(/"(\w+)"/g)].map((x) => x[1]);
  return out;
}

test('backbone configs: the paper protocol with only the backbone changed, output names as the export script writes them', () => {
  const names = exportNames();
  assert.deepEqual(Object.keys(names).sort(), [...NETS].sort());
  const paper = JSON.parse(fs.readFileSync('configs/paper-mvtec.json', 'utf8'));
  for (const net of NETS) {
    const raw = JSON.parse(fs.readFileSync(`configs/paper-mvtec-${net}.json`, 'utf8'));
    const b = raw.features.backbone;
    assert.deepEqual([...b.patchLayers, b.embeddingLayer], names[net], net);
    assert.equal(b.onnx, `data/${net}.onnx`);
    // Everything but the run name, the comment and the backbone is the paper protocol.
    const strip = (c: Record<string, unknown>) => ({
      ...c,
      $comment: undefined,
      run: undefined,
      features: { ...(c.features as object), backbone: undefined },
    });
    assert.deepEqual(strip(raw), strip(paper), net);
    delete raw.$comment;
    assert.equal(resolveConfig(raw, MODEL_NAMES).run, `paper-mvtec-${net}`);
  }
});

test('backbone configs: each backbone spec loads a tiny net exported with its output names and yields its patch grid and embedding', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bb-'));
  for (const net of NETS) {
    const b = JSON.parse(fs.readFileSync(`configs/paper-mvtec-${net}.json`, 'utf8')).features.backbone;
    const onnx = writeTinyCnn(path.join(dir, `${net}.onnx`), {
      names: { layer2: b.patchLayers[0], layer3: b.patchLayers[1], avgpool: b.embeddingLayer },
    });
    const backbone = await loadBackbone({ ...b, onnx, intraOpNumThreads: 1 });
    assert.deepEqual(backbone.patchLayers, b.patchLayers);
    assert.equal(backbone.embeddingLayer, b.embeddingLayer);
    const fx = await FeatureExtractor.create({ backbone, resize: 32, crop: 32, targetDim: 16, quiet: true });
    try {
      // The tiny net's first patch map is at stride 4: 8x8 at 32 px; its avgpool has 16 channels.
      assert.deepEqual([fx.gridH, fx.gridW, fx.embedDim], [8, 8, 16], net);
    } finally {
      fx.dispose();
    }
    // A wrong name is refused when the model is loaded.
    const wrong = writeTinyCnn(path.join(dir, `${net}-wrong.onnx`));
    if (b.patchLayers[0] !== 'layer2')
      await assert.rejects(async () => {
        const bb = await loadBackbone({ ...b, onnx: wrong, intraOpNumThreads: 1 });
        const f = await FeatureExtractor.create({ backbone: bb, resize: 32, crop: 32, targetDim: 16, quiet: true });
        f.dispose();
      }, new RegExp(b.patchLayers[0]));
  }
});

test('configs/synthetic-ksweep.json: step K = 1, 2, 4, 8 at 10 % noise, the benchmark methods and seeds', () => {
  const c = readConfigFile('configs/synthetic-ksweep.json', MODEL_NAMES);
  assert.deepEqual([c.ks, c.noiseRatios, c.seeds], [[1, 2, 4, 8], [0.1], [0, 1, 2]]);
  // 4 K values x 3 methods x 3 seeds, step only
  const cells = expandGrid(c);
  assert.equal(cells.length, 4 * 3 * 3);
  assert.ok(cells.every((x) => x.tailType === 'step'));
});
