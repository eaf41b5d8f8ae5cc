/**
 * Real runner processes on one run folder: a second writer of the same part is refused (or waits), kill -9 releases
 * the lock and the next run resumes, and three shards run concurrently merge to the single-process result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment } from '../../src/experiments/runner';
import { fakePipeline } from './fake-pipeline';
import { lineCount, startCli, tmp, waitFor, writeConfig } from './cli-helpers';

/** results.csv of the same grid run in this process, in another results folder. */
async function singleProcessResults(configFile: string): Promise<string> {
  const raw = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  const cfg = resolveConfig({ ...raw, resultsDir: tmp('tc-ref-') }, ['patchcore', 'tailedcore']);
  const s = await runExperiment(cfg, fakePipeline(), { quiet: true });
  return fs.readFileSync(path.join(s.dir, 'results.csv'), 'utf8');
}

test('two runners on one config: the second is refused (or waits); kill -9 of the first frees the run and a rerun resumes', async () => {
  const dir = tmp();
  const cfg = writeConfig(dir);
  const want = await singleProcessResults(cfg);
  const log = path.join(dir, 'results', 'r1', 'parts', '0-of-1', 'cells.log');
  // A: three quick cells, then every fit stalls (for longer than this test may take)
  const a = startCli(['--config', cfg], { FAKE_FIT_DELAY_MS: '600000', FAKE_FAST_FITS: '3' });
  try {
    await waitFor(() => lineCount(log) >= 3 || a.child.exitCode !== null, 'runner A to commit 3 cells');
    assert.equal(a.child.exitCode, null, a.stderr());
    // B: same config, no --wait: refused with a clear message, exit code 2, nothing written
    const b = startCli(['--config', cfg]);
    assert.equal(await b.done, 2, b.stderr());
    assert.match(
      b.stderr(),
      new RegExp(`shard 0/1 is being written by another process \\(pid ${a.child.pid} on .*\\).*pass --wait`),
    );
    assert.equal(lineCount(log), 3);
    // C: --wait queues behind A
    const c = startCli(['--config', cfg, '--wait']);
    await waitFor(
      () => /is being written by .*; waiting/.test(c.stderr()) || c.child.exitCode !== null,
      'runner C to wait',
    );
    assert.equal(c.child.exitCode, null, c.stderr());
    // kill -9 A: the kernel drops its lock, C goes on and resumes after A's 3 cells
    a.child.kill('SIGKILL');
    assert.equal(await c.done, 0, c.stderr());
    assert.match(c.stderr(), /16 cells, 3 already done, 13 to run/);
    const results = fs.readFileSync(path.join(dir, 'results', 'r1', 'results.csv'), 'utf8');
    assert.equal(results, want);
    assert.equal(lineCount(log), 16);
  } finally {
    if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  }
});

test('three shards started as concurrent processes on one run folder merge to the single-process results.csv', async () => {
  const dir = tmp();
  const cfg = writeConfig(dir);
  const want = await singleProcessResults(cfg);
  // three ways of naming the shard: --shard, a SLURM array task, a Kubernetes Indexed Job
  const procs = [
    startCli(['--config', cfg, '--shard', '0/3']),
    startCli(['--config', cfg], {
      SLURM_ARRAY_TASK_ID: '1',
      SLURM_ARRAY_TASK_COUNT: '3',
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_MAX: '2',
    }),
    startCli(['--config', cfg, '--shards', '3'], { JOB_COMPLETION_INDEX: '2' }),
  ];
  const codes = await Promise.all(procs.map((p) => p.done));
  assert.deepEqual(codes, [0, 0, 0], procs.map((p) => p.stderr()).join('\n'));
  for (let i = 0; i < 3; i++)
    assert.match(procs[i].stderr(), new RegExp(`shard ${i}/3 done; merge when every shard has finished`));
  assert.equal(fs.existsSync(path.join(dir, 'results', 'r1', 'results.csv')), false);
  const m = startCli(['--config', cfg, '--merge']);
  assert.equal(await m.done, 0, m.stderr());
  assert.match(m.stdout(), /merged 16 cells \(192 rows\) from 0-of-3, 1-of-3, 2-of-3/);
  assert.equal(fs.readFileSync(path.join(dir, 'results', 'r1', 'results.csv'), 'utf8'), want);
  for (const f of ['summary.csv', 'summary.md', 'tradeoff.svg'])
    assert.ok(fs.existsSync(path.join(dir, 'results', 'r1', f)), f);
});
