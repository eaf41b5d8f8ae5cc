import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeOutput } from '../../src/plots/render';
import { InputError } from '../../src/util/errors';

test('figures are written atomically; a folder problem is one InputError line naming the figure', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-fig-'));
  writeOutput(path.join(dir, 'figs', 'a.svg'), '<svg/>');
  writeOutput(path.join(dir, 'figs', 'a.svg'), '<svg></svg>');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'figs')), ['a.svg']);
  assert.equal(fs.readFileSync(path.join(dir, 'figs', 'a.svg'), 'utf8'), '<svg></svg>');
  fs.writeFileSync(path.join(dir, 'plots'), 'a file in the way');
  assert.throws(
    () => writeOutput(path.join(dir, 'plots', 'b.png'), Buffer.from([1])),
    (e: Error) =>
      e instanceof InputError &&
      !e.message.includes('\n') &&
      /^cannot create folder for figure .*plots: .*plots is a file, not a folder \(ENOTDIR\)/.test(e.message),
  );
  fs.rmSync(dir, { recursive: true });
});
