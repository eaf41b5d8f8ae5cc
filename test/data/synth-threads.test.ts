// The render workers (src/data/synth/render-pool.ts) change no byte: a set rendered on worker threads equals the
// same set rendered on the calling thread, file for file, for every family.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSynthetic } from '../../src/data/synth';
import { OptionError } from '../../src/util/errors';

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

test('worker-thread rendering writes byte-identical files to calling-thread rendering', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-synth-threads-'));
  try {
    for (const [family, classes] of [
      ['default', ['wood', 'screw', 'cable']],
      ['lookalike', undefined],
      ['photo', undefined],
    ] as const) {
      const opts = { family, size: 48, trainCount: 3, testGood: 2, defectsPerType: 1, seed: 7, quiet: true };
      const one = path.join(root, `${family}-1`),
        three = path.join(root, `${family}-3`);
      await generateSynthetic({ ...opts, ...(classes ? { classes: [...classes] } : {}), out: one, threads: 1 });
      const r = await generateSynthetic({
        ...opts,
        ...(classes ? { classes: [...classes] } : {}),
        out: three,
        threads: 3,
      });
      assert.equal(r.reused, false);
      const a = files(one),
        b = files(three);
      assert.deepEqual([...b.keys()], [...a.keys()], family);
      assert.ok(a.size > 10, `${family}: ${a.size} files`);
      for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${family}: ${k} differs`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('option threads is checked', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-synth-threads-'));
  try {
    await assert.rejects(generateSynthetic({ out, threads: 0, quiet: true }), OptionError);
    await assert.rejects(generateSynthetic({ out, threads: 1.5, quiet: true }), OptionError);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
