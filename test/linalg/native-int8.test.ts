import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import { nativeModule, nativeStatus } from '../../src/linalg/native';

const skip = nativeStatus().available ? false : `native module not available here: ${nativeStatus().reason}`;

/**
 * The kernel's arithmetic, in float32 as it runs: exact integer products, then
 * fround(bias + fround(fround(scaleNeg2 · aScale) · fround(dot - zero · sum))); NaN counts as +Infinity.
 */
function model(
  qa: Uint8Array,
  rows: Int8Array,
  nq: number,
  nb: number,
  d: number,
  zero: number,
  aScale: number,
  s2: Float32Array,
  bias: Float32Array,
): Float32Array {
  const out = new Float32Array(nq * nb);
  const f = Math.fround;
  for (let i = 0; i < nq; i++)
    for (let j = 0; j < nb; j++) {
      let dot = 0,
        sum = 0;
      for (let c = 0; c < d; c++) {
        dot += qa[i * d + c] * rows[j * d + c];
        sum += rows[j * d + c];
      }
      const v = f(bias[j] + f(f(s2[j] * f(aScale)) * f(dot - zero * sum)));
      out[i * nb + j] = Number.isNaN(v) ? Infinity : v;
    }
  return out;
}

/** The k smallest of each row, ascending, the lower column first on ties (what the kernel promises). */
function topk(all: Float32Array, nq: number, nb: number, k: number): { values: number[]; indices: number[] } {
  const values: number[] = [],
    indices: number[] = [];
  for (let i = 0; i < nq; i++) {
    const idx = Array.from({ length: nb }, (_, j) => j).sort((a, b) => all[i * nb + a] - all[i * nb + b] || a - b);
    for (let t = 0; t < k; t++) {
      indices.push(idx[t]);
      values.push(all[i * nb + idx[t]]);
    }
  }
  return { values, indices };
}

const shapes: [string, number, number, number, number][] = [
  // name, queries, bank rows, width, k
  ['9 x 50 x 96, k 16', 9, 50, 96, 16],
  ['13 x 37 x 37 (width not a multiple of 4, rows not of 16), k 5', 13, 37, 37, 5],
  ['1 x 16 x 4, k 16 (every row)', 1, 16, 4, 16],
  ['21 x 130 x 200, k 1', 21, 130, 200, 1],
];

for (const [name, nq, nb, d, k] of shapes) {
  test(`native int8 top-k equals its float32 model: ${name}`, { skip }, async () => {
    const rng = createRng(`int8-${name}`);
    const mod = nativeModule()!;
    const qa = Uint8Array.from({ length: nq * d }, () => rng.int(256));
    const rows = Int8Array.from({ length: nb * d }, () => rng.int(255) - 127);
    // ties: a few bank rows repeated (equal scores), and the lower row must come first
    for (let j = 3; j < nb; j += 7) rows.copyWithin(j * d, 0, d);
    const s2 = Float32Array.from({ length: nb }, () => -2 * (0.001 + rng.next() * 0.01));
    for (let j = 3; j < nb; j += 7) s2[j] = s2[0];
    const bias = Float32Array.from({ length: nb }, (_, j) => (j % 7 === 3 ? 0 : rng.next() * 50));
    bias[0] = 0;
    const zero = 17,
      aScale = 0.0123;
    const { packed, sums } = mod.packBank(rows, nb, d);
    for (const threads of [1, 2]) {
      const got = await mod.int8Topk(qa, nq, d, zero, aScale, packed, sums, nb, s2, bias, k, threads);
      const want = topk(model(qa, rows, nq, nb, d, zero, aScale, s2, bias), nq, nb, k);
      assert.deepEqual(Array.from(got.values), want.values, `values, ${threads} threads`);
      assert.deepEqual(Array.from(got.indices), want.indices, `indices, ${threads} threads`);
    }
  });
}

test(
  'native int8 top-k: a NaN score counts as +Infinity and still fills the k slots with real rows',
  { skip },
  async () => {
    const mod = nativeModule()!;
    const d = 8,
      nb = 20,
      nq = 3;
    const rows = new Int8Array(nb * d).fill(1);
    const bias = new Float32Array(nb).fill(NaN);
    bias[4] = 1;
    const s2 = new Float32Array(nb).fill(-0.5);
    const { packed, sums } = mod.packBank(rows, nb, d);
    const got = await mod.int8Topk(new Uint8Array(nq * d), nq, d, 0, 1, packed, sums, nb, s2, bias, 3, 1);
    for (let i = 0; i < nq; i++) {
      assert.deepEqual(Array.from(got.indices.subarray(i * 3, i * 3 + 3)), [4, 0, 1]);
      assert.deepEqual(Array.from(got.values.subarray(i * 3, i * 3 + 3)), [1, Infinity, Infinity]);
    }
  },
);

test('native int8 kernel refuses bad arguments with a message', { skip }, async () => {
  const mod = nativeModule()!;
  assert.throws(() => mod.packBank(new Int8Array(10), 3, 4), /nb x d/);
  const { packed, sums } = mod.packBank(new Int8Array(12), 3, 4);
  const f = new Float32Array(3);
  assert.throws(() => mod.int8Topk(new Uint8Array(8), 2, 4, 0, 1, packed, sums, 3, f, f, 4, 1), /k <= nb/);
  assert.throws(() => mod.int8Topk(new Uint8Array(4), 2, 4, 0, 1, packed, sums, 3, f, f, 2, 1), /qa Uint8Array/);
});
