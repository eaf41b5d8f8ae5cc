import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, splitCsvLine } from '../../src/util/csv';

test('splitCsvLine: plain, quoted, doubled quotes, empty fields', () => {
  assert.deepEqual(splitCsvLine('a,b,c'), ['a', 'b', 'c']);
  assert.deepEqual(splitCsvLine('"a,1","say ""hi""",,x'), ['a,1', 'say "hi"', '', 'x']);
  assert.deepEqual(splitCsvLine(''), ['']);
  assert.deepEqual(splitCsvLine(',,'), ['', '', '']);
});

test('csvField quotes only when needed, and splitCsvLine reads back what it writes', () => {
  const values = ['plain', 'with,comma', 'with "quote"', '', 'line\rbreak', 'NaN'];
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.deepEqual(splitCsvLine(values.map(csvField).join(',')), values);
});
