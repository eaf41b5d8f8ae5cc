import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

function cli(script: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('scripts', script), ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, lines: r.stderr.trim().split('\n'), stdout: r.stdout };
}

test('the ablation scripts answer --help in the one format; a bad family or accuracy is one line, exit 2, before any work', () => {
  for (const script of ['ablation-tailsampler.ts', 'ablation-embedding-accuracy.ts', 'ablation-class-similarity.ts']) {
    const h = cli(script, ['--help']);
    assert.equal(h.status, 0, script);
    assert.ok(h.stdout.startsWith(`usage: npx tsx scripts/${script} [options]\n`), h.stdout.slice(0, 80));
  }
  const f = cli('ablation-tailsampler.ts', ['--families', 'synthetic,nope']);
  assert.equal(f.status, 2);
  assert.equal(f.lines.length, 1);
  assert.match(f.lines[0], /--families: unknown family "nope"; use one of synthetic, lookalike or name=DIR/);
  const a = cli('ablation-embedding-accuracy.ts', ['--accuracies', '0.5,2']);
  assert.equal(a.status, 2);
  assert.match(a.lines[0], /--accuracies must list values in \[0, 1\]/);
});
