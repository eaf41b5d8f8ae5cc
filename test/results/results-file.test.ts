import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRow, parseResults, RESULTS_HEADER, ResultRow, rowCellKey } from '../../src/results/results-file';

const row = (over: Partial<ResultRow> = {}): ResultRow => ({
  run: 'r',
  dataset: 'mvtec',
  tail_type: 'pareto',
  k: null,
  noise_ratio: 0.1,
  seed: 3,
  method: 'tailed, "core"',
  class: 'screw',
  is_tail: true,
  train_count: 7,
  noise_count: 1,
  metric: 'aupro',
  value: NaN,
  ...over,
});

test('rows round-trip through results.csv text: empty k, NaN, quoted fields, full precision', () => {
  const rows = [row(), row({ tail_type: 'step', k: 4, value: 0.1 + 0.2, is_tail: false, method: 'patchcore' })];
  const text = RESULTS_HEADER + rows.map(formatRow).join('');
  const back = parseResults(text);
  assert.equal(back.length, 2);
  assert.ok(Number.isNaN(back[0].value));
  assert.deepEqual({ ...back[0], value: 0 }, { ...rows[0], value: 0 });
  assert.deepEqual(back[1], rows[1]);
  assert.equal(rowCellKey(back[0]), 'mvtec|pareto||0.1|3|tailed, "core"');
  assert.equal(rowCellKey(back[1]), 'mvtec|step|4|0.1|3|patchcore');
});

test('a file that is not a results file, or a corrupt number, is an error naming the file and line', () => {
  assert.throws(() => parseResults('a,b\n1,2\n', 'x.csv'), /x\.csv: header is not/);
  const bad = RESULTS_HEADER + formatRow(row()).replace(',7,', ',seven,');
  assert.throws(() => parseResults(bad, 'y.csv'), /y\.csv:2: column train_count is not a number/);
});
