#!/usr/bin/env node
// `npm test`, one command: type check, lint (typescript-eslint; import cycles and the layer order of
// docs/architecture.md), format check (prettier), dead-code check (knip), then every test/**/*.test.ts with Node's own
// test runner through tsx (the notebook tests execute all five notebooks when Jupyter is installed).
// Node 20's --test takes no globs, so the files are listed here. Exit code: the first failing step's.
//
//   node scripts/run-tests.js                 everything
//   node scripts/run-tests.js metrics/auroc   only the test files whose path contains one of the arguments
//                                             (no static checks; add SKIP_TYPECHECK=1 out of habit, it is implied)
//   SKIP_CHECKS=1 npm test                    all tests, no static checks
//
// FORMAT_CHECK=strict|warn|off: what a prettier finding does (strict fails the run; `npm run format` fixes it).
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const { join, dirname } = require('node:path');

const DEFAULT_FORMAT_CHECK = 'strict';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** The path of a dev tool's bin script, from its package.json (no npx, no shell). */
function bin(pkg, name) {
  const manifest = join(__dirname, '..', 'node_modules', pkg, 'package.json');
  const b = require(manifest).bin;
  return join(dirname(manifest), typeof b === 'string' ? b : b[name ?? pkg]);
}

function step(label, args) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) {
    console.log(`ok   ${label} (${secs} s)`);
    return;
  }
  console.error(`FAIL ${label} (${secs} s)`);
  process.exit(r.status ?? 1);
}

const formatCheck = process.env.FORMAT_CHECK || DEFAULT_FORMAT_CHECK;
if (!['strict', 'warn', 'off'].includes(formatCheck)) {
  console.error(`FORMAT_CHECK must be strict, warn or off, got "${formatCheck}"`);
  process.exit(2);
}

const filter = process.argv.slice(2);
if (filter.length === 0 && !process.env.SKIP_CHECKS) {
  if (!process.env.SKIP_TYPECHECK) step('type check (tsc)', [bin('typescript', 'tsc'), '--noEmit', '-p', '.']);
  step('lint, import cycles and layers (eslint)', [bin('eslint'), '.']);
  if (formatCheck === 'strict')
    step('format (prettier --check)', [bin('prettier'), '--check', '--log-level', 'warn', '.']);
  if (formatCheck === 'warn') {
    const r = spawnSync(process.execPath, [bin('prettier'), '--list-different', '.'], { encoding: 'utf8' });
    const n = r.stdout.split('\n').filter(Boolean).length;
    if (r.status === 0) console.log('ok   format (prettier --check)');
    else
      console.log(
        `WARN format: ${n} files differ from prettier's layout (not failing: FORMAT_CHECK=warn; \`npm run format:check\` lists them)`,
      );
  }
  step('dead code: unused files, exports, dependencies (knip)', [bin('knip'), '--no-progress']);
}
let files = find('test');
if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
