import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment, runFeatureStage } from '../../src/experiments/runner';
import { mergeRun } from '../../src/experiments/run-folder';
import { readResults, RESULT_COLUMNS, formatRow } from '../../src/results/results-file';
import { fakePipeline, writeFakeDataset } from './fake-pipeline';
import { smallGrid } from './cli-helpers';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tc-exp-'));
}

function config(dir: string, extra: Record<string, unknown> = {}) {
  return resolveConfig(smallGrid(dir, extra), ['patchcore', 'tailedcore']);
}

const part = (runDir: string) => path.join(runDir, 'parts', '0-of-1');
const quiet = { quiet: true };

/** The single-process results.csv of the default test config (computed once). */
let reference: string | undefined;
async function referenceText(): Promise<string> {
  if (reference === undefined) {
    const s = await runExperiment(config(tmp()), fakePipeline(), quiet);
    reference = fs.readFileSync(path.join(s.dir, 'results.csv'), 'utf8');
  }
  return reference;
}

test('a full run writes one row per cell x class x metric, with the documented columns; a rerun does no work', async () => {
  const dir = tmp();
  const counters = { extracted: 0, fits: 0, extractorsCreated: 0 };
  const s = await runExperiment(config(dir), fakePipeline(counters), quiet);
  // (step K=1 + pareto) x 2 noise x 2 seeds x 2 methods = 16 cells; 3 classes; 4 metrics
  assert.equal(s.totalCells, 16);
  assert.equal(s.ranCells, 16);
  assert.ok(s.merged);
  const text = fs.readFileSync(path.join(s.dir, 'results.csv'), 'utf8');
  assert.equal(text.split('\n')[0], RESULT_COLUMNS.join(','));
  const rows = readResults(s.dir);
  assert.equal(rows.length, 16 * 3 * 4);
  // every image (3 classes x 7) extracted exactly once, shared by all cells
  assert.equal(counters.extracted, 21);
  assert.equal(counters.fits, 16);
  const a = rows.find(
    (r) => r.class === 'a' && r.tail_type === 'step' && r.noise_ratio === 0.2 && r.metric === 'image_auroc',
  )!;
  assert.equal(a.is_tail, true);
  assert.equal(a.train_count, 1);
  assert.equal(a.k, 1);
  const b = rows.find((r) => r.class === 'b' && r.tail_type === 'pareto' && r.noise_ratio === 0.2)!;
  assert.deepEqual([b.train_count, b.noise_count, b.k, b.is_tail], [5, 2, null, true]);
  assert.ok(rows.filter((r) => r.metric === 'aupro').every((r) => Number.isNaN(r.value)));
  for (const f of ['config.json', 'env.json', 'fingerprint.json', 'parts/0-of-1/cells.log', 'parts/0-of-1/results.csv'])
    assert.ok(fs.existsSync(path.join(s.dir, f)), f);
  const env = JSON.parse(fs.readFileSync(path.join(s.dir, 'env.json'), 'utf8'));
  assert.equal(env.backend, 'fake');
  assert.deepEqual(env.seeds, [0, 1]);
  assert.deepEqual(env.features, { fake: true, resize: 2, crop: 2 });
  // cells.log: one record per cell with row count and checksum
  const log = fs
    .readFileSync(path.join(part(s.dir), 'cells.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(log.length, 16);
  assert.deepEqual(Object.keys(log[0]).sort(), ['cell', 'config', 'data', 'rows', 'sha256']);
  assert.equal(log[0].rows, 12);
  const again = await runExperiment(config(dir), fakePipeline(counters), quiet);
  assert.equal(again.ranCells, 0);
  assert.equal(counters.fits, 16);
  assert.equal(counters.extracted, 21);
  assert.equal(fs.readFileSync(path.join(s.dir, 'results.csv'), 'utf8'), text);
});

test('a run killed between its two appends, with torn last lines, resumes without duplicated or lost rows', async () => {
  const want = await referenceText();
  const dir = tmp();
  const first = await runExperiment(config(dir), fakePipeline(), { ...quiet, maxCells: 5 });
  assert.equal(first.ranCells, 5);
  assert.equal(first.merged, undefined);
  const res = path.join(part(first.dir), 'results.csv');
  // killed after appending the next cell's rows, mid-way through a second copy, before its cells.log line was complete
  const sixth = want
    .split('\n')
    .slice(1 + 5 * 12, 1 + 6 * 12)
    .map((l) => l + '\n')
    .join('');
  fs.appendFileSync(res, sixth + sixth.slice(0, 17));
  fs.appendFileSync(path.join(part(first.dir), 'cells.log'), '{"cell":"fake|step|1|0.2|0|pat');
  const second = await runExperiment(config(dir), fakePipeline(), quiet);
  assert.equal(second.skippedCells, 5);
  assert.equal(second.ranCells, 11);
  assert.deepEqual(second.recomputed, []);
  assert.equal(fs.readFileSync(path.join(second.dir, 'results.csv'), 'utf8'), want);
});

test('a torn or cut last row of a committed cell, or an edited row, makes that cell recompute (never half-kept)', async () => {
  const want = await referenceText();
  for (const damage of ['torn', 'cut', 'edited'] as const) {
    const dir = tmp();
    const first = await runExperiment(config(dir), fakePipeline(), { ...quiet, maxCells: 5 });
    const res = path.join(part(first.dir), 'results.csv');
    const text = fs.readFileSync(res, 'utf8');
    const lines = text.split('\n');
    if (damage === 'torn')
      fs.writeFileSync(res, text.slice(0, text.length - 9)); // half of the last row
    else if (damage === 'cut')
      fs.writeFileSync(res, lines.slice(0, -2).join('\n') + '\n'); // the whole last row
    else {
      lines[3] = lines[3].replace(/,([^,]*)$/, ',0.123');
      fs.writeFileSync(res, lines.join('\n'));
    } // a value of cell 1
    const counters = { extracted: 0, fits: 0, extractorsCreated: 0 };
    const second = await runExperiment(config(dir), fakePipeline(counters), quiet);
    const damaged = damage === 'edited' ? 'fake|step|1|0|0|patchcore' : 'fake|step|1|0.2|0|patchcore';
    assert.deepEqual(second.recomputed, [damaged], damage);
    assert.equal(second.skippedCells, 4, damage);
    assert.equal(counters.fits, 12, damage);
    assert.equal(fs.readFileSync(path.join(second.dir, 'results.csv'), 'utf8'), want, damage);
  }
});

test('a resume after the dataset changed is refused with what changed and how to start a new run', async () => {
  const dir = tmp();
  const data = path.join(dir, 'data');
  writeFakeDataset(data);
  const cfg = config(dir, { datasets: [{ root: data, name: 'fake' }] });
  const first = await runExperiment(cfg, fakePipeline(), { ...quiet, maxCells: 3 });
  const before = fs.readFileSync(path.join(part(first.dir), 'results.csv'), 'utf8');
  fs.writeFileSync(path.join(data, 'a', 'train', 'good', '9.png'), 'new image');
  fs.rmSync(path.join(data, 'b', 'test', 'bad', '1.png'));
  const counters = { extracted: 0, fits: 0, extractorsCreated: 0 };
  await assert.rejects(runExperiment(cfg, fakePipeline(counters), quiet), (e: Error) => {
    assert.match(
      e.message,
      /dataset "fake" .* changed since run "r1" started: 1 file added: a\/train\/good\/9\.png; 1 file removed: b\/test\/bad\/1\.png/,
    );
    assert.match(e.message, /Start a new run: set "run" to a new name \(e\.g\. "r1-2"\)/);
    return true;
  });
  assert.equal(counters.fits, 0);
  assert.equal(counters.extracted, 0);
  assert.equal(fs.readFileSync(path.join(part(first.dir), 'results.csv'), 'utf8'), before);
  // a new run name on the changed data works
  const other = await runExperiment(
    config(dir, { run: 'r1-2', datasets: [{ root: data, name: 'fake' }] }),
    fakePipeline(),
    quiet,
  );
  assert.equal(other.ranCells, 16);
});

test('every config error is found before any work and leaves no run folder behind', async () => {
  const dir = tmp();
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { methods: [{ name: 'tailedcore', options: { tail: { thresholdTyp: 'trim_min' } } }] },
      /methods\[0\]\.options\.tail \(tailedcore\): unknown option "thresholdTyp"/,
    ],
    [
      { methods: [{ name: 'tailedcore', options: { tail: { percentile: 2 } } }] },
      /methods\[0\]\.options\.tail .*percentile/,
    ],
    [
      { methods: ['patchcore', { name: 'patchcore', label: 'p2', options: { ratio: 2 } }] },
      /methods\[1\] \(p2\): .*unknown option "ratio"/,
    ],
    [
      { ks: [1, 5] },
      /dataset "fake", step K=5, noise 0, seed 0: option k=5 is larger than class "a"'s 3 training images/,
    ],
    [{ features: { cacheDir: path.join(dir, 'cache'), resiz: 64 } }, /config key "features": .*unknown option "resiz"/],
    [{ run: '..' }, /"run" must be a plain folder name/],
    [{ run: '.' }, /"run" must be a plain folder name/],
    [{ methods: [{ name: 'patchcore', label: 'a|b' }] }, /may not contain "\|"/],
  ];
  for (const [extra, re] of cases) {
    const counters = { extracted: 0, fits: 0, extractorsCreated: 0 };
    const cfg = config(dir, extra);
    await assert.rejects(runExperiment(cfg, fakePipeline(counters), quiet), re, JSON.stringify(extra));
    assert.equal(counters.extracted, 0);
    assert.equal(
      fs.existsSync(path.join(dir, 'results')),
      false,
      `results folder left behind by ${JSON.stringify(extra)}`,
    );
  }
  // resolveConfig itself refuses a bad split option, and a split key that the grid sets per cell
  assert.throws(
    () => config(dir, { split: { paretoAlph: 3 } }),
    /^OptionError: config key "split": unknown option "paretoAlph"/,
  );
  assert.throws(() => config(dir, { split: { k: 3 } }), /config key "split.k": set it with the top-level "ks"/);
  // resolveConfig itself refuses separators
  assert.throws(() => config(dir, { run: 'a/b' }), /"run" must be a folder name/);
  assert.throws(() => config(dir, { run: '../x' }), /"run" must be a folder name/);
});

