import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import { quantizeRowsWasm, wasmQuantizeSupported } from '../../src/linalg/wasm-quantize';
import { quantizeBank, quantizeQueries, rowRanges, SAFE_LEVELS } from '../../src/linalg/quantized-nearest';

const f = Math.fround;
/** Round half to even (WebAssembly's nearest). */
function nearest(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : r;
}

/** The plain model of the kernel (see src/linalg/wasm-quantize.ts): float32 levels, float64 sums. */
function model(
  x: Float32Array,
  list: ArrayLike<number> | null,
  rows: number,
  d: number,
  scale: Float32Array | number,
  zero: number,
  lo: number,
  hi: number,
) {
  const q = new Uint8Array(rows * d),
    resid2 = new Float64Array(rows),
    norm2 = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const s = typeof scale === 'number' ? scale : scale[r],
      inv = f(1 / s),
      src = list ? list[r] : r;
    for (let c = 0; c < d; c++) {
      const v = x[src * d + c];
      const u = Math.min(Math.max(f(nearest(f(v * inv)) + zero), lo), hi);
      const w = f(u - zero);
      q[r * d + c] = Number.isNaN(u) ? 0 : u & 255;
      const t = s * w;
      norm2[r] += t * t;
      resid2[r] += (v - t) * (v - t);
    }
  }
  return { q, resid2, norm2 };
}

function data(rng: Rng, rows: number, d: number, spread: number): Float32Array {
  const x = new Float32Array(rows * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal() * spread + 0.3 * spread;
  return x;
}

function close(a: Float64Array, b: Float64Array, what: string): void {
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-12 * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('the SIMD quantiser writes the model levels and sums: unsigned and signed, any width, gathered rows', () => {
  assert.ok(wasmQuantizeSupported());
  const rng = createRng(41);
  for (const d of [1, 3, 15, 16, 17, 33, 64, 100]) {
    const x = data(rng, 60, d, 2);
    const list = Int32Array.from({ length: 45 }, () => rng.int(60));
    // queries: one scale, asymmetric [0, 255] with a zero point
    const a = quantizeRowsWasm(x, list, 45, d, f(0.03), 120, 0, 255);
    const ma = model(x, list, 45, d, f(0.03), 120, 0, 255);
    assert.deepEqual(a.q, ma.q, `unsigned levels at d=${d}`);
    close(a.resid2, ma.resid2, `resid2 d=${d}`);
    close(a.norm2, ma.norm2, `norm2 d=${d}`);
    // bank rows: a scale per row, symmetric [-127, 127], read as signed bytes
    const scales = Float32Array.from({ length: 60 }, () => f(0.01 + 0.05 * rng.uniform(0, 1)));
    const b = quantizeRowsWasm(x, null, 60, d, scales, 0, -127, 127);
    const mb = model(x, null, 60, d, scales, 0, -127, 127);
    assert.deepEqual(b.q, mb.q, `signed levels at d=${d}`);
    close(b.resid2, mb.resid2, `bank resid2 d=${d}`);
    close(b.norm2, mb.norm2, `bank norm2 d=${d}`);
    // clamping happens: some values sit past the range
    assert.ok(Array.from(new Int8Array(b.q.buffer)).some((v) => v === 127 || v === -127));
  }
});

test('the SIMD quantiser: ties round to even, chunked blocks, NaN rows', () => {
  // exact halves: v / s = k + 0.5 for s = 1
  const halves = Float32Array.from([
    0.5, 1.5, 2.5, -0.5, -1.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, -2.5,
  ]);
  const h = quantizeRowsWasm(halves, null, 1, 16, 1, 0, -127, 127);
  assert.deepEqual(Array.from(new Int8Array(h.q.buffer)), [0, 2, 2, 0, -2, 4, 4, 6, 6, 8, 8, 10, 10, 12, 12, -2]);
  // more than one 4 MiB chunk of rows
  const rng = createRng(42);
  const d = 1024,
    rows = 1100;
  const x = data(rng, rows, d, 1);
  const a = quantizeRowsWasm(x, null, rows, d, f(0.02), 30, 0, 255);
  const m = model(x, null, rows, d, f(0.02), 30, 0, 255);
  assert.deepEqual(a.q, m.q);
  close(a.resid2, m.resid2, 'chunked resid2');
  // a NaN: byte 0 and NaN sums for its row only
  const y = data(rng, 3, 20, 1);
  y[20 + 7] = NaN;
  const n = quantizeRowsWasm(y, null, 3, 20, f(0.02), 30, 0, 255);
  assert.equal(n.q[20 + 7], 0);
  assert.ok(Number.isNaN(n.resid2[1]) && Number.isNaN(n.norm2[1]));
  assert.ok(Number.isFinite(n.resid2[0]) && Number.isFinite(n.resid2[2]));
});

test('quantizeQueries and quantizeBank: both quantisers give residuals that bound the true error', () => {
  const rng = createRng(43);
  const d = 40;
  const m = { data: data(rng, 30, d, 3), rows: 30, cols: d };
  const list = Int32Array.from({ length: 30 }, (_, i) => 29 - i);
  for (const impl of ['wasm', 'js'] as const) {
    const levels = { qaMax: 255, qbMax: 127 };
    for (const ranges of [null, rowRanges(m)]) {
      const z = quantizeQueries(m, list, levels, ranges, impl);
      for (let r = 0; r < 30; r++) {
        let e = 0,
          n = 0;
        for (let c = 0; c < d; c++) {
          const t = z.scale * (z.qa[r * d + c] - z.zero);
          e += (m.data[list[r] * d + c] - t) ** 2;
          n += t * t;
        }
        assert.ok(Math.sqrt(e) <= z.resid[r], `${impl}: query residual ${r}`);
        assert.ok(Math.abs(n - z.norm2[r]) <= 1e-12 * n);
      }
    }
    const b = quantizeBank(m, 5, 25, SAFE_LEVELS, impl);
    for (let r = 0; r < 20; r++) {
      let e = 0;
      const s = -b.scaleNeg2[r] / 2;
      for (let c = 0; c < d; c++) e += (m.data[(5 + r) * d + c] - s * b.bt[c * 20 + r]) ** 2;
      assert.ok(Math.sqrt(e) <= b.resid[r], `${impl}: bank residual ${r}`);
      for (let c = 0; c < d; c++) assert.ok(Math.abs(b.bt[c * 20 + r]) <= SAFE_LEVELS.qbMax);
    }
  }
});
