/**
 * Bench inputs from real images: patch features extracted by the bundled backbone from the generated families
 * (data/synthetic, data/synth-lookalike; read only), shaped like a step K=1 split:
 * - head: the first `headPerClass` training images of each head class;
 * - tail: image 000 of each tail class, with its augmentation views, pooled exactly as the tail branch pools them
 *   (src/models/tail-branch.ts: the base patches of the tail images in training order, then all views of the first
 *   tail image, then of the second, ...);
 * - test: good and defective test images of every class, in a fixed order.
 * The assembled banks are cached under data/bench-features/ (raw float32 + a JSON header), keyed by sha256 over the
 * image bytes and the extractor's description, so a rerun reads them back and a changed image or backbone rebuilds
 * them. Per-image features also go through the kit's content-keyed cache (data/cache).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureExtractor } from '../src/features';
import { sha256File } from '../src/features';
import { sortKeys } from '../src/util';
import { AugmentationType, AUGMENTATION_VIEWS, FeatureSet } from '../src/features';
import { Matrix, concatRows, takeRows, zeros } from '../src/linalg';
import { TrainFeatures } from '../src/models';
import { writeFileAtomic } from '../src/util';
import { InputError } from '../src/util';

const ROOT = join(__dirname, '..');
export const BANK_DIR = join(ROOT, 'data', 'bench-features');

export interface RealBankSpec {
  family: 'synthetic' | 'synth-lookalike';
  /** Centre crop side; resize is crop * 8 / 7 (256 for 224, 128 for 112), as the paper's 256/224. */
  px: 112 | 224;
  /** Patch feature dimension (the extractor's targetDim). */
  dim: number;
  headClasses: number;
  headPerClass: number;
  tailClasses: number;
  testImages: number;
  /** Views of the tail bank ('rot15flip' is the paper's TailedCore setting). */
  augmentation: AugmentationType;
}

export interface RealBanks {
  spec: RealBankSpec;
  label: string;
  gridSide: number;
  /** Head images then tail images (training order), (images * P) x dim. */
  trainPatches: Matrix;
  trainEmbeddings: Matrix;
  trainClasses: string[];
  /** Index of the first tail image in the training order. */
  headImages: number;
  /** Tail pool as the tail branch builds it: base patches of the tail images, then their views. */
  tailPool: Matrix;
  /** Views of every tail image, image-major: (tail * views * P) x dim (the second part of tailPool). */
  tailViews: Matrix;
  testPatches: Matrix;
  testImages: number;
  embedDim: number;
  extractSeconds: number;
}

function classesOf(family: string): string[] {
  const dir = join(ROOT, 'data', family);
  if (!existsSync(dir))
    throw new InputError(
      `bench: ${dir} is missing; generate it first (npm run synth, see README) or pick another family`,
    );
  return readdirSync(dir)
    .filter((c) => existsSync(join(dir, c, 'train', 'good')))
    .sort();
}

function pngs(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => join(dir, f));
}

/** The image lists of a spec: head classes are the first ones with enough images, tail classes the next ones. */
export function bankImages(spec: RealBankSpec): { head: string[]; tail: string[]; test: string[]; classes: string[] } {
  const dir = join(ROOT, 'data', spec.family);
  const all = classesOf(spec.family);
  const enough = all.filter((c) => pngs(join(dir, c, 'train', 'good')).length >= spec.headPerClass);
  const headC = enough.slice(0, spec.headClasses);
  const tailC = all.filter((c) => !headC.includes(c)).slice(0, spec.tailClasses);
  if (headC.length < spec.headClasses || tailC.length < spec.tailClasses)
    throw new InputError(
      `bench: data/${spec.family} has ${all.length} classes; ${spec.headClasses} head classes with ${spec.headPerClass} images and ${spec.tailClasses} tail classes were asked for`,
    );
  const head: string[] = [];
  const classes: string[] = [];
  for (const c of headC)
    for (const p of pngs(join(dir, c, 'train', 'good')).slice(0, spec.headPerClass)) {
      head.push(p);
      classes.push(c);
    }
  const tail = tailC.map((c) => pngs(join(dir, c, 'train', 'good'))[0]);
  classes.push(...tailC);
  // Test images round-robin over classes and their test folders (good and defects), first files first.
  const pools = all.flatMap((c) =>
    readdirSync(join(dir, c, 'test'))
      .sort()
      .map((t) => pngs(join(dir, c, 'test', t))),
  );
  const test: string[] = [];
  for (let k = 0; test.length < spec.testImages; k++) {
    let added = false;
    for (const p of pools)
      if (k < p.length && test.length < spec.testImages) {
        test.push(p[k]);
        added = true;
      }
    if (!added) break;
  }
  return { head, tail, test, classes };
}

