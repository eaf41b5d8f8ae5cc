import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import {
  approxThreshold,
  newSharedMemory,
  sqdistModuleBytes,
  squaredDistance4,
  wasmSqdistSupported,
} from '../../src/linalg/wasm-sqdist';

type Kernel = (x: number, idx: number, count: number, dim: number, c: number, out: number) => void;

function instantiate(pages: number): { buf: SharedArrayBuffer; d: Kernel; a: Kernel } {
  const mem = newSharedMemory(pages);
  const WA = (
    globalThis as unknown as {
      WebAssembly: {
        Module: new (b: Uint8Array) => unknown;
        Instance: new (m: unknown, i: unknown) => { exports: Record<string, Kernel> };
      };
    }
  ).WebAssembly;
  const inst = new WA.Instance(new WA.Module(sqdistModuleBytes(pages)), { e: { m: mem } });
  return { buf: mem.buffer, d: inst.exports.d, a: inst.exports.a };
}

/** Rows with adversarial scales: ordinary values, huge and tiny magnitudes, subnormal-range differences, zeros. */
function adversarial(n: number, d: number, seed: string): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const kind = i % 6;
    for (let j = 0; j < d; j++) {
      const g = rng.normal();
      x[i * d + j] =
        kind === 0
          ? g
          : kind === 1
            ? g * 1e15
            : kind === 2
              ? g * 1e-20
              : kind === 3
                ? 0
                : kind === 4
                  ? 1 + g * 1e-7
                  : (rng.int(5) - 2) * 0.5;
    }
  }
  return x;
}

test('the WebAssembly kernel is supported here and its exact distances equal squaredDistance4 bit for bit', () => {
  assert.ok(wasmSqdistSupported(), 'Node 20 has WebAssembly SIMD and shared memory');
  for (const d of [8, 16, 24, 128, 192]) {
    const n = 300;
    const pages = Math.ceil((n * d * 4 + d * 12 + n * 16 + 64) / 65536) + 1;
    const k = instantiate(pages);
    const x = new Float32Array(k.buf, 0, n * d);
    x.set(adversarial(n, d, `wasm-${d}`));
    const cOff = Math.ceil((n * d * 4) / 16) * 16;
    const idxOff = cOff + d * 8;
    const outOff = idxOff + n * 4;
    const idx = new Int32Array(k.buf, idxOff, n);
    for (let i = 0; i < n; i++) idx[i] = (i * 37) % n; // scattered rows
    for (const centre of [0, 1, 2, 3, 4, 5, 77]) {
      const c = new Float64Array(k.buf, cOff, d);
      for (let j = 0; j < d; j++) c[j] = x[centre * d + j];
      k.d(0, idxOff, n, d, cOff, outOff);
      const out = new Float64Array(k.buf, outOff, n);
      for (let i = 0; i < n; i++)
        assert.equal(out[i], squaredDistance4(x, idx[i] * d, c, 0, d), `d ${d}, centre ${centre}, row ${idx[i]}`);
    }
  }
});

test('the float32 pass never certifies a row whose exact distance is below the limit (adversarial scales)', () => {
  const d = 64,
    n = 600;
  const pages = Math.ceil((n * d * 4 + d * 12 + n * 16 + 64) / 65536) + 1;
  const k = instantiate(pages);
  const x = new Float32Array(k.buf, 0, n * d);
  x.set(adversarial(n, d, 'approx'));
  const cOff = Math.ceil((n * d * 4) / 16) * 16;
  const idxOff = cOff + d * 4;
  const outOff = idxOff + n * 4;
  const idx = new Int32Array(k.buf, idxOff, n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let checked = 0;
  for (const centre of [0, 1, 2, 3, 4, 5, 6, 13]) {
    const c32 = new Float32Array(k.buf, cOff, d);
    for (let j = 0; j < d; j++) c32[j] = x[centre * d + j];
    k.a(0, idxOff, n, d, cOff, outOff);
    const approx = new Float32Array(k.buf, outOff, n);
    for (let i = 0; i < n; i++) {
      const exact = squaredDistance4(x, i * d, x, centre * d, d);
      // The filter's promise: approx >= approxThreshold(limit) implies exact >= limit, for any limit. The tightest
      // limit it can be tested against is exact itself (a limit just above exact must never be certified).
      const limit = exact * (1 + 1e-12) + 1e-300;
      if (Number.isFinite(approx[i]) && approx[i] >= approxThreshold(limit, d))
        assert.fail(`row ${i} centre ${centre}: certified ${approx[i]} >= ${limit} but exact ${exact}`);
      checked++;
    }
  }
  assert.equal(checked, 8 * n);
});
