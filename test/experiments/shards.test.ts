import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/experiments/config';
import { expandGrid } from '../../src/experiments/grid';
import {
  assignShards,
  cellsOfShard,
  estimateCellCost,
  parsePartName,
  partName,
  resolveShard,
} from '../../src/experiments/shards';

const MODELS = ['patchcore', 'softpatch', 'tailedcore'];

function paperLikeGrid() {
  return expandGrid(
    resolveConfig(
      {
        datasets: ['mvtec', 'visa'],
        tailTypes: ['step', 'pareto'],
        ks: [1, 4],
        noiseRatios: [0.1],
        seeds: [1, 2, 3, 4, 5],
        methods: MODELS,
      },
      MODELS,
    ),
  );
}

test('cell ids are stable and readable: dataset|tail|k|noise|seed|method label', () => {
  const cells = paperLikeGrid();
  assert.equal(cells.length, 2 * 3 * 5 * 3);
  assert.equal(cells[0].key, 'mvtec|step|1|0.1|1|patchcore');
  assert.equal(cells.find((c) => c.tailType === 'pareto')!.key, 'mvtec|pareto||0.1|1|patchcore');
  assert.equal(new Set(cells.map((c) => c.key)).size, cells.length);
  // the same config gives the same ids, whatever object it came from
  assert.deepEqual(
    paperLikeGrid().map((c) => c.key),
    cells.map((c) => c.key),
  );
});

test('shards are disjoint, cover the grid, are deterministic and balanced by estimated cost', () => {
  const cells = paperLikeGrid();
  for (const n of [1, 2, 3, 7, 16, 90, 100]) {
    const a = assignShards(cells, n);
    assert.deepEqual(assignShards(cells, n), a);
    const seen = new Set<string>();
    const load = new Array(n).fill(0);
    for (let s = 0; s < n; s++) {
      for (const c of cellsOfShard(cells, { index: s, count: n })) {
        assert.ok(!seen.has(c.key));
        seen.add(c.key);
        load[s] += estimateCellCost(c);
      }
    }
    assert.equal(seen.size, cells.length);
    // LPT: the busiest shard carries at most the lightest one's load plus the largest single cell
    const maxCell = Math.max(...cells.map(estimateCellCost));
    assert.ok(Math.max(...load) - Math.min(...load) <= maxCell + 1e-9, `n=${n}: ${load.join(',')}`);
  }
  // tailedcore cells cost more than patchcore cells, so they spread first
  assert.ok(estimateCellCost(cells.find((c) => c.method.name === 'tailedcore')!) > estimateCellCost(cells[0]));
});

test('the shard comes from --shard, or from --shards with SLURM or Kubernetes variables', () => {
  assert.deepEqual(resolveShard({}, {}), { index: 0, count: 1 });
  assert.deepEqual(resolveShard({ shard: '2/5' }, {}), { index: 2, count: 5 });
  assert.deepEqual(resolveShard({ shard: '2/5' }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3' }), {
    index: 2,
    count: 5,
  });
  assert.deepEqual(resolveShard({}, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' }), { index: 1, count: 3 });
  assert.deepEqual(
    resolveShard({}, { SLURM_ARRAY_TASK_ID: '11', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_MAX: '13' }),
    { index: 1, count: 4 },
  );
  assert.deepEqual(resolveShard({ shards: '4' }, { SLURM_ARRAY_TASK_ID: '3' }), { index: 3, count: 4 });
  assert.deepEqual(resolveShard({ shards: '4' }, { JOB_COMPLETION_INDEX: '2' }), { index: 2, count: 4 });
  assert.deepEqual(resolveShard({ shards: '1' }, {}), { index: 0, count: 1 });
  assert.throws(() => resolveShard({ shard: '3/3' }, {}), /need 0 <= I < N/);
  assert.throws(() => resolveShard({ shard: '1of3' }, {}), /--shard must be I\/N/);
  assert.throws(() => resolveShard({ shard: '1/3', shards: '4' }, {}), /disagree/);
  assert.throws(() => resolveShard({}, { JOB_COMPLETION_INDEX: '2' }), /pass --shards N/);
  assert.throws(() => resolveShard({ shards: '3' }, {}), /needs the shard index/);
  // one failed shard resubmitted alone (sbatch --array=3): with --shards the array index is the shard index
  assert.deepEqual(
    resolveShard(
      { shards: '4' },
      { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '3', SLURM_ARRAY_TASK_MAX: '3' },
    ),
    { index: 3, count: 4 },
  );
  assert.throws(
    () => resolveShard({ shards: '2' }, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' }),
    /outside 0\.\.1/,
  );
  assert.throws(() => resolveShard({ shards: '2' }, { JOB_COMPLETION_INDEX: '5' }), /outside 0\.\.1/);
  assert.equal(partName({ index: 1, count: 3 }), '1-of-3');
  assert.deepEqual(parsePartName('1-of-3'), { index: 1, count: 3 });
  assert.equal(parsePartName('3-of-3'), null);
  assert.equal(parsePartName('x'), null);
});
