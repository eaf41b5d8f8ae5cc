import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import realFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment } from '../../src/experiments/runner';
import type { Pipeline } from '../../src/experiments/pipeline';
import { InputError, OptionError } from '../../src/util/errors';
import { fakePipeline, writeFakeDataset } from './fake-pipeline';
import { smallGrid } from './cli-helpers';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tc-pre-'));
const config = (dir: string, extra: Record<string, unknown> = {}) =>
  resolveConfig(smallGrid(dir, extra), ['patchcore', 'tailedcore']);
const quiet = { quiet: true };
const runFolder = (dir: string) => path.join(dir, 'results', 'r1');

/** The fake pipeline whose models report LOF options as MemoryBankModel does (options.lofK, denoise 'lof'). */
function lofPipeline(): Pipeline {
  const p = fakePipeline();
  return {
    ...p,
    createModel: (name, options, ctx) => {
      const { lofK, ...rest } = options;
      const m = p.createModel(name, rest, ctx);
      return Object.assign(m, { options: { denoise: 'lof', weighting: 'none', lofK: lofK ?? 6 } });
    },
  };
}

test('LOF k >= the training images of a split fails in preflight, naming the key and the cell, before the run folder exists', async () => {
  const dir = tmp();
  writeFakeDataset(path.join(dir, 'data'));
  const cfg = config(dir, { methods: [{ name: 'tailedcore', options: { lofK: 8 } }] });
  await assert.rejects(
    runExperiment(cfg, lofPipeline(), quiet),
    (e: unknown) =>
      e instanceof OptionError &&
      /^methods\[0\]\.options\.lofK \(tailedcore\): LOF's k=8 must be smaller than the number of training images it runs across, but dataset "fake", step K=1, noise 0, seed 0 trains on 7; set lofK to at most 6$/.test(
        e.message,
      ),
  );
  assert.ok(!fs.existsSync(runFolder(dir)));
  const ok = await runExperiment(
    config(dir, { methods: [{ name: 'tailedcore', options: { lofK: 6 } }] }),
    lofPipeline(),
    quiet,
  );
  assert.equal(ok.ranCells, 8);
});

test('a feature cache folder that cannot be written fails before the run folder: a file in the way, a read-only mount', async () => {
  const dir = tmp();
  writeFakeDataset(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'afile'), '');
  await assert.rejects(
    runExperiment(config(dir, { features: { cacheDir: path.join(dir, 'afile', 'cache') } }), fakePipeline(), quiet),
    /cannot create feature cache folder \(config key "features\.cacheDir"\) .*afile is a file, not a folder/,
  );
  const ro = path.join(dir, 'ro');
  fs.mkdirSync(ro);
  const erofs = (p: fs.PathLike) => {
    if (String(p) === ro)
      throw Object.assign(new Error(`EROFS: read-only file system, access '${ro}'`), { code: 'EROFS' });
  };
  mock.method(realFs, 'accessSync', erofs);
  try {
    await assert.rejects(
      runExperiment(config(dir, { features: { cacheDir: path.join(ro, 'cache') } }), fakePipeline(), quiet),
      /cannot create feature cache folder \(config key "features\.cacheDir"\) .* in .*ro: the file system is read-only \(EROFS\); choose a folder on a writable disk/,
    );
    // The results folder on a read-only mount: read-only, not "fix its permissions".
    await assert.rejects(
      runExperiment(config(dir, { resultsDir: path.join(ro, 'results') }), fakePipeline(), quiet),
      (e: unknown) =>
        e instanceof InputError && /read-only \(EROFS\)/.test(e.message) && !/permissions/.test(e.message),
    );
  } finally {
    mock.restoreAll();
  }
  assert.ok(!fs.existsSync(runFolder(dir)));
});

test('each config path is checked for its kind and readability, one line naming the key', async () => {
  const dir = tmp();
  writeFakeDataset(path.join(dir, 'data'));
  writeFakeDataset(path.join(dir, 'real'));
  fs.writeFileSync(path.join(dir, 'afile'), '');
  const real = (extra: Record<string, unknown>) => [{ root: path.join(dir, 'real'), name: 'real', ...extra }];
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { datasets: real({ officialManifests: path.join(dir, 'afile') }) },
      /^config key "datasets\[0\]\.officialManifests": .*afile is a file; it must be a folder$/,
    ],
    [
      { datasets: real({ officialManifests: path.join(dir, 'none') }) },
      /^config key "datasets\[0\]\.officialManifests": .*none does not exist$/,
    ],
    [
      { datasets: [path.join(dir, 'afile')] },
      /^config key "datasets\[0\]\.root": .*afile is a file; it must be a folder$/,
    ],
    [
      { features: { backbone: { onnx: dir, patchLayers: ['a'], embeddingLayer: 'b' } } },
      /^config key "features\.backbone\.onnx": .* is a folder; it must be a file$/,
    ],
  ];
  for (const [extra, re] of cases)
    await assert.rejects(runExperiment(config(dir, extra), fakePipeline(), quiet), (e: Error) => re.test(e.message));
  // An unreadable dataset folder: a permission problem, in one line.
  const denied = path.join(dir, 'real');
  mock.method(realFs, 'accessSync', (p: fs.PathLike) => {
    if (String(p) === denied) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  });
  try {
    await assert.rejects(runExperiment(config(dir, { datasets: [denied] }), fakePipeline(), quiet), (e: Error) =>
      /^config key "datasets\[0\]\.root": cannot read .*real: permission denied \(EACCES\); fix its permissions/.test(
        e.message,
      ),
    );
  } finally {
    mock.restoreAll();
  }
  assert.ok(!fs.existsSync(runFolder(dir)));
});
