import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSynthetic } from '../../src/data/synth';

/** Runs a script of scripts/ as a user would; returns exit code and stderr lines. */
function cli(script: string, args: string[]): { status: number | null; lines: string[]; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('scripts', script), ...args], {
    encoding: 'utf8',
  });
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
  for (const [script, usage] of [
    ['split.ts', 'npm run split --'],
    ['synth.ts', 'npm run synth --'],
    ['extract.ts', 'npm run extract --'],
    ['choose-dim.ts', 'npx tsx scripts/choose-dim.ts'],
  ]) {
    const h = cli(script, ['--help']);
    assert.equal(h.status, 0, script);
    assert.ok(h.stdout.startsWith(`usage: ${usage} [options]\n`), `${script}: ${h.stdout.slice(0, 80)}`);
    assert.match(h.stdout, /\n {2}--help {19}this text\n/);
  }
});

test('a results folder blocked by a file: npm run experiment exits 2 with one line naming it and the errno, before any work', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-cli-io-'));
  await generateSynthetic({
    out: path.join(dir, 'data'),
    seed: 1,
    classes: ['fabric'],
    size: 32,
    trainCount: 3,
    testGood: 1,
    defectsPerType: 1,
    quiet: true,
  });
  fs.writeFileSync(path.join(dir, 'results'), 'a file where the results folder should be');
  const cfg = path.join(dir, 'c.json');
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      run: 'r',
      resultsDir: path.join(dir, 'results'),
      datasets: [path.join(dir, 'data')],
      tailTypes: ['step'],
      ks: [1],
      seeds: [0],
      methods: ['patchcore'],
    }),
  );
  const r = cli('experiment.ts', ['--config', cfg]);
  assert.equal(r.status, 2, r.lines.join('\n'));
  assert.equal(r.lines.length, 1, r.lines.join('\n'));
  assert.match(
    r.lines[0],
    new RegExp(
      `error: cannot create results folder .*: ${path.join(dir, 'results')} is a file, not a folder \\(ENOTDIR\\); move that file or choose another folder$`,
    ),
  );
  fs.rmSync(dir, { recursive: true });
});
