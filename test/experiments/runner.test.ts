import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment } from '../../src/experiments/runner';
import { readResults, RESULT_COLUMNS, formatRow } from '../../src/experiments/results-file';
import { fakePipeline, writeFakeDataset } from './fake-pipeline';

function tmp(): string { return fs.mkdtempSync(path.join(os.tmpdir(), 'tc-exp-')); }

function config(dir: string, extra: Record<string, unknown> = {}) {
  return resolveConfig({
    run: 'r1', resultsDir: path.join(dir, 'results'),
    datasets: [{ root: path.join(dir, 'data'), name: 'fake', synthetic: true }],
    tailTypes: ['step', 'pareto'], ks: [1], noiseRatios: [0, 0.2], seeds: [0, 1], methods: ['patchcore', { name: 'tailedcore', options: { bias: 1 } }],
    ...extra,
  }, ['patchcore', 'tailedcore']);
}

test('a full run writes one row per cell x class x metric, with the documented columns', async () => {
  const dir = tmp();
  const counters = { extracted: 0, fits: 0, extractorsCreated: 0 };
  const s = await runExperiment(config(dir), fakePipeline(counters), { quiet: true });
  // (step K=1 + pareto) x 2 noise x 2 seeds x 2 methods = 16 cells; 3 classes; 4 metrics
  assert.equal(s.totalCells, 16);
  assert.equal(s.ranCells, 16);
  const text = fs.readFileSync(path.join(s.dir, 'results.csv'), 'utf8');
  assert.equal(text.split('\n')[0], RESULT_COLUMNS.join(','));
  const rows = readResults(s.dir);
  assert.equal(rows.length, 16 * 3 * 4);
  // every image (3 classes x 7) extracted exactly once, shared by all cells
  assert.equal(counters.extracted, 21);
  assert.equal(counters.fits, 16);
  const a = rows.find((r) => r.class === 'a' && r.tail_type === 'step' && r.noise_ratio === 0.2 && r.metric === 'image_auroc')!;
  assert.equal(a.is_tail, true);
  assert.equal(a.train_count, 1);
  assert.equal(a.k, 1);
  const b = rows.find((r) => r.class === 'b' && r.tail_type === 'pareto' && r.noise_ratio === 0.2)!;
  assert.deepEqual([b.train_count, b.noise_count, b.k, b.is_tail], [5, 2, null, true]);
  assert.ok(rows.filter((r) => r.metric === 'aupro').every((r) => Number.isNaN(r.value)));
  for (const f of ['config.json', 'env.json', 'cells.log']) assert.ok(fs.existsSync(path.join(s.dir, f)), f);
  const env = JSON.parse(fs.readFileSync(path.join(s.dir, 'env.json'), 'utf8'));
  assert.equal(env.backend, 'fake');
  assert.deepEqual(env.seeds, [0, 1]);
  assert.deepEqual(env.features, { fake: true });
  // a rerun finds everything done and does no work
  const again = await runExperiment(config(dir), fakePipeline(counters), { quiet: true });
  assert.equal(again.ranCells, 0);
  assert.equal(counters.extractorsCreated, 1);
  assert.equal(readResults(s.dir).length, rows.length);
});

test('a run killed between cells, with a torn last line, resumes without duplicated or lost rows', async () => {
  const ref = tmp();
  const full = await runExperiment(config(ref), fakePipeline(), { quiet: true });
  const want = fs.readFileSync(path.join(full.dir, 'results.csv'), 'utf8');

  const dir = tmp();
  const first = await runExperiment(config(dir), fakePipeline(), { quiet: true, maxCells: 5 });
  assert.equal(first.ranCells, 5);
  const res = path.join(first.dir, 'results.csv');
  // killed after appending the next cell's rows but before its cells.log entry, mid-way through a line
  const fullRows = readResults(full.dir);
  const sixth = fullRows.slice(5 * 12, 6 * 12).map(formatRow).join('');
  fs.appendFileSync(res, sixth + sixth.slice(0, 17));
  fs.appendFileSync(path.join(first.dir, 'cells.log'), 'fake|step|1|0.2|0|pat');
  const second = await runExperiment(config(dir), fakePipeline(), { quiet: true });
  assert.equal(second.skippedCells, 5);
  assert.equal(second.ranCells, 11);
  assert.equal(fs.readFileSync(res, 'utf8'), want);
});

test('bad input fails before any work: dataset not in MVTec layout, unwritable results, unknown model option, changed config', async () => {
  const dir = tmp();
  const counters = { extracted: 0, fits: 0, extractorsCreated: 0 };
  fs.mkdirSync(path.join(dir, 'notmvtec', 'x'), { recursive: true });
  await assert.rejects(runExperiment(config(dir, { datasets: [path.join(dir, 'notmvtec')] }), fakePipeline(counters), { quiet: true }),
    /not in MVTec layout: no <class>\/train\/good folder/);
  await assert.rejects(runExperiment(config(dir, { datasets: [path.join(dir, 'missing')] }), fakePipeline(counters), { quiet: true }), /does not exist/);
  writeFakeDataset(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'afile'), '');
  await assert.rejects(runExperiment(config(dir, { resultsDir: path.join(dir, 'afile') }), fakePipeline(counters), { quiet: true }), /cannot create results folder .*afile is a file, not a folder \(ENOTDIR\)/);
  await assert.rejects(runExperiment(config(dir, { methods: [{ name: 'patchcore', options: { ratio: 2 } }] }), fakePipeline(counters), { quiet: true }), /unknown option "ratio"/);
  assert.equal(counters.extractorsCreated, 0);
  await runExperiment(config(dir, { seeds: [0], noiseRatios: [0], tailTypes: ['step'] }), fakePipeline(counters), { quiet: true });
  await assert.rejects(runExperiment(config(dir, { seeds: [1], noiseRatios: [0], tailTypes: ['step'] }), fakePipeline(counters), { quiet: true }), /holds a run with a different config/);
});

test('after a run, writeRunOutputs writes the summary and the figures beside results.csv', async () => {
  const { writeRunOutputs } = await import('../../src/experiments/outputs');
  const dir = tmp();
  const s = await runExperiment(config(dir, { tailTypes: ['step'], seeds: [0] }), fakePipeline(), { quiet: true });
  const out = await writeRunOutputs(s.dir);
  assert.match(out.summaryMarkdown, /^\| setting \| noise \| method \|/);
  for (const f of ['summary.csv', 'summary.md', 'summary-image-auroc.md', 'tradeoff.svg', 'tradeoff.png', 'tradeoff-pixel.svg', 'per-class-step-K-1-noise0-seed0.svg']) {
    assert.ok(fs.existsSync(path.join(s.dir, f)), f);
  }
});
