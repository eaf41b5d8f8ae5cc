/** A tiny fake of the kit for runner tests: deterministic features and scores, no backbone. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset, DatasetImage, Manifest } from '../../src/data/types';
import type { Pipeline } from '../../src/experiments/pipeline';
import type { SplitSpec } from '../../src/data/splits/options';
import type { FeatureSet } from '../../src/features/types';
import { OptionError } from '../../src/util/errors';
import { writeFileAtomic } from '../../src/util/atomic';
import { resolveSplitOptions } from '../../src/data/splits/options';
import { createHash } from 'node:crypto';

/** Writes an MVTec-layout folder of empty "png" files: each class 3 train goods, 2 good + 2 bad tests. */
export function writeFakeDataset(root: string, classes = ['a', 'b', 'c']): void {
  for (const c of classes) {
    for (const [dir, n] of [
      ['train/good', 3],
      ['test/good', 2],
      ['test/bad', 2],
    ] as const) {
      fs.mkdirSync(path.join(root, c, dir), { recursive: true });
      for (let i = 0; i < n; i++) fs.writeFileSync(path.join(root, c, dir, `${i}.png`), '');
    }
  }
}

function loadFake(root: string): Dataset {
  const classes = fs
    .readdirSync(root)
    .sort()
    .map((name) => {
      const img = (split: 'train' | 'test', defect: string, f: string): DatasetImage => ({
        path: path.join(root, name, split, defect, f),
        rel: `${name}/${split}/${defect}/${f}`,
        className: name,
        split,
        defect,
        label: defect === 'good' ? 0 : 1,
      });
      const train = fs
        .readdirSync(path.join(root, name, 'train/good'))
        .sort()
        .map((f) => img('train', 'good', f));
      const test = ['bad', 'good'].flatMap((d) =>
        fs
          .readdirSync(path.join(root, name, 'test', d))
          .sort()
          .map((f) => img('test', d, f)),
      );
      return { name, train, test };
    });
  return { root, classes };
}

export interface FakeCounters {
  extracted: number;
  fits: number;
  extractorsCreated: number;
}

/**
 * The fake as a --pipeline module for the CLI (child-process tests): FAKE_FIT_DELAY_MS slows down every fit after the
 * first FAKE_FAST_FITS (default 0), so a test can stop a runner in the middle of a grid. Loaded by name at run time.
 * @public
 */
export function pipeline(): Pipeline {
  return fakePipeline(undefined, Number(process.env.FAKE_FIT_DELAY_MS ?? 0), Number(process.env.FAKE_FAST_FITS ?? 0));
}

export function fakePipeline(
  counters: FakeCounters = { extracted: 0, fits: 0, extractorsCreated: 0 },
  fitDelayMs = 0,
  fastFits = 0,
): Pipeline {
  let fitsHere = 0;
  const feat = (paths: string[]): FeatureSet => {
    counters.extracted += paths.length;
    const data = new Float32Array(paths.length * 4 * 2);
    paths.forEach((p, i) => {
      for (let j = 0; j < 8; j++) data[i * 8 + j] = ((p.length * (j + 1)) % 7) + (p.includes('bad') ? 5 : 0);
    });
    return {
      patches: { data, rows: paths.length * 4, cols: 2 },
      embeddings: { data: new Float32Array(paths.length), rows: paths.length, cols: 1 },
      gridH: 2,
      gridW: 2,
      imageCount: paths.length,
      inputSize: 4,
    };
  };
  return {
    modelNames: ['patchcore', 'tailedcore'],
    async generateSynthetic(root) {
      if (!fs.existsSync(root)) writeFakeDataset(root);
    },
    async loadDataset(root) {
      return loadFake(root);
    },
    buildSplit(dataset: Dataset, spec: SplitSpec): Manifest {
      // The real split options check (unknown keys, ranges, defaults) and the real builder's k feasibility rule.
      const req = resolveSplitOptions(spec);
      const k = req.k;
      if (req.tailType === 'step' && k > dataset.classes[0].train.length)
        throw new OptionError(
          `option k=${k} is larger than class "${dataset.classes[0].name}"'s ${dataset.classes[0].train.length} training images`,
        );
      // Class "a" is tail with k goods; every other class keeps all and gets round(noise * n) injected anomalies.
      return {
        seed: req.seed,
        options: { ...spec },
        classes: dataset.classes.map((c, i) => {
          const tail = i === 0;
          const good = tail ? c.train.slice(0, req.tailType === 'step' ? k : 2) : c.train;
          const bad = c.test.filter((t) => t.label === 1).slice(0, tail ? 0 : Math.round(req.noiseRatio * 10));
          return { name: c.name, isTail: tail, trainGood: good.map((g) => g.rel), injected: bad.map((b) => b.rel) };
        }),
      };
    },
    trainPaths(dataset, manifest) {
      const paths: string[] = [];
      const classNames: string[] = [];
      for (const c of manifest.classes)
        for (const rel of [...c.trainGood, ...c.injected]) {
          paths.push(path.join(dataset.root, rel));
          classNames.push(c.name);
        }
      return { paths, classNames };
    },
    async createExtractor(options) {
      for (const k of Object.keys(options))
        if (!['cacheDir', 'resize', 'crop'].includes(k))
          throw new OptionError(`FakeExtractor: unknown option "${k}" (known options: cacheDir, resize, crop)`);
      counters.extractorsCreated++;
      const cacheDir = options.cacheDir as string | undefined;
      // With cacheDir: one small file per image (written atomically), so a features stage can fill it for the fit shards.
      const cached = async (paths: string[]): Promise<FeatureSet> => {
        if (!cacheDir) return feat(paths);
        const file = (p: string) =>
          path.join(cacheDir, createHash('sha256').update(p).digest('hex').slice(0, 16) + '.txt');
        const miss = paths.filter((p) => !fs.existsSync(file(p)));
        if (miss.length) {
          feat(miss);
          for (const p of miss) writeFileAtomic(file(p), p);
        }
        const f = feat(paths);
        counters.extracted -= paths.length; // only misses count as extraction
        return f;
      };
      return {
        extract: cached,
        augmentedPatches: async () => {
          throw new Error('unused');
        },
        describe: () => ({ fake: true, resize: 2, crop: 2 }),
      };
    },
    createModel(name, options, ctx) {
      for (const k of Object.keys(options))
        if (k !== 'bias') throw new OptionError(`${name}: unknown option "${k}" (known options: bias)`);
      const bias = (options.bias as number | undefined) ?? 0;
      let trainMean = 0;
      return {
        name,
        async fit(train) {
          counters.fits++;
          if (fitDelayMs > 0 && ++fitsHere > fastFits) await new Promise((r) => setTimeout(r, fitDelayMs));
          trainMean = train.patches.data.reduce((a, b) => a + b, 0) / train.patches.data.length;
        },
        async predict(test) {
          const s = new Float32Array(test.imageCount);
          for (let i = 0; i < test.imageCount; i++)
            s[i] = test.patches.data[i * 8] - trainMean + bias + ctx.seed * 0.01;
          return { imageScores: s, maps: new Float32Array(test.imageCount * 4), mapSize: 2 };
        },
        dispose() {},
      };
    },
    async loadMasks(images, { crop }) {
      return new Uint8Array(images.length * crop * crop);
    },
    evaluateClass({ labels, imageScores }) {
      let pos = 0;
      for (let i = 0; i < labels.length; i++) if (labels[i]) pos += imageScores[i];
      return { image_auroc: pos, pixel_auroc: labels.length, aupro: NaN, f1_max: 0.5 };
    },
    backend: () => 'fake',
  };
}
