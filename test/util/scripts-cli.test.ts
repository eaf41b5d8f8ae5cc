import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** Runs a script of scripts/ as a user would; returns exit code and stderr lines. */
function cli(script: string, args: string[]): { status: number | null; lines: string[]; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('scripts', script), ...args], { encoding: 'utf8' });
  return { status: r.status, lines: r.stderr.trim().split('\n'), stdout: r.stdout };
}

test('negative seeds are refused by the split and synth CLIs as by the config: exit 2, one line naming the flag', () => {
  const s = cli('split.ts', ['--data', 'x', '--seed=-3', '--out', 'x.json']);
  assert.equal(s.status, 2);
  assert.deepEqual(s.lines, ['split: error: --seed must be an integer in [0, 9007199254740991], got "-3"']);
  const y = cli('synth.ts', ['--out', 'x', '--seed=-3']);
  assert.equal(y.status, 2);
  assert.deepEqual(y.lines, ['synth: error: --seed must be an integer in [0, 9007199254740991], got "-3"']);
});

test('a library range check reaches the user under the flag name, before any work', () => {
  const y = cli('synth.ts', ['--out', path.join('data', 'never-written'), '--size', '8']);
  assert.equal(y.status, 2);
  assert.deepEqual(y.lines, ['synth: error: option --size must be an integer in [32, 4096], got 8']);
  const e = cli('extract.ts', ['--data', 'x', '--resize', '64px']);
  assert.equal(e.status, 2);
  assert.deepEqual(e.lines, ['extract: error: --resize must be an integer, got "64px"']);
});

test('every converted CLI answers --help with the one format and exit 0', () => {
  for (const [script, usage] of [['split.ts', 'npm run split --'], ['synth.ts', 'npm run synth --'], ['extract.ts', 'npm run extract --'], ['choose-dim.ts', 'npx tsx scripts/choose-dim.ts']]) {
    const h = cli(script, ['--help']);
    assert.equal(h.status, 0, script);
    assert.ok(h.stdout.startsWith(`usage: ${usage} [options]\n`), `${script}: ${h.stdout.slice(0, 80)}`);
    assert.match(h.stdout, /\n {2}--help {19}this text\n/);
  }
});
