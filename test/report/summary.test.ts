import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeResults, summaryCsv, summaryMarkdown, writeSummary, formatCell } from '../../src/report';
import { ResultRow, RESULTS_HEADER, formatRow } from '../../src/results/results-file';

function row(
  seed: number,
  cls: string,
  isTail: boolean,
  value: number,
  metric = 'image_auroc',
  method = 'tailedcore',
): ResultRow {
  return {
    run: 'r',
    dataset: 'syn',
    tail_type: 'step',
    k: 1,
    noise_ratio: 0.1,
    seed,
    method,
    class: cls,
    is_tail: isTail,
    train_count: isTail ? 1 : 50,
    noise_count: isTail ? 0 : 5,
    metric,
    value,
  };
}

const ROWS: ResultRow[] = [
  row(0, 'a', true, 0.5),
  row(0, 'b', false, 0.8),
  row(0, 'c', false, 1.0),
  row(1, 'a', true, 0.7),
  row(1, 'b', false, 0.6),
  row(1, 'c', false, 0.8),
  row(1, 'c', false, NaN, 'aupro'),
  row(1, 'b', false, 0.4, 'aupro'),
];

test('mean over seeds of the per-seed class mean, per group, with sample std (hand-checked)', () => {
  const s = summarizeResults(ROWS);
  const get = (metric: string, group: string) => s.find((r) => r.metric === metric && r.group === group)!;
  // seed 0: all (0.5+0.8+1)/3 = 0.7667, head 0.9, tail 0.5; seed 1: all 0.7, head 0.7, tail 0.7
  assert.ok(Math.abs(get('image_auroc', 'all').mean - (0.76666667 + 0.7) / 2) < 1e-6);
  assert.ok(Math.abs(get('image_auroc', 'all').std - 0.0666667 / Math.SQRT2) < 1e-6);
  assert.ok(Math.abs(get('image_auroc', 'head').mean - 0.8) < 1e-9);
  assert.ok(Math.abs(get('image_auroc', 'head').std - 0.2 / Math.SQRT2) < 1e-9);
  assert.ok(Math.abs(get('image_auroc', 'tail').mean - 0.6) < 1e-9);
  assert.equal(get('image_auroc', 'all').n_seeds, 2);
  assert.equal(get('image_auroc', 'all').n_classes, 3);
  assert.equal(get('image_auroc', 'tail').n_classes, 1);
  // AUPRO: the NaN class is left out; one seed only, so std is NaN
  assert.equal(get('aupro', 'all').mean, 0.4);
  assert.ok(Number.isNaN(get('aupro', 'all').std));
  assert.equal(
    s.find((r) => r.metric === 'aupro' && r.group === 'tail'),
    undefined,
  );
  assert.match(
    summaryCsv(s).split('\n')[0],
    /^dataset,tail_type,k,noise_ratio,method,metric,group,mean,std,n_seeds,n_classes$/,
  );
});

test('Markdown table: one row per setting x method, percent with one decimal', () => {
  const md = summaryMarkdown(summarizeResults([...ROWS, row(0, 'a', true, 0.25, 'image_auroc', 'patchcore')]));
  const lines = md.split('\n');
  assert.equal(
    lines[0],
    '| setting | noise | method | image AUROC all | image AUROC head | image AUROC tail | pixel AUROC all | pixel AUROC head | pixel AUROC tail | AUPRO all | AUPRO head | AUPRO tail |',
  );
  assert.equal(lines[2].split('|')[3].trim(), 'patchcore'); // method order: patchcore first
  assert.match(
    lines[3],
    /^\| step K=1 \| 10% \| tailedcore \| 73\.3 ± 4\.7 \| 80\.0 ± 14\.1 \| 60\.0 ± 14\.1 \| – \| – \| – \| 40\.0 \| 40\.0 \| – \|$/,
  );
  assert.equal(formatCell(0.95712, 0.0031), '95.7 ± 0.3');
});

test('writeSummary reads a run folder and writes summary.csv and summary.md', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-rep-'));
  fs.writeFileSync(path.join(dir, 'results.csv'), RESULTS_HEADER + ROWS.map(formatRow).join(''));
  const { rows } = writeSummary(dir);
  assert.equal(rows.length, 3 + 2);
  assert.ok(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8').includes('73.3 ± 4.7'));
  assert.equal(fs.readFileSync(path.join(dir, 'summary.csv'), 'utf8').trim().split('\n').length, 6);
  fs.writeFileSync(path.join(dir, 'results.csv'), RESULTS_HEADER);
  assert.throws(() => writeSummary(dir), /has no rows yet/);
});
