/**
 * report.html from the runner's outputs: a sharded run merged with `--merge` writes it (with every cell's details
 * from both parts), `npm run report -- --run DIR` rewrites it for an existing folder, and bad input exits with 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment } from '../../src/experiments/runner';
import { readRunData } from '../../src/report/run-data';
import { reportHtml } from '../../src/report/html-report';
import { fakePipeline } from '../experiments/fake-pipeline';
import { REPO, smallGrid, startCli, tmp, writeConfig } from '../experiments/cli-helpers';

test('a sharded run merged with --merge writes report.html with the cells of both parts', async () => {
  const dir = tmp('tc-report-merge-');
  const file = writeConfig(dir);
  const config = resolveConfig(smallGrid(dir), ['patchcore', 'tailedcore']);
  for (const index of [0, 1]) {
    const s = await runExperiment(config, fakePipeline(), { quiet: true, shard: { index, count: 2 } });
    assert.equal(s.merged, undefined);
  }
  const runDir = path.join(dir, 'results', 'r1');
  assert.equal(fs.existsSync(path.join(runDir, 'report.html')), false);
  const m = startCli(['--config', file, '--merge']);
  assert.equal(await m.done, 0, m.stderr());
  assert.match(m.stdout(), /report: .*report\.html \(\d+ KiB\)/);
  const html = fs.readFileSync(path.join(runDir, 'report.html'), 'utf8');
  // 16 cells, each with its details (from parts 0-of-2 and 1-of-2): the header counts them, every section is there
  const data = readRunData(runDir);
  assert.equal(data.details.length, 16);
  // each shard extracted (or read) the features once and recorded its wall time
  assert.deepEqual(
    data.featureStages.map((f) => [f.dataset, f.images]),
    [
      ['fake', 21],
      ['fake', 21],
    ],
  );
  assert.match(html, /features \(fake, 21 images\)/);
  assert.deepEqual(new Set(fs.readdirSync(path.join(runDir, 'parts'))), new Set(['0-of-2', '1-of-2']));
  assert.match(html, /<td class="key">cells<\/td><td>16 \(/);
  for (const id of ['header', 'summary', 'tradeoff', 'per-class', 'tailsampler', 'maps'])
    assert.match(html, new RegExp(`<section id="${id}">`));
  // the fake's images are empty files: the maps are drawn on grey and say so, never dropped
  assert.match(html, /image not readable/);
  // the fake models report no TailSampler decision: the section says so instead of drawing nothing
  assert.match(html, /No cell of this run recorded a TailSampler decision/);
  // a section alone (what a notebook shows) has only its own charts
  const one = reportHtml(data, { sections: ['tradeoff'] });
  assert.doesNotMatch(one, /<section id="summary">/);
  assert.match(one, /chart-tradeoff-image-auroc/);
});

test('npm run report -- --run DIR rewrites report.html; a folder without results exits with 2', () => {
  const dir = tmp('tc-report-cli-');
  const runDir = path.join(dir, 'r');
  fs.mkdirSync(runDir);
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'scripts', 'report.ts'), ...args], {
      cwd: REPO,
      encoding: 'utf8',
    });
  const help = cli(['--help']);
  assert.equal(help.status, 0);
  assert.ok(help.stdout.startsWith('usage: npm run report -- [options]\n'), help.stdout.slice(0, 80));
  const bad = cli(['--run', runDir]);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /results file not found: .*results\.csv/);
  fs.copyFileSync(path.join(REPO, 'results', 'benchmark-noise10', 'results.csv'), path.join(runDir, 'results.csv'));
  const ok = cli(['--run', runDir, '--sections', 'header,summary,tradeoff']);
  assert.equal(ok.status, 0, ok.stderr);
  const html = fs.readFileSync(path.join(runDir, 'report.html'), 'utf8');
  // a run made before details were recorded: the numbers are there, the stage times say "not recorded"
  assert.match(html, /Wall time per stage<\/h3>\n<p class="none">not recorded/);
  assert.match(html, /<td class="[^"]*">tailedcore<\/td>|<td>tailedcore<\/td>/);
  const unknown = cli(['--run', runDir, '--sections', 'header,nope']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown report section "nope"/);
});

test('--maps-per-class bounds the anomaly-map thumbnails per class and method; a bad value fails before any work', async () => {
  const dir = tmp('tc-report-maps-');
  const config = resolveConfig(smallGrid(dir, { noiseRatios: [0], seeds: [0] }), ['patchcore', 'tailedcore']);
  await assert.rejects(
    runExperiment(config, fakePipeline(), { quiet: true, details: { mapsPerClass: -1 } }),
    /option mapsPerClass must be an integer >= 0, got -1/,
  );
  assert.equal(fs.existsSync(path.join(dir, 'results')), false);
  await runExperiment(config, fakePipeline(), { quiet: true, details: { mapsPerClass: 2 } });
  const d = readRunData(path.join(dir, 'results', 'r1'));
  assert.ok(d.details.length > 0);
  for (const c of d.details)
    for (const m of c.maps) {
      // 4 test images per class in the fake set: the 2 highest and the 2 lowest, in score order
      assert.deepEqual([m.highest.length, m.lowest.length], [2, 2]);
      assert.ok(m.highest[0].score >= m.highest[1].score && m.lowest[0].score <= m.lowest[1].score);
      assert.ok(m.highest[1].score >= m.lowest[1].score);
    }
});
