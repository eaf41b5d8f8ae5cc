/**
 * Re-creates the bundled nets in assets/backbones/ from the Keras nets that nsfwjs 4.4.0 (MIT) bundles, keeping only
 * their frozen ImageNet layers (src/features/backbones/nsfwjs-cut.ts refuses any layer nsfwjs marks trainable):
 *   mobilenetv2-imagenet-block10  MobileNetV2 input .. block_10_project_BN (block_11 onward was fine-tuned by nsfwjs)
 *   inceptionv3-imagenet-mixed5   InceptionV3 input .. mixed5 (conv2d_56 onward was fine-tuned by nsfwjs)
 * The uint8 weight quantisation is kept as shipped, so each sub-network is bit-identical to the layers inside nsfwjs;
 * model.json records the sha256 of weights.bin and the loaders refuse a mismatch.
 *
 *   npx tsx scripts/extract-backbone.ts [--net mobilenetv2|inceptionv3|all] [--out DIR]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../src/util';
import { cutNsfwjsModel, NsfwjsNet } from '../src/features/backbones';
import { CliSpec, runCli, stringFlag } from '../src/util';
import { OptionError } from '../src/util';

export const LAST_LAYER = 'block_10_project_BN';

interface Target {
  net: NsfwjsNet;
  last: string;
  folder: string;
  modelName: string;
  imagenet: string;
}
export const TARGETS: Record<'mobilenetv2' | 'inceptionv3', Target> = {
  mobilenetv2: {
    net: 'mobilenet_v2',
    last: LAST_LAYER,
    folder: 'mobilenetv2-imagenet-block10',
    modelName: 'mobilenetv2_imagenet_block10',
    imagenet:
      'frozen Keras MobileNetV2 ImageNet weights (alpha 1.0), as quantised by nsfwjs; layers after block_10 are NOT ImageNet and are not included',
  },
  inceptionv3: {
    net: 'inception_v3',
    last: 'mixed5',
    folder: 'inceptionv3-imagenet-mixed5',
    modelName: 'inceptionv3_imagenet_mixed5',
    imagenet:
      'frozen Keras InceptionV3 ImageNet weights, as quantised by nsfwjs; layers after mixed5 (conv2d_56 onward) are NOT ImageNet and are not included',
  },
};

const SPEC: CliSpec = {
  command: 'npx tsx scripts/extract-backbone.ts',
  summary:
    "Cuts the frozen ImageNet part of nsfwjs's bundled nets into assets/backbones/<folder>/{model.json,weights.bin}.",
  flags: {
    net: { type: 'string', description: 'mobilenetv2, inceptionv3 or all', default: 'all', value: 'NET' },
    out: { type: 'string', description: 'parent folder of the net folders', default: 'assets/backbones', value: 'DIR' },
  },
};

export function writeCut(t: Target, parent: string): void {
  const cut = cutNsfwjsModel(t.net, t.last, t.modelName);
  const label = t.net === 'mobilenet_v2' ? 'MobileNetV2' : 'InceptionV3';
  const firstLayer = (cut.modelTopology as { model_config: { config: { layers: { name: string }[] } } }).model_config
    .config.layers[0].name;
  const modelJson = {
    format: 'layers-model',
    generatedBy: `tailedcore-kit scripts/extract-backbone.ts from nsfwjs ${cut.nsfwjsVersion} (MIT) dist/models/${t.net}`,
    convertedBy: null,
    provenance: {
      source: `nsfwjs@${cut.nsfwjsVersion} (MIT, https://github.com/infinitered/nsfwjs), its bundled Keras ${label} (tfjs layers model, uint8-quantised weights)`,
      kept: `layers ${firstLayer} .. ${t.last} (${cut.layerCount} layers, ${cut.weightSpecs.length} tensors); nsfwjs marks exactly these trainable=false`,
      imagenet: t.imagenet,
      weightsSha256: cut.sha256,
    },
    modelTopology: cut.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: cut.weightSpecs }],
  };
  const outDir = path.join(parent, t.folder);
  fs.mkdirSync(outDir, { recursive: true });
  writeFileAtomic(path.join(outDir, 'weights.bin'), cut.weights);
  writeFileAtomic(path.join(outDir, 'model.json'), JSON.stringify(modelJson));
  console.log(
    `wrote ${outDir}: ${cut.layerCount} layers, ${cut.weightSpecs.length} tensors, ${cut.weights.length} weight bytes, sha256 ${cut.sha256.slice(0, 16)}...`,
  );
}

if (require.main === module) {
  runCli(SPEC, (p) => {
    const net = stringFlag(p, 'net') ?? 'all';
    const parent = stringFlag(p, 'out') ?? path.join(__dirname, '..', 'assets', 'backbones');
    const names = net === 'all' ? (Object.keys(TARGETS) as (keyof typeof TARGETS)[]) : [net as keyof typeof TARGETS];
    for (const n of names) {
      if (!TARGETS[n]) throw new OptionError(`--net must be mobilenetv2, inceptionv3 or all, got "${net}"`);
      writeCut(TARGETS[n], parent);
    }
  });
}
