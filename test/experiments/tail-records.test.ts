import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  appendTailRecord,
  mergeTailRecords,
  tailRecordOf,
  TailRecord,
  TAIL_RECORDS_FILE,
  TAIL_RECORD_COLUMNS,
} from '../../src/experiments/tail-records';
import type { Dataset, Manifest } from '../../src/data/types';

const rec = (cell: string, selected: number): TailRecord =>
  Object.fromEntries(
    TAIL_RECORD_COLUMNS.map((c) => [c, c === 'cell' ? cell : c === 'selected' ? selected : 0]),
  ) as TailRecord;

test('part records merge into the run folder in grid order; a recomputed cell keeps its last record', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tail-rec-'));
  try {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    appendTailRecord(a, rec('x|2', 5));
    appendTailRecord(b, rec('x|1', 7));
    appendTailRecord(a, rec('x|2', 9)); // recomputed
    mergeTailRecords(dir, [a, b], ['x|1', 'x|2', 'x|3']);
    const lines = fs.readFileSync(path.join(dir, TAIL_RECORDS_FILE), 'utf8').trim().split('\n');
    assert.equal(lines[0], TAIL_RECORD_COLUMNS.join(','));
    const sel = TAIL_RECORD_COLUMNS.indexOf('selected');
    assert.deepEqual(
      lines.slice(1).map((l) => [l.split(',')[0], l.split(',')[sel]]),
      [
        ['x|1', '7'],
        ['x|2', '9'],
      ],
    );
    // No records anywhere: no file.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tail-rec-'));
    mergeTailRecords(empty, [], ['x|1']);
    assert.equal(fs.existsSync(path.join(empty, TAIL_RECORDS_FILE)), false);
    fs.rmSync(empty, { recursive: true, force: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a model without a TailSampler tail branch leaves no record', () => {
  const ds = {} as Dataset;
  const m = {} as Manifest;
  assert.equal(tailRecordOf('c', 'patchcore', { info: { maxK: null } }, ds, m, 20), null);
  const unfitted = {
    get info(): never {
      throw new Error('no fit yet');
    },
  };
  assert.equal(tailRecordOf('c', 'tailedcore', unfitted, ds, m, 20), null);
});
