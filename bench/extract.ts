/**
 * Extraction throughput per engine (tfjs wasm, tfjs cpu, tfjs tensorflow when a native package registers it,
 * onnxruntime when a model is given) at batch 1, 8 and 32: decoded 256x256 RGB in, 28x28 patch features and the
 * embedding out (preprocess + backbone + patch embedding; no disk, no cache). `seconds` is seconds per image and
 * `note` holds images/s. Budgeted to stay near a minute in all: a batch size whose estimated time exceeds the
 * per-engine budget is skipped and the skip is written in the note of the last row measured, never estimated as a row.
 *
 *   benchExtraction({ onnxModel?: path (env TAILEDCORE_BENCH_ONNX) })
 */
import { BenchRow } from './types';
import { RgbImage } from '../src/data';
import { FeatureExtractor } from '../src/features';
import { selectTfBackend, TfBackendName } from '../src/features';
import { loadBundledBackbone } from '../src/features/backbones';
import { OnnxBackbone } from '../src/features/backbones';
import { Backbone } from '../src/features';
import { createRng } from '../src/util';
import { ImageEmbedder, KIT_DEFAULT_EMBEDDING } from '../src/features';

/** The kit-default image embedding's own pass (TailSampler's input): decoded images in, embeddings out. */
async function timeEmbedding(size: number): Promise<BenchRow> {
  const e = await ImageEmbedder.create(KIT_DEFAULT_EMBEDDING);
  const imgs = images(9, size);
  await e.embed(imgs.slice(0, 1)); // warm-up
  const t0 = Date.now();
  await e.embed(imgs.slice(1));
  const perImage = (Date.now() - t0) / 1000 / 8;
  const d = KIT_DEFAULT_EMBEDDING;
  const row: BenchRow = {
    kernel: `embedding kit-default ${e.engine}`,
    size: `8 images ${size}x${size} -> ${d.resize}/${d.crop} -> ${e.dim}`,
    seconds: perImage,
    gflops: null,
    ratio_vs_naive: null,
    ratio_vs_python: null,
    note: `${(1 / perImage).toFixed(2)} images/s; ${d.parts.map((p) => `${p.net}:${p.layer} ${p.pool}`).join(' + ')}${d.flip ? ', flip-averaged' : ''}; extra pass on top of the patch pass`,
  };
  e.dispose();
  return row;
}

export interface BenchExtractionOptions {
  /** ONNX backbone to time as well (outputs layer2, layer3, avgpool). @default env TAILEDCORE_BENCH_ONNX */
  onnxModel?: string;
  /** Seconds allowed per engine. @default 30 */
  budgetPerEngine?: number;
  /** Image side before preprocessing (resize 256, crop 224 as in the paper). @default 256 */
  imageSize?: number;
}

function images(n: number, size: number): RgbImage[] {
  const rng = createRng('bench-extract');
  return Array.from({ length: n }, () => {
    const data = new Uint8Array(size * size * 3);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
    return { data, width: size, height: size };
  });
}

async function timeEngine(
  label: string,
  backbone: Backbone,
  size: number,
  budget: number,
  targetDim?: number,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  let perImage = Infinity;
  let spent = 0;
  for (const batch of [1, 8, 32]) {
    const count = Math.max(batch, batch === 1 ? 4 : batch);
    const est = Number.isFinite(perImage) ? perImage * (count + 1) : 0;
    if (spent + est > budget && rows.length) {
      rows[rows.length - 1].note +=
        `; batch ${batch} skipped (estimated ${est.toFixed(0)} s, over the ${budget} s budget)`;
      break;
    }
    const fx = await FeatureExtractor.create({ backbone, batchSize: batch, quiet: true, targetDim });
    const imgs = images(count, size);
    const t0 = Date.now();
    await fx.extractImages(imgs.slice(0, 1)); // warm-up: first-call kernel set-up and allocation
    const t1 = Date.now();
    await fx.extractImages(imgs);
    const secs = (Date.now() - t1) / 1000;
    spent += (Date.now() - t0) / 1000;
    perImage = secs / count;
    const d = fx.describe();
    rows.push({
      kernel: `extract ${label} batch ${batch}`,
      size: `${count} images ${size}x${size} -> ${d.gridH}x${d.gridW}x${d.targetDim} + ${d.embedDim}`,
      seconds: perImage,
      gflops: null,
      ratio_vs_naive: null,
      ratio_vs_python: null,
      note: `${(1 / perImage).toFixed(2)} images/s; ${d.backend}; backbone ${d.backboneId}; preprocess + backbone + patch embedding`,
    });
  }
  return rows;
}

export async function benchExtraction(options: BenchExtractionOptions = {}): Promise<BenchRow[]> {
  const budget = options.budgetPerEngine ?? 30;
  const size = options.imageSize ?? 256;
  const onnxModel = options.onnxModel ?? process.env.TAILEDCORE_BENCH_ONNX;
  const rows: BenchRow[] = [];
  const engines: TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];
  for (const engine of engines) {
    try {
      await selectTfBackend({ backend: engine, quiet: true });
    } catch {
      continue; // not available here (tensorflow needs tfjs-node(-gpu) with libtensorflow)
    }
    const bb = await loadBundledBackbone();
    rows.push(...(await timeEngine(`tfjs/${engine}`, bb, size, budget)));
    bb.dispose();
    if (engine !== 'cpu') rows.push(await timeEmbedding(size));
  }
  if (onnxModel) {
    const bb = await OnnxBackbone.create({ model: onnxModel });
    rows.push(...(await timeEngine(bb.engine, bb, size, budget, 1024)));
    bb.dispose();
  }
  await selectTfBackend({ quiet: true }); // leave the default backend active for whatever runs next
  return rows;
}

if (require.main === module) {
  benchExtraction()
    .then((rows) => {
      for (const r of rows) console.log(`${r.kernel.padEnd(32)} ${r.seconds.toFixed(4)} s/image  ${r.note}`);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
