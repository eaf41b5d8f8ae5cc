import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment } from '../../src/experiments/runner';
import { datasetFingerprint, describeDatasetChange } from '../../src/experiments/fingerprint';
import { readResults } from '../../src/results/results-file';
import { fakePipeline, writeFakeDataset } from './fake-pipeline';
import { smallGrid } from './cli-helpers';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tc-rec-'));
const config = (dir: string, extra: Record<string, unknown> = {}) =>
  resolveConfig(smallGrid(dir, extra), ['patchcore', 'tailedcore']);
const quiet = { quiet: true };

test('an image rewritten with its size and modification time kept is seen by the fingerprint (issue 19: silent)', async () => {
  const dir = tmp();
  const data = path.join(dir, 'data');
  writeFakeDataset(data);
  const img = path.join(data, 'b', 'train', 'good', '0.png');
  fs.writeFileSync(img, 'old!');
  const first = await runExperiment(config(dir), fakePipeline(), { ...quiet, maxCells: 3 });
  assert.equal(first.ranCells, 3);
  const st = fs.statSync(img);
  fs.writeFileSync(img, 'new!'); // same size
  fs.utimesSync(img, st.atimeMs / 1000, st.mtimeMs / 1000); // same mtime
  await assert.rejects(
    runExperiment(config(dir), fakePipeline(), quiet),
    /dataset "fake" .* changed since run "r1" started: 1 file rewritten \(same size and modification time, other content\): b\/train\/good\/0\.png/,
  );
  // Restoring the bytes (the ctime changes again) resumes: the content, not the inode or ctime, decides.
  fs.writeFileSync(img, 'old!');
  fs.utimesSync(img, st.atimeMs / 1000, st.mtimeMs / 1000);
  const again = await runExperiment(config(dir), fakePipeline(), quiet);
  assert.equal(again.skippedCells, 3);
});

test('the content hash is reused for untouched files and recomputed for touched ones', () => {
  const root = path.join(tmp(), 'd');
  writeFakeDataset(root);
  const a = datasetFingerprint(root);
  assert.equal(a.list[0].length, 6);
  const b = datasetFingerprint(root, a);
  assert.deepEqual([b.id, b.content], [a.id, a.content]);
  // A stored hash whose stat signature still matches is trusted as is (that is what makes a resume cheap) ...
  const forged = {
    ...a,
    list: a.list.map((f) =>
      f[0] === 'a/test/bad/0.png' ? ([...f.slice(0, 3), 'f'.repeat(16), ...f.slice(4)] as typeof f) : f,
    ),
  };
  assert.notEqual(datasetFingerprint(root, forged).content, a.content);
  // ... and one whose ctime moved is recomputed.
  const stale = {
    ...forged,
    list: forged.list.map((f) => (f.length === 6 ? ([...f.slice(0, 4), f[4] - 1, f[5]] as typeof f) : f)),
  };
  assert.equal(datasetFingerprint(root, stale).content, a.content);
  assert.equal(describeDatasetChange(a, a), 'the file list differs');
});

test('a start that failed after the run folder existed never blocks the rerun (no finished cell: config and data recorded anew)', async () => {
  const dir = tmp();
  writeFakeDataset(path.join(dir, 'data'));
  const logs: string[] = [];
  await runExperiment(config(dir, { seeds: [5] }), fakePipeline(), { log: (l) => logs.push(l), maxCells: 0 });
  assert.ok(fs.existsSync(path.join(dir, 'results', 'r1', 'config.json')));
  fs.writeFileSync(path.join(dir, 'data', 'a', 'train', 'good', '7.png'), ''); // the data changed, the config too
  const s = await runExperiment(config(dir), fakePipeline(), { log: (l) => logs.push(l) });
  assert.equal(s.ranCells, 16);
  assert.ok(logs.some((l) => /config\.json was of another config, but the run has no finished cell; replaced/.test(l)));
  assert.ok(logs.some((l) => /dataset "fake" differs .* no finished cell on it; recorded anew/.test(l)));
});

test('config.json or fingerprint.json deleted between runs: rebuilt from the finished cells when they match, refused when not', async () => {
  const dir = tmp();
  writeFakeDataset(path.join(dir, 'data'));
  const run = path.join(dir, 'results', 'r1');
  await runExperiment(config(dir), fakePipeline(), { ...quiet, maxCells: 4 });
  fs.rmSync(path.join(run, 'config.json'));
  fs.rmSync(path.join(run, 'fingerprint.json'));
  await assert.rejects(
    runExperiment(config(dir, { seeds: [7, 8] }), fakePipeline(), quiet),
    /has no config\.json, and its 4 finished cells were computed under another config/,
  );
  fs.writeFileSync(path.join(dir, 'data', 'c', 'train', 'good', '7.png'), '');
  await assert.rejects(
    runExperiment(config(dir), fakePipeline(), quiet),
    /fingerprint\.json is missing, and the run's finished cells were computed on data with fingerprint/,
  );
  fs.rmSync(path.join(dir, 'data', 'c', 'train', 'good', '7.png'));
  const s = await runExperiment(config(dir), fakePipeline(), quiet);
  assert.deepEqual([s.skippedCells, s.ranCells], [4, 12]);
  assert.equal(readResults(run).length, 16 * 3 * 4);
  assert.ok(fs.existsSync(path.join(run, 'config.json')) && fs.existsSync(path.join(run, 'fingerprint.json')));
});
