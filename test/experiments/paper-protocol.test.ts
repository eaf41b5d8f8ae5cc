/**
 * The paper's protocol end to end, small: a dataset with real MVTec AD class, defect and file names, manifests in the
 * authors' format, a tiny CNN exported to ONNX with the WRN50 output names, and the experiment runner on the kit's
 * real pipeline. Plus: the shipped configs/paper-*.json pass the runner's preflight once their placeholder paths
 * point at fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { expandGrid } from '../../src/experiments/grid';
import { runExperiment, preflight } from '../../src/experiments/runner';
import { preflightSources } from '../../src/experiments/split-source';
import { readResults } from '../../src/results/results-file';
import { kitPipeline } from '../../src/experiments/kit-pipeline';
import type { Pipeline } from '../../src/experiments/pipeline';
import { MODEL_NAMES } from '../../src/models';
import { OptionError, InputError } from '../../src/util/errors';
import {
  writeFixtureDataset,
  writeOfficialManifests,
  MVTEC_FIXTURE_DEFECTS,
  VISA_FIXTURE_DEFECTS,
  FixtureClass,
} from '../data/official-fixture';
import { writeTinyCnn } from '../features/tiny-onnx';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-paper-'));
const mvtecRoot = path.join(dir, 'mvtec');
const mvtecManifests = path.join(dir, 'manifest', 'mvtecad-nlt');
const onnx = path.join(dir, 'tiny.onnx');
let mvtecClasses: FixtureClass[] = [];

/** Per class: kept + injected from the official files of one setting and seed. */
function countsFromFiles(setting: string, seed: number): Map<string, { train: number; noise: number }> {
  const sd = path.join(mvtecManifests, setting, `seed${String(seed).padStart(2, '0')}`);
  const lines = (f: string) =>
    fs
      .readFileSync(path.join(sd, f), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  const out = new Map(mvtecClasses.map((c) => [c.name, { train: c.train.length, noise: 0 }]));
  for (const l of lines('prune_good.txt')) out.get(l.split('/')[0])!.train--;
  for (const l of lines('inject_defects.txt')) {
    const c = out.get(l.split('/')[0])!;
    c.train++;
    c.noise++;
  }
  return out;
}

test.before(async () => {
  // 4 classes x 10 goods, 2 test goods + 2 defect types x 2 (32 x 32 px)
  mvtecClasses = await writeFixtureDataset(mvtecRoot, { defects: MVTEC_FIXTURE_DEFECTS, train: 10, perDefect: 2 });
  // noise ratio 0.1 exactly: step heads keep 10 and inject 1; Pareto keeps 10+10+5+5 and injects 3
  writeOfficialManifests(mvtecManifests, mvtecClasses, {
    settings: ['step_k1', 'step_k4', 'pareto'],
    seeds: [1, 2, 3, 4, 5],
    ratio: 0.1,
    paretoKeep: [10, 10, 5, 5],
    paretoInject: [2, 1, 0, 0],
  });
  writeTinyCnn(onnx);
});

function paperConfig(extra: Record<string, unknown> = {}, features: Record<string, unknown> = {}) {
  return resolveConfig(
    {
      run: 'paper',
      resultsDir: path.join(dir, 'results'),
      datasets: [{ root: mvtecRoot, name: 'mvtec', officialManifests: mvtecManifests }],
      tailTypes: ['step', 'pareto'],
      ks: [1],
      noiseRatios: [0.1],
      seeds: [1, 2],
      methods: ['patchcore', 'tailedcore'],
      features: {
        backbone: { onnx, intraOpNumThreads: 1, ...features },
        resize: 16,
        crop: 16,
        targetDim: 16,
        cacheDir: null,
      },
      ...extra,
    },
    MODEL_NAMES,
  );
}

/** The kit's pipeline, recording each model's context and each augmentation call. */
function recordingPipeline() {
  const base = kitPipeline();
  const log = {
    models: [] as { name: string; augmentation: string; seed: number }[],
    augCalls: [] as { expected: string; got: string; images: number }[],
    extractors: 0,
  };
  let current = '';
  const pipeline: Pipeline = {
    ...base,
    createModel(name, options, ctx) {
      log.models.push({ name, augmentation: ctx.augmentation, seed: ctx.seed });
      current = ctx.augmentation;
      return base.createModel(name, options, ctx);
    },
    async createExtractor(o) {
      log.extractors++;
      const fx = await base.createExtractor(o);
      return {
        extract: (p) => fx.extract(p),
        augmentedPatches: (p, t) => {
          log.augCalls.push({ expected: current, got: t, images: p.length });
          return fx.augmentedPatches(p, t);
        },
        describe: () => fx.describe(),
        dispose: () => fx.dispose?.(),
      };
    },
  };
  return { pipeline, log };
}

test("the runner on official manifests: train counts per class are the manifests', Pareto cells use rot30flip, rows carry setting/K/noise/seed", async () => {
  const config = paperConfig();
  const { pipeline, log } = recordingPipeline();
  const s = await runExperiment(config, pipeline, { quiet: true });
  // (step K=1 + Pareto) x seeds 1, 2 x 2 methods
  assert.equal(s.ranCells, 8);
  const rows = readResults(s.dir);
  assert.equal(rows.length, 8 * 4 * 4);
  for (const tail of ['step', 'pareto']) {
    for (const seed of [1, 2]) {
      const want = countsFromFiles(tail === 'step' ? 'step_k1' : 'pareto', seed);
      const got = rows.filter((r) => r.tail_type === tail && r.seed === seed && r.metric === 'image_auroc');
      assert.equal(got.length, 2 * 4);
      for (const r of got) {
        assert.deepEqual(
          { train: r.train_count, noise: r.noise_count },
          want.get(r.class),
          `${tail} seed ${seed} ${r.class} ${r.method}`,
        );
        assert.equal(r.k, tail === 'step' ? 1 : null);
        assert.equal(r.noise_ratio, 0.1);
      }
    }
  }
  // seed 1 and seed 2 are different official compositions, so the runner did pick seed01 and seed02
  const bySeed = (seed: number) =>
    JSON.stringify(
      rows
        .filter(
          (r) => r.seed === seed && r.tail_type === 'step' && r.metric === 'image_auroc' && r.method === 'patchcore',
        )
        .map((r) => r.train_count),
    );
  assert.notEqual(bySeed(1), bySeed(2));
  // every value is a real number where defined (image AUROC in [0, 1])
  assert.ok(rows.filter((r) => r.metric === 'image_auroc').every((r) => r.value >= 0 && r.value <= 1));

  // the models of the cells (after the preflight's probes, two per method and tail type: the option check, then the
  // data-dependent check of LOF k): step rot15flip, Pareto rot30flip, model seed 0
  const cells = log.models.slice(2 * config.methods.length * config.tailTypes.length);
  assert.equal(cells.length, 8);
  const cellOrder = expandGrid(config);
  cells.forEach((m, i) => {
    assert.equal(m.augmentation, cellOrder[i].tailType === 'pareto' ? 'rot30flip' : 'rot15flip');
    assert.equal(m.seed, 0);
  });
  // TailedCore really rendered those views: every augmentation call used the cell's type, and Pareto cells made some
  assert.ok(log.augCalls.length > 0);
  assert.ok(log.augCalls.every((c) => c.got === c.expected));
  assert.ok(log.augCalls.some((c) => c.got === 'rot30flip'));
  const env = JSON.parse(fs.readFileSync(path.join(s.dir, 'env.json'), 'utf8'));
  assert.match(env.features.backboneId, /^onnx:[0-9a-f]{12}$/);
  assert.deepEqual(env.features.patchLayers, ['layer2', 'layer3']);
});

test('preflight, before any work: wrong output name, wrong rank, missing model, other noise ratio, missing seed', async () => {
  const { pipeline, log } = recordingPipeline();
  const run = (c: ReturnType<typeof paperConfig>) => runExperiment({ ...c, run: 'bad' }, pipeline, { quiet: true });
  await assert.rejects(
    run(paperConfig({}, { patchLayers: ['layer2', 'layer4'] })),
    (e: Error) =>
      e instanceof OptionError &&
      /output "layer4" is not in the model \(outputs: layer2, layer3, avgpool\)/.test(e.message),
  );
  await assert.rejects(run(paperConfig({}, { embeddingLayer: 'fc' })), /output "fc" is not in the model/);
  const badRank = writeTinyCnn(path.join(dir, 'bad-rank.onnx'), { badRank: true });
  await assert.rejects(run(paperConfig({}, { onnx: badRank })), /patch output "layer3" has rank 3/);
  await assert.rejects(
    run(paperConfig({}, { onnx: path.join(dir, 'missing.onnx') })),
    (e: Error) => e instanceof InputError && /ONNX model not found/.test(e.message),
  );
  await assert.rejects(
    run(paperConfig({ noiseRatios: [0.05] })),
    /has noise ratio 0\.1, but the config asks for 0\.05.*set "noiseRatios" to \[0\.1\]/,
  );
  await assert.rejects(
    run(paperConfig({ seeds: [6] })),
    /no official manifest for step_k1 seed 6: .*seed06 does not exist \(found seed01, seed02, seed03, seed04, seed05\)/,
  );
  await assert.rejects(run(paperConfig({ seeds: [0] })), /seed 0 has no folder/);
  const withBackend = paperConfig();
  await assert.rejects(
    run({ ...withBackend, features: { ...withBackend.features, backend: 'wasm' } }),
    /an ONNX backbone runs on onnxruntime: set features.backbone.executionProviders/,
  );
  assert.equal(log.extractors, 0);
  assert.ok(!fs.existsSync(path.join(dir, 'results', 'bad', 'results.csv')));
});

/** Reads a shipped config and points its placeholder paths at fixtures. */
function shipped(
  file: string,
  set: (
    raw: Record<string, unknown> & {
      datasets: Record<string, unknown>[];
      features: { backbone: Record<string, unknown> } & Record<string, unknown>;
    },
  ) => void,
) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete raw.$comment;
  raw.resultsDir = path.join(dir, 'shipped-results');
  set(raw);
  return resolveConfig(raw, MODEL_NAMES);
}

