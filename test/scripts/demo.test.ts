/**
 * The main job's first half runs: `npm run demo -- --splits-only` generates (or reuses) the embedded synthetic set and
 * writes its three long-tail noisy splits. The demo's list of splits is data, not a literal the type checker sees at
 * each call, so only running it catches a split option it no longer accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..', '..');

test('npm run demo -- --splits-only writes the three splits of the embedded data', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--splits-only'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TAILEDCORE_QUIET: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  for (const name of ['step-k1-noise10', 'step-k4-noise10', 'pareto-noise10']) {
    const file = path.join(ROOT, 'data', 'splits', `${name}-seed0.json`);
    assert.ok(r.stdout.includes(file.slice(ROOT.length + 1)) || r.stdout.includes(file), `${name} not reported`);
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { options: { tail: string }; classes: unknown[] };
    assert.equal(m.options.tail, name.startsWith('pareto') ? 'pareto' : 'step');
    assert.equal(m.classes.length, 12);
  }
});
