import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readConfigFile, expandGrid } from '../../src/experiments';
import { MODEL_NAMES } from '../../src/models';

test('the shipped configs validate and expand to the documented grids', () => {
  const bench = readConfigFile('configs/synthetic-benchmark.json', MODEL_NAMES);
  // (step K=1, step K=4, Pareto) x 4 noise ratios x 3 methods x 3 seeds
  assert.equal(expandGrid(bench).length, 3 * 4 * 3 * 3);
  assert.deepEqual(bench.noiseRatios, [0, 0.05, 0.1, 0.25]);
  const paper = readConfigFile('configs/paper-mvtec.json', MODEL_NAMES);
  assert.deepEqual([paper.features.resize, paper.features.crop], [256, 224]);
  assert.equal(expandGrid(paper).length, 3 * 3 * 5);
  const noise10 = readConfigFile('configs/synthetic-noise10.json', MODEL_NAMES);
  assert.equal(expandGrid(noise10).length, 3 * 3 * 3);
  assert.deepEqual(noise10.noiseRatios, [0.1]);
  const look = readConfigFile('configs/lookalike-benchmark.json', MODEL_NAMES);
  // the second generated family at the paper's 10 % noise: 3 settings x 3 methods x 3 seeds
  assert.equal(expandGrid(look).length, 3 * 3 * 3);
  assert.deepEqual(
    look.datasets.map((d) => [d.synthetic, d.syntheticOptions]),
    [[true, { family: 'lookalike' }]],
  );
});

test('a config file error names the file; $comment is the only free key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-cfg-'));
  const f = path.join(dir, 'c.json');
  fs.writeFileSync(f, JSON.stringify({ $comment: 'x', method: ['patchcore'] }));
  assert.throws(
    () => readConfigFile(f, MODEL_NAMES),
    new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: experiment config: unknown key "method"`),
  );
  fs.writeFileSync(f, '{ "run": ');
  assert.throws(() => readConfigFile(f, MODEL_NAMES), /is not valid JSON/);
  assert.throws(() => readConfigFile(path.join(dir, 'none.json'), MODEL_NAMES), /config file not found/);
});