test("configs/paper-mvtec.json: the full protocol, and it passes the runner's preflight with fixture paths", async () => {
  const c = shipped('configs/paper-mvtec.json', (raw) => {
    raw.datasets[0].root = mvtecRoot;
    raw.datasets[0].officialManifests = mvtecManifests;
    raw.features.backbone.onnx = onnx;
  });
  assert.deepEqual([c.features.resize, c.features.crop, c.features.targetDim], [256, 224, 1024]);
  assert.deepEqual(c.features.backbone, {
    onnx,
    patchLayers: ['layer2', 'layer3'],
    embeddingLayer: 'avgpool',
    executionProviders: ['cpu'],
  });
  assert.deepEqual([c.seeds, c.modelSeed, c.noiseRatios], [[1, 2, 3, 4, 5], 0, [0.1]]);
  assert.deepEqual(
    c.methods.map((m) => m.name),
    ['patchcore', 'softpatch', 'tailedcore'],
  );
  assert.deepEqual(c.datasets[0].augmentation, { step: 'rot15flip', pareto: 'rot30flip' });
  assert.equal(expandGrid(c).length, 3 * 5 * 3);
  const pipeline = kitPipeline();
  preflight(c, pipeline);
  await preflightSources(c, pipeline); // 15 manifests, the ONNX model at 224
});

