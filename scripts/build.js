#!/usr/bin/env node
// `npm run build`: compiles src/ into dist/ (tsconfig.build.json) and records the sources' hash in
// dist/build-info.json, which the dist barrel checks on load (src/util/build-info.ts): a notebook never runs a stale build.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
require(join(root, 'dist', 'util', 'build-info.js')).writeBuildInfo(join(root, 'dist'), join(root, 'src'));
console.log('built dist/ (dist/build-info.json records the sources it was built from)');
