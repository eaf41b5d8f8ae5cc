import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliSpec, intFlag, parseCli, stringFlag } from '../../src/util/cli';
import { readConfigFile } from '../../src/experiments/config-file';
import { OptionError } from '../../src/util/errors';

const NAMES = ['patchcore', 'softpatch', 'tailedcore'];
const SPEC: CliSpec = {
  command: 'npm run t --',
  summary: 't',
  flags: {
    seed: { type: 'string', value: 'N', description: 'seed' },
    shard: { type: 'string', value: 'I/N', description: 'shard' },
    quiet: { type: 'boolean', description: 'quiet' },
  },
};

test('a negative number is read as the value of its flag in both forms (--seed -3 and --seed=-3)', () => {
  for (const argv of [['--seed', '-3'], ['--seed=-3']]) {
    const p = parseCli(SPEC, argv);
    assert.equal(stringFlag(p, 'seed'), '-3');
    assert.equal(intFlag(p, 'seed'), -3);
    // With a range, the flag's own message (not "argument is ambiguous").
    assert.throws(() => intFlag(p, 'seed', { min: 0 }), /--seed must be an integer in \[0, .*\], got "-3"/);
  }
  assert.equal(stringFlag(parseCli(SPEC, ['--shard', '-1/2', '--quiet']), 'shard'), '-1/2');
  // A boolean flag is not given a value, and an unknown flag is still an error.
  assert.throws(() => parseCli(SPEC, ['--quiet', '-3']), OptionError);
  assert.throws(() => parseCli(SPEC, ['--nope', '-3']), /Unknown option '--nope'/);
});

test('a config file with a UTF-8 byte order mark is read; other invisible characters are named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bom-'));
  const file = path.join(dir, 'c.json');
  fs.writeFileSync(file, '\ufeff' + JSON.stringify({ run: 'bom', seeds: [1] }));
  assert.equal(readConfigFile(file, NAMES).run, 'bom');
  fs.writeFileSync(file, '{"run": "x",\u200b "seeds": [1]}');
  assert.throws(() => readConfigFile(file, NAMES), /invisible character U\+200B at offset 12/);
  assert.throws(() => readConfigFile(dir, NAMES), /is a folder; give the JSON file/);
});
