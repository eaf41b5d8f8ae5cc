import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment } from '../../src/experiments/runner';
import { mergeRun } from '../../src/experiments/run-folder';
import { emitJobs } from '../../src/experiments/emit';
import type { Pipeline } from '../../src/experiments/pipeline';
import { InputError, OptionError } from '../../src/util/errors';
import { fakePipeline, writeFakeDataset } from './fake-pipeline';
import { smallGrid } from './cli-helpers';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tc-rel-'));
const NAMES = ['patchcore', 'tailedcore'];
const config = (dir: string, extra: Record<string, unknown> = {}) => resolveConfig(smallGrid(dir, extra), NAMES);
const quiet = { quiet: true };

test('noise ratios that print as one percentage (0.1 and 0.104: "10%") are refused, naming the key', () => {
  const dir = tmp();
  assert.throws(
    () => config(dir, { noiseRatios: [0.1, 0.104] }),
    (e: unknown) =>
      e instanceof OptionError &&
      /config key "noiseRatios": 0\.1 and 0\.104 both read as 10% in summaries and figure names/.test(e.message),
  );
  assert.throws(
    () => config(dir, { datasets: [{ root: path.join(dir, 'd'), noiseRatios: [0.05, 0.049] }] }),
    /config key "datasets\[0\]\.noiseRatios": 0\.05 and 0\.049 both read as 5%/,
  );
  assert.deepEqual(config(dir, { noiseRatios: [0.1, 0.11] }).noiseRatios, [0.1, 0.11]);
});

test('a grid never runs a split whose realised noise ratio differs from its label (noiseShortfall "allow" refused in preflight)', async () => {
  const dir = tmp();
  const p = fakePipeline();
  const pipeline: Pipeline = {
    ...p,
    buildSplit: async (ds, req) => {
      const m = await p.buildSplit(ds, req);
      return req.noiseRatio === 0.2 ? { ...m, options: { ...m.options, realisedNoiseRatio: 0.15 } } : m;
    },
  };
  await assert.rejects(
    runExperiment(config(dir), pipeline, quiet),
    (e: unknown) =>
      e instanceof OptionError &&
      /dataset "fake", step K=1, noise 0\.2, seed 0: noise 0\.2 cannot be met \(the split realises 0\.15\)/.test(
        e.message,
      ),
  );
  assert.ok(!fs.existsSync(path.join(dir, 'results', 'r1')));
});

test('an evaluation error names the class and the cell', async () => {
  const dir = tmp();
  const p = fakePipeline();
  const pipeline: Pipeline = {
    ...p,
    evaluateClass: (input) => {
      if (input.labels.length === 4 && input.imageScores[0] > 1000) return p.evaluateClass(input);
      throw new InputError('metric image_auroc: scores: NaN at index 1; scores must be finite');
    },
  };
  await assert.rejects(
    runExperiment(config(dir), pipeline, quiet),
    (e: unknown) =>
      e instanceof InputError &&
      e.message ===
        'class "a" (dataset "fake", step K=1, noise 0, seed 0, method patchcore): metric image_auroc: scores: NaN at index 1; scores must be finite',
  );
});

test('--emit on a run already split another way is refused before any job file is written', async () => {
  const dir = tmp();
  const cfg = config(dir);
  await runExperiment(cfg, fakePipeline(), { ...quiet, shard: { index: 0, count: 3 } });
  const out = path.join(dir, 'slurm');
  assert.throws(
    () => emitJobs(cfg, 'slurm', { configFile: '/c.json', shards: 2, out, workdir: dir }),
    /run "r1" is already split into 3 shard\(s\) \(parts\/0-of-3\); jobs for --shards 2 would all be refused\. Emit with --shards 3/,
  );
  assert.ok(!fs.existsSync(out));
  emitJobs(cfg, 'slurm', { configFile: '/c.json', shards: 3, out, workdir: dir });
  assert.ok(fs.existsSync(path.join(out, 'fits.sbatch')));
});

test('the merge names a checksum-damaged cell as damaged (not missing) and says which shard recomputes it', async () => {
  const dir = tmp();
  writeFakeDataset(path.join(dir, 'data'));
  const cfg = config(dir);
  await runExperiment(cfg, fakePipeline(), { ...quiet, shard: { index: 0, count: 2 } });
  await runExperiment(cfg, fakePipeline(), { ...quiet, shard: { index: 1, count: 2 } });
  const part = path.join(dir, 'results', 'r1', 'parts', '0-of-2', 'results.csv');
  const lines = fs.readFileSync(part, 'utf8').split('\n');
  lines[1] = lines[1].replace(/,([0-9.]+)$/, ',0.123456'); // an edited value: same row count, other checksum
  fs.writeFileSync(part, lines.join('\n'));
  await assert.rejects(mergeRun(cfg), (e: unknown) => {
    const m = (e as Error).message;
    return (
      /1 cell\(s\) are damaged: their rows are cut or do not match their checksum \(fake\|step\|1\|0\|0\|patchcore\); rerun shard\(s\) 0\/2 to recompute them/.test(
        m,
      ) && !/missing/.test(m)
    );
  });
});
