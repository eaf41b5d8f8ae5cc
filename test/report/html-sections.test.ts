import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResultRow } from '../../src/results/results-file';
import type { CellDetails } from '../../src/results/cell-details';
import { buildSections } from '../../src/report/html-sections';
import { summarizeResults } from '../../src/report/summary';
import type { RunData } from '../../src/report/run-data';

function rows(): ResultRow[] {
  const out: ResultRow[] = [];
  // two methods, two seeds, one head and one tail class; tailedcore better on tail, patchcore on head
  for (const seed of [0, 1])
    for (const method of ['patchcore', 'tailedcore'])
      for (const [cls, tail] of [
        ['a', false],
        ['b', true],
      ] as const)
        out.push({
          run: 'r',
          dataset: 'd',
          tail_type: 'step',
          k: 1,
          noise_ratio: 0.1,
          seed,
          method,
          class: cls,
          is_tail: tail,
          train_count: tail ? 1 : 30,
          noise_count: 0,
          metric: 'image_auroc',
          value: (method === 'patchcore') === !tail ? 0.9 + seed * 0.01 : 0.6 + seed * 0.01,
        });
  return out;
}

function data(details: CellDetails[] = []): RunData {
  const r = rows();
  return {
    dir: '/x',
    name: 'r',
    config: null,
    env: null,
    fingerprint: null,
    results: r,
    summary: summarizeResults(r),
    details,
    featureStages: [],
    problems: [],
    tailSelection: null,
  };
}

test('the summary marks the best method per column of a setting: head for PatchCore, tail for TailedCore', () => {
  const [s] = buildSections(data(), ['summary']);
  const body = s.html.split('<tbody>')[1];
  const [pc, tc] = body.split('</tr>').slice(0, 2);
  // columns image AUROC all / head / tail: all is a tie (75.5 both), head patchcore, tail tailedcore
  assert.match(pc, /<td class="best">90\.5 ± 0\.7<\/td><td>60\.5 ± 0\.7<\/td>/);
  assert.match(tc, /<td>60\.5 ± 0\.7<\/td><td class="best">90\.5 ± 0\.7<\/td>/);
  assert.equal((pc.match(/class="best">75\.5/g) ?? []).length, 1, 'a tie marks both');
  assert.equal((tc.match(/class="best">75\.5/g) ?? []).length, 1, 'a tie marks both');
});

test('anomaly maps: one split per setting by default (noise nearest 10 %, lowest seed), every split with "all"', () => {
  const thumb = { rel: 'a/test/x.png', label: 1, score: 2, src: 'data:image/webp;base64,AA', imageRead: true };
  const cell = (split: string): CellDetails => ({
    cell: `${split}|patchcore`,
    split,
    method: 'patchcore',
    fitSeconds: 1,
    predictSeconds: 1,
    mapSize: 8,
    maps: [{ class: 'a', highest: [thumb], lowest: [thumb] }],
  });
  const splits = ['d|step|1|0|0', 'd|step|1|0.1|1', 'd|step|1|0.1|0', 'd|step|1|0.4|0', 'd|pareto||0.05|2'];
  const d = data(splits.map(cell));
  const html = (o: { mapSplits?: 'all' | 'one-per-setting' }) => buildSections(d, ['maps'], o)[0].html;
  const shown = (h: string) => [...h.matchAll(/<option value="\d+">([^<]+)<\/option>/g)].map((m) => m[1]);
  assert.deepEqual(shown(html({})), ['step K=1 · noise 10% · seed 0 · d', 'pareto · noise 5% · seed 2 · d']);
  assert.equal(shown(html({ mapSplits: 'all' })).length, 5);
});

test("the runner's tail-selection.csv, when the run has one, is shown as recorded in the TailSampler section", () => {
  const d = { ...data(), tailSelection: { columns: ['cell', 'selected'], rows: [['d|step|1|0.1|0|tailedcore', '7']] } };
  const html = buildSections(d, ['tailsampler'])[0].html;
  assert.match(html, /Tail selection records \(tail-selection\.csv\)/);
  assert.match(
    html,
    /<th>selected<\/th><\/tr><\/thead><tbody><tr><td>d\|step\|1\|0\.1\|0\|tailedcore<\/td><td>7<\/td>/,
  );
  assert.doesNotMatch(buildSections(data(), ['tailsampler'])[0].html, /tail-selection\.csv/);
});
