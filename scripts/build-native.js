#!/usr/bin/env node
// Builds the optional native kernels (src/native/*.cc, binding.gyp) with node-gyp: `npm ci` runs it as the
// install script, `npm run build:native` by hand. It never fails the install: where the build cannot run (no C++
// compiler, no Node headers, another CPU), the kit uses its WebAssembly and onnxruntime paths and this prints one
// line saying so.
// TAILEDCORE_NATIVE=0 skips the build (and, at run time, the module).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join, dirname } = require('node:path');

const root = join(__dirname, '..');
const log = join(root, 'build', 'native-build.log');
if (process.env.TAILEDCORE_NATIVE === '0') {
  console.log(
    'tailedcore-kit: TAILEDCORE_NATIVE=0, native kernels not built (the WebAssembly and onnxruntime paths run)',
  );
  process.exit(0);
}
// npm gives its own node-gyp to lifecycle scripts; by hand, the copy bundled with npm beside this node.
const candidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter(Boolean);
const gyp = candidates.find((p) => existsSync(p));
function giveUp(why) {
  console.warn(
    `tailedcore-kit: native kernels not built (${why}); the WebAssembly and onnxruntime paths run instead, with the same results. ` +
      'Rebuild with `npm run build:native`.',
  );
  process.exit(0);
}
if (!gyp) giveUp('node-gyp not found');
const args = [gyp, 'rebuild'];
// Node's own headers where they are installed beside this node (Debian's nodejs, the official tarballs), so that
// node-gyp never tries to download them (this machine reaches only the npm registry); npm's configured nodedir first.
const localHeaders = join(dirname(process.execPath), '..', 'include', 'node', 'node_api.h');
if (!process.env.npm_config_nodedir && existsSync(localHeaders))
  args.push(`--nodedir=${join(dirname(localHeaders), '..', '..')}`);
const t0 = Date.now();
// A build that hangs (a header download with no network) is cut at five minutes rather than holding up the install.
const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 300000 });
mkdirSync(dirname(log), { recursive: true });
writeFileSync(log, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
if (r.status !== 0) giveUp(`node-gyp exited with ${r.status ?? r.signal}; log in build/native-build.log`);
console.log(`tailedcore-kit: native kernels built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