export function specLabel(s: RealBankSpec): string {
  return `${s.family}@${s.px}px ${s.dim}-d`;
}

function writeBin(file: string, mats: Matrix[]): void {
  const total = mats.reduce((a, m) => a + m.data.byteLength, 0);
  const buf = Buffer.allocUnsafe(total);
  let o = 0;
  for (const m of mats) {
    buf.set(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength), o);
    o += m.data.byteLength;
  }
  writeFileAtomic(file, buf);
}

/** Builds (or reads back from data/bench-features/) the banks of one spec. */
export async function loadRealBanks(spec: RealBankSpec, log: (l: string) => void): Promise<RealBanks> {
  const imgs = bankImages(spec);
  const all = [...imgs.head, ...imgs.tail, ...imgs.test];
  const hashes = all.map(sha256File);
  const ex = await FeatureExtractor.create({
    resize: (spec.px * 8) / 7,
    crop: spec.px,
    targetDim: spec.dim,
    cacheDir: join(ROOT, 'data', 'cache'),
    quiet: true,
  });
  try {
    const d = ex.describe();
    const key = createHash('sha256')
      .update(
        JSON.stringify(
          sortKeys({ spec, hashes, backbone: d.backboneId, layers: d.patchLayers, emb: d.embedding, v: 1 }),
        ),
      )
      .digest('hex')
      .slice(0, 24);
    const label = specLabel(spec);
    const P = ex.patchesPerImage,
      D = spec.dim,
      E = ex.embedDim;
    const nTrain = imgs.head.length + imgs.tail.length;
    const V = (await import('../src/features/augment')).AUGMENTATION_VIEWS[spec.augmentation];
    const shapes: [string, number, number][] = [
      ['trainPatches', nTrain * P, D],
      ['trainEmbeddings', nTrain, E],
      ['tailViews', imgs.tail.length * V * P, D],
      ['testPatches', imgs.test.length * P, D],
    ];
    const file = join(BANK_DIR, `${key}.f32`);
    const mats: Record<string, Matrix> = {};
    let extractSeconds = 0;
    if (existsSync(file) && existsSync(`${file}.json`)) {
      const b = readFileSync(file);
      const f = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      let o = 0;
      for (const [name, r, c] of shapes) {
        mats[name] = { data: new Float32Array(f.subarray(o, o + r * c)), rows: r, cols: c };
        o += r * c;
      }
      const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
      extractSeconds = meta.extractSeconds;
      log(`  real features ${label}: read ${file.replace(ROOT + '/', '')}`);
    } else {
      log(
        `  real features ${label}: extracting ${all.length} images + ${imgs.tail.length}x${V} views (cached after this)`,
      );
      const t0 = performance.now();
      const train = await ex.extract([...imgs.head, ...imgs.tail]);
      const views = await ex.augmentedPatches(imgs.tail, spec.augmentation);
      const test = await ex.extract(imgs.test);
      extractSeconds = (performance.now() - t0) / 1000;
      mats.trainPatches = train.patches;
      mats.trainEmbeddings = train.embeddings;
      mats.tailViews = views;
      mats.testPatches = test.patches;
      mkdirSync(BANK_DIR, { recursive: true });
      writeBin(
        file,
        shapes.map(([n]) => mats[n]),
      );
      writeFileAtomic(
        `${file}.json`,
        JSON.stringify(
          { spec, label, shapes, images: all.map((p) => p.replace(ROOT + '/', '')), extractSeconds, extractor: d },
          null,
          1,
        ),
      );
    }
    const headImages = imgs.head.length;
    const tailRows = Int32Array.from({ length: imgs.tail.length * P }, (_, i) => headImages * P + i);
    return {
      spec,
      label,
      gridSide: ex.gridH,
      trainPatches: mats.trainPatches,
      trainEmbeddings: mats.trainEmbeddings,
      trainClasses: imgs.classes,
      headImages,
      tailPool: concatRows([takeRows(mats.trainPatches, tailRows), mats.tailViews]),
      tailViews: mats.tailViews,
      testPatches: mats.testPatches,
      testImages: imgs.test.length,
      embedDim: E,
      extractSeconds,
    };
  } finally {
    ex.dispose();
  }
}

