import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliSpec, exitCodeFor, helpText, intFlag, numberFlag, parseCli, requiredFlag } from '../../src/util/cli';
import { InputError, NotYetError, OptionError } from '../../src/util/errors';

const SPEC: CliSpec = {
  command: 'npm run tool --',
  summary: 'A tool for the test.',
  flags: {
    out: { type: 'string', description: 'output file', value: 'FILE' },
    seed: { type: 'string', description: 'integer seed', default: '0', value: 'N' },
    ratio: { type: 'string', description: 'a ratio', value: 'R' },
    force: { type: 'boolean', description: 'overwrite' },
  },
};

test('parseCli reads flags in both --k v and --k=v forms and reports --help', () => {
  const p = parseCli(SPEC, ['--out', 'a.json', '--seed=3', '--force']);
  assert.equal(p.values.out, 'a.json');
  assert.equal(intFlag(p, 'seed', { min: 0 }), 3);
  assert.equal(p.values.force, true);
  assert.equal(p.help, false);
  assert.equal(parseCli(SPEC, ['-h']).help, true);
});

test('parseCli: an unknown flag or a missing value is an OptionError that names it and shows the help', () => {
  assert.throws(
    () => parseCli(SPEC, ['--sede', '3']),
    (e: Error) => e instanceof OptionError && /--sede/.test(e.message) && /usage: npm run tool/.test(e.message),
  );
  assert.throws(
    () => parseCli(SPEC, ['--out']),
    (e: Error) => e instanceof OptionError && /--out/.test(e.message),
  );
  assert.throws(() => parseCli(SPEC, ['stray']), OptionError);
});

test('number flags name the flag and the allowed range; required flags are enforced', () => {
  const p = parseCli(SPEC, ['--seed=-3', '--ratio', 'abc']);
  assert.throws(() => intFlag(p, 'seed', { min: 0 }), /--seed must be an integer in \[0, .*got "-3"/);
  assert.throws(() => numberFlag(p, 'ratio', { min: 0, max: 1 }), /--ratio must be a number in \[0, 1\], got "abc"/);
  assert.equal(numberFlag(parseCli(SPEC, ['--ratio', '0.25']), 'ratio', { min: 0, max: 1 }), 0.25);
  assert.throws(() => intFlag(parseCli(SPEC, ['--seed', '1.5']), 'seed'), /integer/);
  assert.throws(() => requiredFlag(parseCli(SPEC, []), SPEC, 'out'), /--out is required/);
});

test('help text lists every flag with its default, and exit codes follow the convention', () => {
  const h = helpText(SPEC);
  assert.match(h, /^usage: npm run tool -- \[options\]/);
  assert.match(h, /--seed N +integer seed \(default 0\)/);
  assert.match(h, /--help +this text/);
  assert.equal(exitCodeFor(new InputError('x')), 2);
  assert.equal(exitCodeFor(new OptionError('x')), 2);
  assert.equal(exitCodeFor(new NotYetError('x')), 3);
  assert.equal(exitCodeFor(new TypeError('x')), 1);
});
