import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectTfBackend, activeTfBackend } from '../../src/features/backend';
import { OptionError } from '../../src/util/errors';

test('auto picks wasm here and reports why tensorflow was skipped (tfjs-node is plain tfjs in this repo)', async () => {
  delete process.env.TAILEDCORE_TF_BACKEND;
  const info = await selectTfBackend({ quiet: true });
  // On a machine with a working tfjs-node(-gpu) this would be 'tensorflow'; then the reason list is empty.
  if (info.backend !== 'tensorflow') {
    assert.equal(info.backend, 'wasm');
    assert.ok(
      info.skipped.some((s) => s.includes('@tensorflow/tfjs-node')),
      info.skipped.join('; '),
    );
  }
  assert.equal(info.chosenBy, 'auto');
  assert.equal(tf.getBackend(), info.backend);
  assert.deepEqual(activeTfBackend(), info);
});

test('the environment overrides auto, the option overrides the environment; bad names are OptionErrors', async () => {
  process.env.TAILEDCORE_TF_BACKEND = 'cpu';
  try {
    const viaEnv = await selectTfBackend({ quiet: true });
    assert.deepEqual([viaEnv.backend, viaEnv.chosenBy], ['cpu', 'env']);
    const viaOpt = await selectTfBackend({ backend: 'wasm', quiet: true });
    assert.deepEqual([viaOpt.backend, viaOpt.chosenBy], ['wasm', 'option']);
    assert.equal(tf.getBackend(), 'wasm');
    process.env.TAILEDCORE_TF_BACKEND = 'gpu';
    await assert.rejects(selectTfBackend({ quiet: true }), /TAILEDCORE_TF_BACKEND/);
    await assert.rejects(selectTfBackend({ backend: 'webgl' as never, quiet: true }), OptionError);
  } finally {
    delete process.env.TAILEDCORE_TF_BACKEND;
  }
});

test("an explicit 'tensorflow' request without libtensorflow fails clearly", async (t) => {
  const info = await selectTfBackend({ quiet: true });
  if (info.backend === 'tensorflow') return t.skip('native tensorflow is available on this machine');
  await assert.rejects(selectTfBackend({ backend: 'tensorflow', quiet: true }), /tfjs-node/);
});

test("starting the wasm backend leaves no process handlers behind: a later error of the user's code prints plainly", async () => {
  const { spawnSync } = await import('node:child_process');
  const { join } = await import('node:path');
  const root = join(__dirname, '..', '..');
  const script = [
    `const { selectTfBackend } = require(${JSON.stringify(join(root, 'src', 'features', 'backend.ts'))});`,
    "selectTfBackend({ backend: 'wasm', quiet: true }).then(() => {",
    "  console.log('handlers', process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection'));",
    "  throw new Error('boom from user code');",
    '});',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(r.stdout.trim(), 'handlers 0 0', r.stderr.slice(0, 500));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /boom from user code/);
  // The Emscripten glue's minified line (~20 KB) must not be printed above the error.
  assert.ok(!r.stderr.includes('var Module='), r.stderr.slice(0, 300));
  assert.ok(r.stderr.length < 4000, `stderr is ${r.stderr.length} characters`);
});
