/**
 * The emitted SLURM job array, run by a real (one-node) SLURM: features stage (2 tasks), fit shards (2 tasks,
 * afterok), merge (afterok). The merged results.csv must equal, row for row, the same grid run in one process.
 * In CI (CI=true) this test fails when SLURM cannot run; elsewhere it skips with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment } from '../../src/experiments/runner';
import { fakePipeline } from './fake-pipeline';
import { FAKE_MODULE, REPO, tmp, waitFor, writeConfig } from './cli-helpers';
import { jobState, slurmUnavailable, startCluster } from './slurm-cluster';

test('the emitted SLURM array (features, 2 fit shards, merge) gives the single-process results.csv', async (t) => {
  const why = slurmUnavailable();
  if (why) {
    if (process.env.CI === 'true') assert.fail(`the SLURM test must run in CI: ${why}`);
    t.skip(why);
    return;
  }
  const dir = tmp('tc-slurm-run-');
  const cfgFile = writeConfig(dir);
  const raw = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
  const ref = await runExperiment(
    resolveConfig({ ...raw, resultsDir: tmp('tc-ref-') }, ['patchcore', 'tailedcore']),
    fakePipeline(),
    { quiet: true },
  );
  const want = fs.readFileSync(path.join(ref.dir, 'results.csv'), 'utf8');

  const cluster = await startCluster();
  try {
    const out = path.join(dir, 'slurm');
    const emit = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/experiment.ts',
        '--config',
        cfgFile,
        '--emit',
        'slurm',
        '--shards',
        '2',
        '--cpus',
        '1',
        '--mem',
        '1000M',
        '--out',
        out,
        '--pipeline',
        FAKE_MODULE,
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
    assert.equal(emit.status, 0, emit.stderr);
    const submit = spawnSync('bash', [path.join(out, 'submit.sh')], {
      env: { ...cluster.env, TAILEDCORE_QUIET: '1' },
      encoding: 'utf8',
    });
    assert.equal(submit.status, 0, submit.stderr + cluster.log());
    const [features, fits, merge] = fs.readFileSync(path.join(out, 'job-ids'), 'utf8').trim().split(/\s+/);
    const logs = () =>
      fs
        .readdirSync(path.join(out, 'logs'))
        .map((f) => `--- ${f}\n${fs.readFileSync(path.join(out, 'logs', f), 'utf8').slice(-2000)}`)
        .join('\n') + cluster.log();
    await waitFor(
      () => {
        const s = [features, fits, merge].map((id) => jobState(cluster, id));
        const bad = s.some(
          (x) =>
            x.states.some((st) => /FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL/.test(st)) ||
            x.reasons.includes('DependencyNeverSatisfied'),
        );
        if (bad) throw new Error(`a SLURM job failed: ${JSON.stringify(s)}\n${logs()}`);
        return s[2].states.length > 0 && s[2].states.every((st) => st === 'COMPLETED');
      },
      'the merge job to complete',
      300000,
    );
    for (const id of [features, fits]) assert.deepEqual([...new Set(jobState(cluster, id).states)], ['COMPLETED']);
    const parts = fs.readdirSync(path.join(dir, 'results', 'r1', 'parts')).sort();
    assert.deepEqual(parts, ['0-of-2', '1-of-2']);
    const got = fs.readFileSync(path.join(dir, 'results', 'r1', 'results.csv'), 'utf8');
    assert.equal(got, want, logs());
    assert.equal(got.split('\n').length - 2, 16 * 12);
    // the fit shards found every image in the cache that the features stage filled
    assert.equal(fs.readdirSync(path.join(dir, 'cache')).filter((f) => f.endsWith('.txt')).length, 21);
  } finally {
    await cluster.stop();
  }
});
