/**
 * Re-creates assets/backbones/mobilenetv2-imagenet-block10/{model.json,weights.bin} from the MobileNetV2 that
 * nsfwjs 4.4.0 (MIT) bundles. Only the layers up to block_10_project_BN are kept: nsfwjs marks exactly those as
 * trainable=false (frozen Keras ImageNet weights); block_11 onward was fine-tuned for nsfwjs's own task and is dropped.
 * The uint8 weight quantisation is kept as shipped, so the sub-network is bit-identical to the layers inside nsfwjs.
 *
 *   npx tsx scripts/extract-backbone.ts [--out DIR]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { writeFileAtomic } from '../src/util/atomic';
import { CliSpec, ParsedCli, runCli, stringFlag } from '../src/util/cli';

const DEFAULT_OUT = path.join(__dirname, '..', 'assets', 'backbones', 'mobilenetv2-imagenet-block10');

const CLI: CliSpec = {
  command: 'npx tsx scripts/extract-backbone.ts',
  summary: "Cuts the frozen ImageNet part (input .. block_10_project_BN) out of nsfwjs's bundled MobileNetV2 into model.json + weights.bin.",
  flags: { out: { type: 'string', value: 'DIR', description: 'output folder', default: 'assets/backbones/mobilenetv2-imagenet-block10' } },
};

export const LAST_LAYER = 'block_10_project_BN';

interface WeightSpec { name: string; shape: number[]; dtype: string; quantization?: { dtype: string; min?: number; scale?: number } }
interface KerasLayer { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }

function bytesPerValue(spec: WeightSpec): number {
  const dt = spec.quantization ? spec.quantization.dtype : spec.dtype;
  if (dt === 'uint8' || dt === 'int8') return 1;
  if (dt === 'uint16' || dt === 'int16' || dt === 'float16') return 2;
  return 4;
}

function main(cli: ParsedCli): void {
  const outDir = stringFlag(cli, 'out') ?? DEFAULT_OUT;
  // nsfwjs's exports map hides package.json; resolve its main entry (dist/cjs/index.js) and walk up.
  const pkgDir = path.resolve(path.dirname(require.resolve('nsfwjs')), '..', '..');
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;
  const modelDir = path.join(pkgDir, 'dist', 'models', 'mobilenet_v2');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const model = require(path.join(modelDir, 'model.min.js')) as { modelTopology: unknown; weightsManifest: { paths: string[]; weights: WeightSpec[] }[] };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const b64 = require(path.join(modelDir, 'group1-shard1of1.min.js')) as string;
  const weightBytes = Buffer.from(b64, 'base64');

  const topo = JSON.parse(JSON.stringify(model.modelTopology));
  const cfg = topo.model_config.config as { name: string; layers: KerasLayer[]; input_layers: unknown; output_layers: unknown };
  const cut = cfg.layers.findIndex((l) => l.name === LAST_LAYER);
  if (cut < 0) throw new Error(`nsfwjs ${version}: layer ${LAST_LAYER} not found; this script knows nsfwjs 4.4.0`);
  const kept = cfg.layers.slice(0, cut + 1);
  for (const l of kept.slice(1)) {
    if (l.config.trainable !== false) throw new Error(`layer ${l.name} is trainable in nsfwjs ${version}: not a frozen ImageNet layer, refusing`);
  }
  // Any input size: the fully convolutional part needs none, and crop sizes other than 224 must work.
  (kept[0].config as { batch_input_shape: unknown }).batch_input_shape = [null, null, null, 3];
  cfg.layers = kept;
  cfg.name = 'mobilenetv2_imagenet_block10';
  cfg.output_layers = [[LAST_LAYER, 0, 0]];
  delete topo.training_config;
  const keptNames = new Set(kept.map((l) => l.name));

  // Walk the shard in manifest order; keep the byte ranges of the kept layers' tensors.
  const specs = model.weightsManifest.flatMap((g) => g.weights);
  const keepSpecs: WeightSpec[] = [];
  const chunks: Buffer[] = [];
  let off = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1) * bytesPerValue(s);
    const layer = s.name.split('/')[0];
    if (keptNames.has(layer)) { keepSpecs.push(s); chunks.push(weightBytes.subarray(off, off + n)); }
    off += n;
  }
  if (off !== weightBytes.length) throw new Error(`weight manifest covers ${off} bytes but the shard has ${weightBytes.length}`);
  const bin = Buffer.concat(chunks);
  const sha = crypto.createHash('sha256').update(bin).digest('hex');
  const modelJson = {
    format: 'layers-model',
    generatedBy: `tailedcore-kit scripts/extract-backbone.ts from nsfwjs ${version} (MIT) dist/models/mobilenet_v2`,
    convertedBy: null,
    provenance: {
      source: `nsfwjs@${version} (MIT, https://github.com/infinitered/nsfwjs), its bundled Keras MobileNetV2 (tfjs layers model, uint8-quantised weights)`,
      kept: `layers input_1 .. ${LAST_LAYER} (${kept.length} layers, ${keepSpecs.length} tensors); nsfwjs marks exactly these trainable=false`,
      imagenet: 'frozen Keras MobileNetV2 ImageNet weights (alpha 1.0), as quantised by nsfwjs; layers after block_10 are NOT ImageNet and are not included',
      weightsSha256: sha,
    },
    modelTopology: topo,
    weightsManifest: [{ paths: ['weights.bin'], weights: keepSpecs }],
  };
  fs.mkdirSync(outDir, { recursive: true });
  writeFileAtomic(path.join(outDir, 'weights.bin'), bin);
  writeFileAtomic(path.join(outDir, 'model.json'), JSON.stringify(modelJson));
  console.log(`wrote ${outDir}: ${kept.length} layers, ${keepSpecs.length} tensors, ${bin.length} weight bytes, sha256 ${sha.slice(0, 16)}...`);
}

if (require.main === module) runCli(CLI, main);