test('bad input fails before any work: dataset not in MVTec layout, unwritable results, changed config', async () => {
  const dir = tmp();
  const counters = { extracted: 0, fits: 0, extractorsCreated: 0 };
  fs.mkdirSync(path.join(dir, 'notmvtec', 'x'), { recursive: true });
  await assert.rejects(
    runExperiment(config(dir, { datasets: [path.join(dir, 'notmvtec')] }), fakePipeline(counters), quiet),
    /not in MVTec layout: no <class>\/train\/good folder/,
  );
  await assert.rejects(
    runExperiment(config(dir, { datasets: [path.join(dir, 'missing')] }), fakePipeline(counters), quiet),
    /does not exist/,
  );
  writeFakeDataset(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'afile'), '');
  await assert.rejects(
    runExperiment(config(dir, { resultsDir: path.join(dir, 'afile') }), fakePipeline(counters), quiet),
    /results folder .*afile.* is a file, not a folder/,
  );
  await assert.rejects(
    runExperiment(
      config(dir, { methods: [{ name: 'patchcore', options: { ratio: 2 } }] }),
      fakePipeline(counters),
      quiet,
    ),
    /unknown option "ratio"/,
  );
  assert.equal(counters.extractorsCreated, 0);
  await runExperiment(
    config(dir, { seeds: [0], noiseRatios: [0], tailTypes: ['step'] }),
    fakePipeline(counters),
    quiet,
  );
  await assert.rejects(
    runExperiment(config(dir, { seeds: [1], noiseRatios: [0], tailTypes: ['step'] }), fakePipeline(counters), quiet),
    /holds a run with a different config/,
  );
  // only where files go may differ: the same run found through another results path is the same config
  const moved = path.join(dir, 'moved');
  fs.cpSync(path.join(dir, 'results'), moved, { recursive: true });
  const again = await runExperiment(
    config(dir, { resultsDir: moved, seeds: [0], noiseRatios: [0], tailTypes: ['step'] }),
    fakePipeline(),
    quiet,
  );
  assert.equal(again.ranCells, 0);
});