/** The head bank alone: the head images' patches (the rows the head coreset and LOF see before filtering). */
export function headBank(b: RealBanks): Matrix {
  const P = b.gridSide * b.gridSide;
  return {
    data: b.trainPatches.data.subarray(0, b.headImages * P * b.spec.dim),
    rows: b.headImages * P,
    cols: b.spec.dim,
  };
}

/** The bench's bank specs: the coreset/kNN banks at 224 and 112 px (bundled 192-d) and the end-to-end sets. */
export const CORESET_SPECS: RealBankSpec[] = [
  {
    family: 'synthetic',
    px: 224,
    dim: 192,
    headClasses: 6,
    headPerClass: 16,
    tailClasses: 6,
    testImages: 36,
    augmentation: 'rot15flip',
  },
  {
    family: 'synth-lookalike',
    px: 112,
    dim: 192,
    headClasses: 6,
    headPerClass: 40,
    tailClasses: 6,
    testImages: 60,
    augmentation: 'rot15flip',
  },
];

export function e2eSpec(dim: number): RealBankSpec {
  return {
    family: 'synthetic',
    px: 112,
    dim,
    headClasses: 6,
    headPerClass: 20,
    tailClasses: 6,
    testImages: 60,
    augmentation: 'rotflip',
  };
}

/**
 * The end-to-end row's training and test feature sets from loaded banks (bench/headline.ts e2eRow and the predict
 * scratch benches): augmentation views come from the extracted tail views of the singleton-class images.
 */
export function e2eFeatures(b: RealBanks): { train: TrainFeatures; test: FeatureSet; viewImages: number[] } {
  const dim = b.spec.dim,
    side = b.gridSide,
    P = side * side,
    n = b.trainEmbeddings.rows,
    V = AUGMENTATION_VIEWS[b.spec.augmentation];
  const viewImages = Array.from({ length: n - b.headImages }, (_, i) => b.headImages + i);
  const train: TrainFeatures = {
    patches: b.trainPatches,
    embeddings: b.trainEmbeddings,
    gridH: side,
    gridW: side,
    imageCount: n,
    inputSize: b.spec.px,
    classNames: b.trainClasses,
    augmentedPatches: async (idx) => {
      const out = zeros(idx.length * V * P, dim);
      idx.forEach((img, k) => {
        const pos = viewImages.indexOf(img);
        if (pos < 0)
          throw new Error(
            `bench: no augmentation views extracted for training image ${img} (TailSampler chose a head image)`,
          );
        out.data.set(b.tailViews.data.subarray(pos * V * P * dim, (pos + 1) * V * P * dim), k * V * P * dim);
      });
      return out;
    },
  };
  const test: FeatureSet = {
    patches: b.testPatches,
    embeddings: zeros(b.testImages, b.embedDim),
    gridH: side,
    gridW: side,
    imageCount: b.testImages,
    inputSize: b.spec.px,
  };
  return { train, test, viewImages };
}
