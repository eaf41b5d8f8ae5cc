/**
 * Extracts patch features and image embeddings for a dataset in the MVTec layout into the feature cache.
 *
 *   npm run extract -- --data DIR [--manifest FILE] [--resize 256] [--crop 224] [--dim N] [--cache DIR]
 *                      [--backend auto|wasm|cpu|tensorflow] [--batch 8] [--onnx FILE]
 *
 * Train images: those of the manifest (in the official training order), or every train/good image without one.
 * Test images: every test image of the dataset's classes (of the manifest's classes when given).
 * A second run with the same settings is served from the cache and says so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataset, allImages } from '../src/data/mvtec';
import { readManifest, trainItems } from '../src/data/splits';
import { FeatureExtractor } from '../src/features/extractor';
import { OnnxBackbone } from '../src/features/backbones/onnx';
import { TfBackendChoice } from '../src/features/backend';
import { InputError, OptionError } from '../src/util/errors';

interface Args { data: string; manifest?: string; resize: number; crop: number; dim?: number; cache: string; backend: TfBackendChoice; batch: number; onnx?: string }

function parseArgs(argv: string[]): Args {
  const a: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith('--')) throw new OptionError(`unexpected argument "${k}"; options look like --data DIR`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new OptionError(`option ${k} needs a value`);
    a[k.slice(2)] = v;
    i++;
  }
  const known = ['data', 'manifest', 'resize', 'crop', 'dim', 'cache', 'backend', 'batch', 'onnx'];
  for (const k of Object.keys(a)) if (!known.includes(k)) throw new OptionError(`unknown option --${k} (known: ${known.map((x) => '--' + x).join(', ')})`);
  if (!a.data) throw new OptionError('option --data DIR is required (a dataset in the MVTec layout, e.g. one made by npm run synth)');
  const int = (k: string, d?: number) => {
    if (a[k] === undefined) return d;
    const n = Number(a[k]);
    if (!Number.isInteger(n) || n <= 0) throw new OptionError(`option --${k} must be a positive integer, got "${a[k]}"`);
    return n;
  };
  return {
    data: a.data, manifest: a.manifest, resize: int('resize', 256)!, crop: int('crop', 224)!, dim: int('dim'),
    cache: a.cache ?? path.join('results', 'cache', 'features'), backend: (a.backend ?? 'auto') as TfBackendChoice,
    batch: int('batch', 8)!, onnx: a.onnx,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(args.data)) throw new InputError(`dataset folder not found: ${args.data}`);
  const dataset = loadDataset(args.data);
  let train: string[];
  let classes = dataset.classes;
  if (args.manifest) {
    const manifest = readManifest(args.manifest);
    train = trainItems(dataset, manifest).map((t) => t.image.path);
    const names = new Set(manifest.classes.map((c) => c.name));
    classes = dataset.classes.filter((c) => names.has(c.name));
  } else {
    train = allImages(dataset).filter((im) => im.split === 'train').map((im) => im.path);
  }
  const test = classes.flatMap((c) => c.test.map((t) => t.path));
  const backbone = args.onnx ? await OnnxBackbone.create({ model: args.onnx }) : undefined;
  const fx = await FeatureExtractor.create({
    backbone, resize: args.resize, crop: args.crop, targetDim: args.dim, cacheDir: args.cache, batchSize: args.batch, backend: args.backend,
  });
  const d = fx.describe();
  console.log(`backbone ${d.backboneId} on ${d.backend}; layers ${d.patchLayers.join(' + ')} -> ${d.gridH}x${d.gridW} x ${d.targetDim}-d patches; ` +
    `embedding ${d.embeddingLayer} (${d.embedDim}-d); resize ${d.resize}, crop ${d.crop}; cache ${path.resolve(args.cache)}`);
  for (const [what, paths] of [['train', train], ['test', test]] as const) {
    fx.resetStats();
    const t0 = Date.now();
    const fs_ = await fx.extract(paths);
    const s = fx.stats;
    const secs = (Date.now() - t0) / 1000;
    const served = s.misses === 0 ? ' (all served from cache)' : s.hits > 0 ? ` (${s.hits} served from cache)` : '';
    console.log(`${what}: ${fs_.imageCount} images, ${fs_.patches.rows} patches x ${fs_.patches.cols}, embeddings ${fs_.embeddings.rows} x ${fs_.embeddings.cols}; ` +
      `cache hits ${s.hits}, misses ${s.misses}${s.corrupt ? `, corrupt entries rebuilt ${s.corrupt}` : ''}; ${secs.toFixed(1)} s${served}`);
  }
  fx.dispose();
}

main().catch((e) => {
  console.error(`extract: ${(e as Error).name === 'Error' ? '' : (e as Error).name + ': '}${(e as Error).message}`);
  process.exit(1);
});