test('configs/paper-visa.json: rotflip for every tail type, 5 % noise, and it passes preflight; VisA classes as kind mvtec do not', async () => {
  const root = path.join(dir, 'objects'); // a folder name that does not say "visa"
  const manifests = path.join(dir, 'manifest', 'visa-nlt');
  const classes = await writeFixtureDataset(root, {
    defects: VISA_FIXTURE_DEFECTS,
    train: 20,
    perDefect: 2,
    ext: 'JPG',
    size: 16,
  });
  writeOfficialManifests(manifests, classes, {
    settings: ['step_k1', 'step_k4', 'pareto'],
    seeds: [1, 2, 3, 4, 5],
    ratio: 0.05,
    paretoKeep: [20, 15, 5],
    paretoInject: [2, 0, 0],
  });
  const c = shipped('configs/paper-visa.json', (raw) => {
    raw.datasets[0].root = root;
    raw.datasets[0].officialManifests = manifests;
    raw.features.backbone.onnx = onnx;
  });
  assert.equal(c.datasets[0].kind, 'visa');
  assert.deepEqual(c.noiseRatios, [0.05]);
  assert.ok(expandGrid(c).every((cell) => cell.augmentation === 'rotflip'));
  const pipeline = kitPipeline();
  preflight(c, pipeline);
  await preflightSources(c, pipeline);
  // without its augmentation and kind, a VisA folder named otherwise would be rot15flip: preflight refuses
  const asMvtec = shipped('configs/paper-visa.json', (raw) => {
    raw.datasets[0] = { root, name: 'ds', officialManifests: path.join(dir, 'elsewhere') };
    raw.features.backbone.onnx = onnx;
  });
  assert.equal(asMvtec.datasets[0].kind, 'mvtec');
  await assert.rejects(
    preflightSources(asMvtec, pipeline),
    /holds VisA's classes but its kind is "mvtec"; set "kind": "visa"/,
  );
  // the kind alone gives rotflip
  const byKind = resolveConfig({ datasets: [{ root, name: 'ds', kind: 'visa' }] }, MODEL_NAMES);
  assert.deepEqual(byKind.datasets[0].augmentation, { step: 'rotflip', pareto: 'rotflip' });
});

