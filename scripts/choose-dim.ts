/**
 * Which patch dimension (targetDim) for the bundled MobileNetV2? The paper's 1024 is for WRN50 (512 + 1024
 * channels, 4608 + 9216 values per 3x3 patch); the bundled layers give only 32*9 = 288 and 96*9 = 864 values.
 * Per class of a small synthetic set: PatchCore (paper defaults: coreset 0.1, 1-NN, max, blur 4) on the same
 * backbone maps embedded at each targetDim; mean image and pixel AUROC over the classes.
 *
 *   npx tsx scripts/choose-dim.ts [--data data/synth-dim] [--dims 64,128,192,256,384,512]
 */
import * as path from 'node:path';
import { generateSynthetic } from '../src/data/synth';
import { loadDataset } from '../src/data/mvtec';
import { readRgb } from '../src/data/images';
import { selectTfBackend } from '../src/features/backend';
import { loadBundledBackbone } from '../src/features/backbones/bundled';
import { preprocess } from '../src/features/preprocess';
import { patchEmbed } from '../src/features/patch-embed';
import { extractMaskBatch } from '../src/features/extractor';
import { LayerMap } from '../src/features/types';
import { zeros } from '../src/linalg/matrix';
import { createModel } from '../src/models/factory';
import { auroc, pixelAuroc } from '../src/metrics/auroc';
import { progress } from '../src/util/progress';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  const dataDir = arg('data', path.join('data', 'synth-dim'));
  const dims = arg('dims', '64,128,192,256,384,512').split(',').map(Number);
  const crop = 224;
  await generateSynthetic({ out: dataDir, seed: 1, size: 256, trainCount: 30, testGood: 10, defectsPerType: 2, classes: ['fabric', 'wood', 'tile', 'bottle', 'screw', 'pcb'] });
  const dataset = loadDataset(dataDir);
  await selectTfBackend();
  const bb = await loadBundledBackbone();
  const rows: string[] = [];
  const res = new Map<number, { img: number[]; pix: number[] }>(dims.map((d) => [d, { img: [], pix: [] }]));
  for (const cls of dataset.classes) {
    const maps = async (paths: string[]): Promise<LayerMap[][]> => {
      const out: LayerMap[][] = [];
      const bar = progress(`${cls.name} backbone`, paths.length);
      for (let b = 0; b < paths.length; b += 8) {
        const imgs = await Promise.all(paths.slice(b, b + 8).map(async (p) => preprocess(await readRgb(p), { resize: 256, crop, normalization: 'mobilenet' })));
        const data = new Float32Array(imgs.length * crop * crop * 3);
        imgs.forEach((im, i) => data.set(im.data, i * crop * crop * 3));
        const o = await bb.extract({ data, count: imgs.length, height: crop, width: crop });
        for (const l of o.layers) out.push(bb.patchLayers.map((n) => l[n]));
        bar.tick(imgs.length);
      }
      bar.done();
      return out;
    };
    const trainMaps = await maps(cls.train.map((t) => t.path));
    const testMaps = await maps(cls.test.map((t) => t.path));
    const labels = cls.test.map((t) => t.label);
    const masks = await extractMaskBatch(cls.test.map((t) => t.maskPath ?? null), { resize: 256, crop });
    for (const D of dims) {
      const embed = (ms: LayerMap[][]) => {
        const P = ms[0][0].height * ms[0][0].width;
        const m = zeros(ms.length * P, D);
        ms.forEach((l, i) => patchEmbed(l, { targetDim: D }, m, i * P));
        return { patches: m, embeddings: zeros(ms.length, 1), gridH: ms[0][0].height, gridW: ms[0][0].width, imageCount: ms.length, inputSize: crop };
      };
      const model = createModel('patchcore', { seed: 0 });
      await model.fit(embed(trainMaps));
      const pred = await model.predict(embed(testMaps));
      const ia = auroc(pred.imageScores, labels), pa = pixelAuroc(pred.maps, masks);
      res.get(D)!.img.push(ia);
      res.get(D)!.pix.push(pa);
      rows.push(`| ${cls.name} | ${D} | ${(100 * ia).toFixed(1)} | ${(100 * pa).toFixed(1)} |`);
      model.dispose();
    }
  }
  const mean = (v: number[]) => (100 * v.reduce((a, b) => a + b, 0) / v.length).toFixed(2);
  console.log('\n| class | targetDim | image AUROC | pixel AUROC |\n|---|---|---|---|\n' + rows.join('\n'));
  console.log(`\nPatchCore on ${dataset.classes.length} synthetic classes (30 train images each, seed 1), bundled MobileNetV2, resize 256 crop 224:\n`);
  console.log('| targetDim | mean image AUROC % | mean pixel AUROC % |\n|---|---|---|');
  for (const D of dims) console.log(`| ${D} | ${mean(res.get(D)!.img)} | ${mean(res.get(D)!.pix)} |`);
  bb.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
