/**
 * Extracts patch features and image embeddings for a dataset in the MVTec layout into the feature cache.
 *
 *   npm run extract -- --data DIR [--manifest FILE] [--resize 256] [--crop 224] [--dim N] [--cache DIR]
 *                      [--backend auto|wasm|cpu|tensorflow] [--batch 8] [--onnx FILE]
 *
 * Train images: those of the manifest (in the official training order), or every train/good image without one.
 * Test images: every test image of the dataset's classes (of the manifest's classes when given).
 * Flags are checked first, then the dataset is validated (masks decoded in full, image sizes), before any image is extracted.
 * A second run with the same settings is served from the cache and says so.
 */
import * as path from 'node:path';
import { allImages } from '../src/data';
import { openDataset } from '../src/data';
import { readManifest, trainItems } from '../src/data/splits';
import { FeatureExtractor } from '../src/features';
import { OnnxBackbone } from '../src/features/backbones';
import { TfBackendChoice } from '../src/features';
import { CliSpec, DATA_FLAG, intFlag, requiredFlag, runCli, stringFlag, valueFlag, withFlagNames } from '../src/util';

const SPEC: CliSpec = {
  command: 'npm run extract --',
  summary: 'Extracts patch features and image embeddings of a dataset (MVTec layout) into the feature cache.',
  flags: {
    data: DATA_FLAG,
    manifest: valueFlag('FILE', 'split manifest: its training images and classes (default: every train/good image)'),
    resize: valueFlag('PX', 'shorter side after resize', '256'),
    crop: valueFlag('PX', 'centre crop side', '224'),
    dim: valueFlag('N', 'patch feature dimension (default 192 for the bundled backbone, 1024 for --onnx)'),
    cache: valueFlag('DIR', 'feature cache folder', path.join('results', 'cache', 'features')),
    backend: valueFlag('NAME', 'tfjs backend for the bundled backbone: auto, tensorflow, wasm or cpu', 'auto'),
    batch: valueFlag('N', 'images per backbone call', '8'),
    onnx: valueFlag('FILE', 'an ONNX backbone instead of the bundled MobileNetV2'),
  },
  epilog: 'Exit codes: 0 ok, 1 bug, 2 bad input (a flag, the dataset, a mask, the cache folder).',
};

/** The extractor's option names as this tool's flags, so its range errors name the flag the user typed. */
const FLAG_OF: Record<string, string> = {
  resize: '--resize',
  crop: '--crop',
  targetDim: '--dim',
  batchSize: '--batch',
  backend: '--backend',
  cacheDir: '--cache',
};

runCli(SPEC, async (p) => {
  const data = requiredFlag(p, SPEC, 'data');
  const manifestFile = stringFlag(p, 'manifest');
  const cache = stringFlag(p, 'cache') ?? path.join('results', 'cache', 'features');
  // Ranges are the extractor's own (checked in FeatureExtractor.create); the flags only have to be integers.
  const resize = intFlag(p, 'resize') ?? 256,
    crop = intFlag(p, 'crop') ?? 224,
    batch = intFlag(p, 'batch') ?? 8;
  const dim = intFlag(p, 'dim');
  const onnx = stringFlag(p, 'onnx');
  const backbone = onnx ? await OnnxBackbone.create({ model: onnx }) : undefined;
  const fx = await withFlagNames(FLAG_OF, () =>
    FeatureExtractor.create({
      backbone,
      resize,
      crop,
      targetDim: dim,
      cacheDir: cache,
      batchSize: batch,
      backend: (stringFlag(p, 'backend') ?? 'auto') as TfBackendChoice,
    }),
  );
  try {
    // Options first (cheap, and a typo must not wait for the dataset check), then the dataset, then the work.
    const dataset = await openDataset(data);
    let train: string[];
    let classes = dataset.classes;
    if (manifestFile) {
      const manifest = readManifest(manifestFile);
      train = trainItems(dataset, manifest).map((t) => t.image.path);
      const names = new Set(manifest.classes.map((c) => c.name));
      classes = dataset.classes.filter((c) => names.has(c.name));
    } else {
      train = allImages(dataset)
        .filter((im) => im.split === 'train')
        .map((im) => im.path);
    }
    const test = classes.flatMap((c) => c.test.map((t) => t.path));
    const d = fx.describe();
    console.log(
      `backbone ${d.backboneId} on ${d.backend}; layers ${d.patchLayers.join(' + ')} -> ${d.gridH}x${d.gridW} x ${d.targetDim}-d patches; ` +
        `embedding ${d.embeddingLayer} (${d.embedDim}-d); resize ${d.resize}, crop ${d.crop}; cache ${path.resolve(cache)}`,
    );
    for (const [what, paths] of [
      ['train', train],
      ['test', test],
    ] as const) {
      fx.resetStats();
      const t0 = Date.now();
      const fs_ = await fx.extract(paths);
      const s = fx.stats;
      const secs = (Date.now() - t0) / 1000;
      const served = s.misses === 0 ? ' (all served from cache)' : s.hits > 0 ? ` (${s.hits} served from cache)` : '';
      console.log(
        `${what}: ${fs_.imageCount} images, ${fs_.patches.rows} patches x ${fs_.patches.cols}, embeddings ${fs_.embeddings.rows} x ${fs_.embeddings.cols}; ` +
          `cache hits ${s.hits}, misses ${s.misses}${s.corrupt ? `, corrupt entries rebuilt ${s.corrupt}` : ''}; ${secs.toFixed(1)} s${served}`,
      );
    }
  } finally {
    fx.dispose();
  }
});
