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
import { openDataset } from '../src/data';
import { readRgb } from '../src/data';
import { selectTfBackend } from '../src/features';
import { loadBundledBackbone } from '../src/features/backbones';
import { preprocess } from '../src/features';
import { patchEmbed } from '../src/features';
import { extractMaskBatch } from '../src/features';
import { LayerMap } from '../src/features';
import { zeros } from '../src/linalg';
import { createModel } from '../src/models';
import { auroc, pixelAuroc } from '../src/metrics';
import { progress } from '../src/util';
import { CliSpec, runCli, stringFlag } from '../src/util';
import { OptionError } from '../src/util';

const SPEC: CliSpec = {
  command: 'npx tsx scripts/choose-dim.ts',
  summary: 'Mean image and pixel AUROC of PatchCore at several patch dimensions (targetDim) on a small synthetic set.',
  flags: {
    data: {
      type: 'string',
      value: 'DIR',
      description: 'where the small synthetic set is written (reused when complete)',
      default: path.join('data', 'synth-dim'),
    },
    dims: {
      type: 'string',
      value: 'LIST',
      description: 'comma-separated targetDim values, integers in [1, 65536]',
      default: '64,128,192,256,384,512',
    },
  },
  epilog: 'Exit codes: 0 ok, 1 bug, 2 bad input (a flag, the data folder).',
};

/** The --dims list: distinct integers in [1, 65536] (the extractor's targetDim range). */
function parseDims(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const dims = parts.map(Number);
  if (parts.some((s) => !/^\d+$/.test(s)) || dims.some((d) => d < 1 || d > 65536)) {
    throw new OptionError(`--dims must be a comma-separated list of integers in [1, 65536], got "${text}"`);
  }
  if (new Set(dims).size !== dims.length) throw new OptionError(`--dims lists a value twice: "${text}"`);
  return dims;
}

runCli(SPEC, async (p) => {
  const dataDir = stringFlag(p, 'data') ?? path.join('data', 'synth-dim');
  const dims = parseDims(stringFlag(p, 'dims') ?? '64,128,192,256,384,512');
  const crop = 224;
  await generateSynthetic({
    out: dataDir,
    seed: 1,
    size: 256,
    trainCount: 30,
    testGood: 10,
    defectsPerType: 2,
    classes: ['fabric', 'wood', 'tile', 'bottle', 'screw', 'pcb'],
  });
  const dataset = await openDataset(dataDir);
  await selectTfBackend();
  const bb = await loadBundledBackbone();
  const rows: string[] = [];
  const res = new Map<number, { img: number[]; pix: number[] }>(dims.map((d) => [d, { img: [], pix: [] }]));
  for (const cls of dataset.classes) {
    const maps = async (paths: string[]): Promise<LayerMap[][]> => {
      const out: LayerMap[][] = [];
      const bar = progress(`${cls.name} backbone`, paths.length);
      for (let b = 0; b < paths.length; b += 8) {
        const imgs = await Promise.all(
          paths
            .slice(b, b + 8)
            .map(async (p) => preprocess(await readRgb(p), { resize: 256, crop, normalization: 'mobilenet' })),
        );
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
    const masks = await extractMaskBatch(
      cls.test.map((t) => t.maskPath ?? null),
      { resize: 256, crop },
    );
    for (const D of dims) {
      const embed = (ms: LayerMap[][]) => {
        const P = ms[0][0].height * ms[0][0].width;
        const m = zeros(ms.length * P, D);
        ms.forEach((l, i) => patchEmbed(l, { targetDim: D }, m, i * P));
        return {
          patches: m,
          embeddings: zeros(ms.length, 1),
          gridH: ms[0][0].height,
          gridW: ms[0][0].width,
          imageCount: ms.length,
          inputSize: crop,
        };
      };
      const model = createModel('patchcore', { seed: 0 });
      await model.fit(embed(trainMaps));
      const pred = await model.predict(embed(testMaps));
      const ia = auroc(pred.imageScores, labels),
        pa = pixelAuroc(pred.maps, masks);
      res.get(D)!.img.push(ia);
      res.get(D)!.pix.push(pa);
      rows.push(`| ${cls.name} | ${D} | ${(100 * ia).toFixed(1)} | ${(100 * pa).toFixed(1)} |`);
      model.dispose();
    }
  }
  const mean = (v: number[]) => ((100 * v.reduce((a, b) => a + b, 0)) / v.length).toFixed(2);
  console.log('\n| class | targetDim | image AUROC | pixel AUROC |\n|---|---|---|---|\n' + rows.join('\n'));
  console.log(
    `\nPatchCore on ${dataset.classes.length} synthetic classes (30 train images each, seed 1), bundled MobileNetV2, resize 256 crop 224:\n`,
  );
  console.log('| targetDim | mean image AUROC % | mean pixel AUROC % |\n|---|---|---|');
  for (const D of dims) console.log(`| ${D} | ${mean(res.get(D)!.img)} | ${mean(res.get(D)!.pix)} |`);
  bb.dispose();
});