test('shards in one run folder merge to the single-process results; merge refuses missing, duplicated and foreign cells', async () => {
  const want = await referenceText();
  const dir = tmp();
  const cfg = config(dir);
  const s0 = await runExperiment(cfg, fakePipeline(), { ...quiet, shard: { index: 0, count: 2 } });
  assert.equal(s0.merged, undefined);
  await assert.rejects(mergeRun(cfg), /cells are missing .*run \(or resume\) shard\(s\) 1\/2 first/);
  await assert.rejects(
    runExperiment(cfg, fakePipeline(), { ...quiet, shard: { index: 0, count: 3 } }),
    /is split into 2 shard\(s\).*Use --shard I\/2/,
  );
  const s1 = await runExperiment(cfg, fakePipeline(), { ...quiet, shard: { index: 1, count: 2 } });
  assert.equal(s0.totalCells + s1.totalCells, 16);
  assert.ok(Math.abs(s0.totalCells - s1.totalCells) <= 2);
  const m = await mergeRun(cfg);
  assert.equal(m.cells, 16);
  assert.equal(fs.readFileSync(path.join(s0.dir, 'results.csv'), 'utf8'), want);
  assert.equal((await mergeRun(cfg)).rows, 16 * 12); // rerunnable

  const p0 = path.join(s0.dir, 'parts', '0-of-2');
  const p1 = path.join(s0.dir, 'parts', '1-of-2');
  const log1 = fs.readFileSync(path.join(p1, 'cells.log'), 'utf8');
  const res1 = fs.readFileSync(path.join(p1, 'results.csv'), 'utf8');
  // a cell in two parts
  const rec = fs.readFileSync(path.join(p0, 'cells.log'), 'utf8').split('\n')[0];
  const cell = JSON.parse(rec).cell as string;
  const cellRows = readResults(path.join(p0, 'results.csv'))
    .filter((r) => `${r.dataset}|${r.tail_type}|${r.k ?? ''}|${r.noise_ratio}|${r.seed}|${r.method}` === cell)
    .map(formatRow)
    .join('');
  assert.equal(cellRows.split('\n').length - 1, 12);
  fs.appendFileSync(path.join(p1, 'results.csv'), cellRows);
  fs.appendFileSync(path.join(p1, 'cells.log'), rec + '\n');
  await assert.rejects(
    mergeRun(cfg),
    new RegExp(`cell ${cell.replace(/\|/g, '\\|').replace(/\./g, '\\.')} is in two parts \\(0-of-2 and 1-of-2\\)`),
  );
  // a cell computed under another config or dataset fingerprint
  for (const [field, re] of [
    ['config', /computed under another config/],
    ['data', /computed on another version of dataset "fake"/],
  ] as const) {
    fs.writeFileSync(path.join(p1, 'results.csv'), res1);
    const lines = log1
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    lines[0][field] = '0000000000000000';
    fs.writeFileSync(path.join(p1, 'cells.log'), lines.map((l) => JSON.stringify(l) + '\n').join(''));
    await assert.rejects(mergeRun(cfg), re);
  }
});

