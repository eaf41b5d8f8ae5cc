import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import { nativeModule, nativeStatus } from '../../src/linalg/native';

const skip = nativeStatus().available ? false : `native module not available here: ${nativeStatus().reason}`;

/** The JavaScript rules the scans replace: lo/hi start at 0, `v < lo ? v : lo` (a NaN or -0 never enters). */
function jsRanges(x: Float32Array, rows: number, d: number): { lo: number[]; hi: number[] } {
  const lo: number[] = [],
    hi: number[] = [];
  for (let r = 0; r < rows; r++) {
    let l = 0,
      h = 0;
    for (let c = 0; c < d; c++) {
      const v = x[r * d + c];
      l = v < l ? v : l;
      h = v > h ? v : h;
    }
    lo.push(Math.fround(l));
    hi.push(Math.fround(h));
  }
  return { lo, hi };
}

test(
  'native rowRanges equals the JavaScript rule: widths 1-70, NaN, ±Infinity, -0, all-negative and all-positive rows',
  { skip },
  () => {
    const mod = nativeModule()!;
    const rng = createRng('scan-ranges');
    for (const d of [1, 3, 15, 16, 17, 33, 64, 70]) {
      const rows = 40;
      const x = Float32Array.from({ length: rows * d }, () => rng.normal() * 10);
      x[0] = NaN;
      x[d] = -0;
      x[2 * d] = Infinity;
      x[3 * d + (d - 1)] = -Infinity;
      for (let c = 0; c < d; c++) {
        x[5 * d + c] = -1 - c; // all negative: hi stays 0
        x[6 * d + c] = 1 + c; // all positive: lo stays 0
        x[7 * d + c] = c % 2 ? NaN : -0;
      }
      const lo = new Float32Array(rows),
        hi = new Float32Array(rows);
      mod.rowRanges(x, rows, d, lo, hi);
      const want = jsRanges(x, rows, d);
      assert.deepEqual(Array.from(lo), want.lo, `lo, width ${d}`);
      assert.deepEqual(Array.from(hi), want.hi, `hi, width ${d}`);
      for (let r = 0; r < rows; r++) assert.ok(!Object.is(lo[r], -0) && !Object.is(hi[r], -0), 'never -0');
    }
  },
);

test(
  'native maxAbs: the largest |value|, NaN for any NaN, Infinity for ±Infinity, on views and odd lengths',
  { skip },
  () => {
    const mod = nativeModule()!;
    const rng = createRng('scan-max');
    for (const n of [0, 1, 5, 16, 31, 32, 33, 1000]) {
      const x = Float32Array.from({ length: n }, () => rng.normal());
      const want = x.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      assert.equal(mod.maxAbs(x), want, `length ${n}`);
      if (n > 0) {
        const y = x.slice();
        y[n - 1] = NaN;
        assert.ok(Number.isNaN(mod.maxAbs(y)), `NaN last, length ${n}`);
        y[n - 1] = -Infinity;
        assert.equal(mod.maxAbs(y), Infinity);
      }
    }
    const big = Float32Array.from({ length: 100 }, (_, i) => i - 50);
    assert.equal(mod.maxAbs(big.subarray(10, 20)), 40, 'a view reads its own values');
    assert.throws(() => mod.maxAbs(new Float64Array(3) as unknown as Float32Array), /Float32Array/);
  },
);

test('TAILEDCORE_NATIVE=0 turns the native kernels off for the process: the other paths run, with the same picks', async () => {
  const { spawnSync } = await import('node:child_process');
  const { join } = await import('node:path');
  const root = join(__dirname, '..', '..');
  const script = [
    `const { nativeStatus } = require(${JSON.stringify(join(root, 'src', 'linalg', 'native.ts'))});`,
    `const { kCenterParallel } = require(${JSON.stringify(join(root, 'src', 'sampling', 'coreset-parallel.ts'))});`,
    `const { kCenterBruteForce } = require(${JSON.stringify(join(root, 'src', 'sampling', 'coreset-kcenter.ts'))});`,
    'const p = { data: Float32Array.from({ length: 400 * 8 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1), rows: 400, cols: 8 };',
    'const stats = {};',
    `const { nearestSquared } = require(${JSON.stringify(join(root, 'src', 'linalg', 'index.ts'))});`,
    'kCenterParallel(p, 50, 0, { parts: 1, stats }).then(async (got) => {',
    '  const same = Array.from(got).join() === Array.from(kCenterBruteForce(p, 50, 0)).join();',
    "  const asked = await nearestSquared(p, p, { engine: 'ort', knnPrecision: 'int8', knnInt8Kernel: 'native' }).then(",
    "    () => 'ran', (e) => e.message);",
    '  console.log(JSON.stringify({ status: nativeStatus(), engine: stats.engine, same, asked }));',
    '});',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TAILEDCORE_NATIVE: '0' },
  });
  assert.equal(r.status, 0, r.stderr.slice(0, 500));
  const out = JSON.parse(r.stdout.trim());
  assert.equal(out.status.available, false);
  assert.match(out.status.reason, /TAILEDCORE_NATIVE=0/);
  assert.notEqual(out.engine, 'native');
  assert.equal(out.same, true);
  // asking for the native int8 kernel where it does not run names the option and the reason
  assert.match(
    out.asked,
    /knnInt8Kernel 'native' was asked for, but it does not run here: turned off \(TAILEDCORE_NATIVE=0\)/,
  );
});
