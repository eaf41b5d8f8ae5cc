import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, experimentHelp, EXPERIMENT_DEFAULTS } from '../../src/experiments/config';
import { expandGrid } from '../../src/experiments/grid';

const NAMES = ['patchcore', 'softpatch', 'tailedcore'];

test('defaults fill in and shorthands expand', () => {
  const c = resolveConfig(
    { methods: ['patchcore', { name: 'tailedcore', label: 'tc-noaug', options: { x: 1 } }] },
    NAMES,
  );
  assert.equal(c.run, 'run');
  assert.deepEqual(c.methods, [
    { name: 'patchcore', label: 'patchcore', options: {} },
    { name: 'tailedcore', label: 'tc-noaug', options: { x: 1 } },
  ]);
  assert.deepEqual(c.datasets, [
    {
      root: 'data/synthetic',
      name: 'synthetic',
      synthetic: true,
      syntheticOptions: {},
      officialManifests: null,
      kind: 'synthetic',
      augmentation: { step: 'rot15flip', pareto: 'rot30flip' },
      noiseRatios: [0.1],
    },
  ]);
  assert.equal(c.modelSeed, 0);
  assert.equal(c.augmentation.pareto, 'rot30flip');
});

test('unknown keys at any level are errors that name the key and list the known ones', () => {
  assert.throws(
    () => resolveConfig({ noiseRatio: [0.1] }, NAMES),
    /unknown key "noiseRatio" \(known keys: run, resultsDir, datasets/,
  );
  assert.throws(
    () => resolveConfig({ datasets: [{ root: 'x', synth: true }] }, NAMES),
    /datasets\[0\]: unknown key "synth" \(known keys: root, name, synthetic, syntheticOptions, officialManifests, kind, augmentation, noiseRatios\)/,
  );
  assert.throws(
    () => resolveConfig({ methods: [{ name: 'patchcore', option: {} }] }, NAMES),
    /methods\[0\]: unknown key "option"/,
  );
  assert.throws(
    () => resolveConfig({ augmentation: { steps: 'rot15flip' } }, NAMES),
    /augmentation": unknown key "steps"/,
  );
});

test('bad values are errors naming the key', () => {
  assert.throws(
    () => resolveConfig({ methods: ['patchcor'] }, NAMES),
    /unknown method "patchcor" \(known methods, MODEL_NAMES: patchcore, softpatch, tailedcore\)/,
  );
  assert.throws(() => resolveConfig({ noiseRatios: [1.2] }, NAMES), /noiseRatios.*1.2 is not a ratio/);
  assert.throws(() => resolveConfig({ ks: [] }, NAMES), /"ks" must be a non-empty array/);
  assert.throws(() => resolveConfig({ seeds: [1, 1] }, NAMES), /lists a value twice/);
  assert.throws(() => resolveConfig({ tailTypes: ['zipf'] }, NAMES), /unknown tail type "zipf"/);
  assert.throws(() => resolveConfig({ run: '../x' }, NAMES), /"run" must be a folder name/);
  assert.throws(() => resolveConfig({ augmentation: { step: 'rot10' } }, NAMES), /unknown augmentation "rot10"/);
  assert.throws(() => resolveConfig({ methods: ['patchcore', 'patchcore'] }, NAMES), /same label/);
});

test('--help lists every key with its default, and the method names', () => {
  const h = experimentHelp(NAMES);
  for (const k of Object.keys(EXPERIMENT_DEFAULTS)) assert.match(h, new RegExp(`^  ${k} `, 'm'));
  assert.match(h, /default: \[0\.1\]/);
  assert.match(h, /MODEL_NAMES\): patchcore, softpatch, tailedcore/);
});

test('the grid: Pareto has one setting (no K); order keeps cells of one split together', () => {
  const c = resolveConfig(
    {
      tailTypes: ['step', 'pareto'],
      ks: [1, 4],
      noiseRatios: [0, 0.1],
      seeds: [0, 1],
      methods: ['patchcore', 'tailedcore'],
    },
    NAMES,
  );
  const cells = expandGrid(c);
  // (2 step K + 1 pareto) x 2 noise x 2 seeds x 2 methods
  assert.equal(cells.length, 24);
  assert.equal(new Set(cells.map((x) => x.key)).size, 24);
  assert.equal(cells[0].key, 'synthetic|step|1|0|0|patchcore');
  assert.equal(cells[1].key, 'synthetic|step|1|0|0|tailedcore');
  const pareto = cells.filter((x) => x.tailType === 'pareto');
  assert.equal(pareto.length, 8);
  assert.ok(pareto.every((x) => x.k === null && x.augmentation === 'rot30flip'));
  assert.ok(cells.filter((x) => x.tailType === 'step').every((x) => x.augmentation === 'rot15flip'));
});