test("the session keeps an official manifest's setting: Pareto is augmented with rot30flip and labelled Pareto / 0.1 / seed 2", async () => {
  const { openSession } = await import('../../src/session');
  const { pipeline, log } = recordingPipeline();
  const session = await openSession({
    root: mvtecRoot,
    quiet: true,
    pipeline,
    features: { backbone: { onnx, intraOpNumThreads: 1 }, resize: 16, crop: 16, targetDim: 16, cacheDir: null },
  });
  try {
    assert.equal(session.kind, 'mvtec');
    const split = session.officialSplit({ folder: mvtecManifests, tailType: 'pareto', seed: 2 });
    assert.deepEqual([split.options.tail, split.options.noiseRatio, split.seed], ['pareto', 0.1, 2]);
    const r = await session.evaluate(split, 'tailedcore');
    assert.deepEqual(log.models.at(-1), { name: 'tailedcore', augmentation: 'rot30flip', seed: 0 });
    assert.ok(
      r.rows.every((row) => row.tail_type === 'pareto' && row.k === null && row.noise_ratio === 0.1 && row.seed === 2),
    );
    const want = countsFromFiles('pareto', 2);
    for (const c of r.classes) assert.deepEqual({ train: c.trainCount, noise: c.noiseCount }, want.get(c.name));
    const step = session.officialSplit(path.join(mvtecManifests, 'step_k4', 'seed03'));
    assert.deepEqual([step.options.tail, step.options.k, step.seed], ['step', 4, 3]);
    await assert.rejects(
      session.evaluate({ seed: 0, options: {}, classes: split.classes }, 'patchcore'),
      /the manifest has no tail type/,
    );
  } finally {
    session.dispose();
  }
});