test('the features stage fills the cache in disjoint slices, so the fit shards extract nothing', async () => {
  const dir = tmp();
  const cfg = config(dir);
  const c0 = { extracted: 0, fits: 0, extractorsCreated: 0 };
  const c1 = { extracted: 0, fits: 0, extractorsCreated: 0 };
  const f0 = await runFeatureStage(cfg, fakePipeline(c0), { ...quiet, shard: { index: 0, count: 2 } });
  const f1 = await runFeatureStage(cfg, fakePipeline(c1), { ...quiet, shard: { index: 1, count: 2 } });
  assert.equal(f0.images + f1.images, 21);
  assert.equal(c0.extracted + c1.extracted, 21); // disjoint: no image extracted twice
  assert.equal(fs.readdirSync(path.join(dir, 'cache')).filter((f) => f.endsWith('.txt')).length, 21);
  const fits = { extracted: 0, fits: 0, extractorsCreated: 0 };
  for (const index of [0, 1]) await runExperiment(cfg, fakePipeline(fits), { ...quiet, shard: { index, count: 2 } });
  assert.equal(fits.extracted, 0);
  assert.equal(fits.fits, 16);
  await assert.rejects(
    runFeatureStage(config(dir, { features: {} }), fakePipeline(), quiet),
    /features stage fills the feature cache/,
  );
});
