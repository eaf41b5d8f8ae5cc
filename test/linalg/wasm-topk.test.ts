import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import {
  newWasmTopkState,
  topkLevels,
  topkModuleBytes,
  topkRun,
  topkStage,
  wasmTopkSupported,
} from '../../src/linalg/wasm-topk';

/**
 * The plain model of the kernel: for each row, s_j = fround(hn_j - dots_j), the members in the order "s ascending,
 * NaN after every number, ties (-0 = +0 included) by lower index", the first kk, as 2 s and j.
 */
function model(dots: Float32Array, hn: Float32Array, g: number, nq: number, nb: number, kk: number) {
  const values = new Float32Array(g * nq * kk),
    indices = new Int32Array(g * nq * kk);
  for (let gi = 0; gi < g; gi++)
    for (let r = 0; r < nq; r++) {
      const s = Array.from({ length: nb }, (_, j) => Math.fround(hn[gi * nb + j] - dots[(gi * nq + r) * nb + j]));
      const order = Array.from({ length: nb }, (_, j) => j).sort((a, b) => {
        const x = s[a],
          y = s[b];
        if (Number.isNaN(x) || Number.isNaN(y))
          return Number.isNaN(x) && Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
        return x < y ? -1 : x > y ? 1 : a - b;
      });
      for (let t = 0; t < kk; t++) {
        values[(gi * nq + r) * kk + t] = 2 * s[order[t]];
        indices[(gi * nq + r) * kk + t] = order[t];
      }
    }
  return { values, indices };
}

const state = newWasmTopkState();

/** The kernel through the functions the worker runs (topkStage lays out and grows the memory, topkRun selects). */
function kernel(dots: Float32Array, hn: Float32Array, g: number, nq: number, nb: number, kk: number) {
  const m = topkLevels(kk);
  topkStage(state, topkModuleBytes(m), m, g, nq, nb, kk, hn).set(dots);
  return topkRun(state, m, g, nq, nb, kk);
}

function check(dots: Float32Array, hn: Float32Array, g: number, nq: number, nb: number, kk: number, what: string) {
  const want = model(dots, hn, g, nq, nb, kk);
  const got = kernel(dots, hn, g, nq, nb, kk);
  assert.deepEqual(Array.from(got.indices), Array.from(want.indices), `${what}: indices`);
  for (let i = 0; i < want.values.length; i++) {
    const a = got.values[i],
      b = want.values[i];
    // NaN's bits are not specified by WebAssembly; every number must be identical, -0 and +0 apart.
    assert.ok(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), `${what}: value ${i} ${a} vs ${b}`);
  }
}

function rows(rng: Rng, len: number, f: (rng: Rng, i: number) => number): Float32Array {
  return Float32Array.from({ length: len }, (_, i) => f(rng, i));
}

test('wasm top-k equals its plain model on random rows of every shape (kk = 1..n, n not a multiple of 4, 1-2 members)', () => {
  assert.ok(wasmTopkSupported(), 'Node 20 has WebAssembly SIMD');
  const rng = createRng('wasm-topk-shapes');
  for (const nb of [1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64, 240]) {
    for (const kk of new Set([1, 2, 3, 4, 5, 9, 11, 12, 13, Math.ceil(nb / 2), nb - 1, nb])) {
      if (kk < 1 || kk > nb) continue;
      const g = 1 + rng.int(3),
        nq = 1 + rng.int(4);
      const dots = rows(rng, g * nq * nb, (r) => r.normal() * 10),
        hn = rows(rng, g * nb, (r) => r.uniform(0, 50));
      check(dots, hn, g, nq, nb, kk, `random nb ${nb} kk ${kk}`);
    }
  }
});

test('wasm top-k breaks ties by lower index: integer scores, duplicates, constant rows, a tie at the kk-th place', () => {
  const rng = createRng('wasm-topk-ties');
  for (const nb of [6, 17, 40, 240]) {
    for (const kk of [1, 4, 11, 23].filter((v) => v <= nb)) {
      const g = 2,
        nq = 3;
      // Scores in {0, 1, 2}: every row has long runs of equal scores.
      check(
        rows(rng, g * nq * nb, (r) => r.int(3)),
        new Float32Array(g * nb),
        g,
        nq,
        nb,
        kk,
        `integers ${nb}/${kk}`,
      );
      // Constant rows: all scores equal (the whole row is one tie).
      check(new Float32Array(g * nq * nb).fill(3), new Float32Array(g * nb).fill(1), g, nq, nb, kk, `constant`);
      // The kk-th and the (kk+1)-th smallest are equal, and later members repeat them.
      const dots = rows(rng, g * nq * nb, (r) => 100 + r.uniform(0, 1));
      for (let row = 0; row < g * nq; row++) {
        const pos = Array.from({ length: nb }, (_, j) => j).sort(() => rng.uniform(-1, 1));
        for (let t = 0; t < Math.min(nb, kk + 3); t++) dots[row * nb + pos[t]] = t < kk - 1 ? t : kk - 1;
      }
      check(dots, new Float32Array(g * nb), g, nq, nb, kk, `tie at the boundary ${nb}/${kk}`);
    }
  }
});

test('wasm top-k puts NaN after every number and orders -Infinity, -0, +0 and +Infinity as the model does', () => {
  const rng = createRng('wasm-topk-special');
  const special = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 3.5e38, -3.5e38, 1e-45];
  for (const nb of [3, 8, 13, 50]) {
    for (const kk of [1, 3, Math.min(nb, 11), nb]) {
      const g = 2,
        nq = 4;
      const pick = (r: Rng) => special[r.int(special.length)];
      check(rows(rng, g * nq * nb, pick), rows(rng, g * nb, pick), g, nq, nb, kk, `special ${nb}/${kk}`);
      // Mostly numbers with a few NaN, and rows that are all NaN or all +Infinity.
      const sparse = rows(rng, g * nq * nb, (r) => (r.uniform(0, 1) < 0.15 ? NaN : r.normal()));
      sparse.fill(NaN, 0, nb);
      sparse.fill(-Infinity, nb, 2 * nb);
      check(
        sparse,
        rows(rng, g * nb, (r) => r.normal()),
        g,
        nq,
        nb,
        kk,
        `sparse NaN ${nb}/${kk}`,
      );
      // Overflow: hn - dots rounds to ±Infinity in float32, and Infinity - Infinity is NaN.
      const big = rows(rng, g * nq * nb, (r) => (r.uniform(0, 1) < 0.5 ? 3e38 : -3e38));
      const hnBig = rows(rng, g * nb, (r) => [3e38, -3e38, Infinity, 0][r.int(4)]);
      check(big, hnBig, g, nq, nb, kk, `overflow ${nb}/${kk}`);
    }
  }
});

test('wasm top-k memory grows for a larger block and serves smaller ones after it', () => {
  const rng = createRng('wasm-topk-grow');
  for (const [g, nq, nb, kk] of [
    [1, 2, 9, 3],
    [8, 240, 240, 11],
    [2, 3, 7, 7],
    [3, 500, 260, 40],
  ]) {
    const dots = rows(rng, g * nq * nb, (r) => r.normal()),
      hn = rows(rng, g * nb, (r) => r.normal());
    check(dots, hn, g, nq, nb, kk, `block ${g}x${nq}x${nb}, kk ${kk}`);
  }
});
