import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import { Matrix, zeros } from '../../src/linalg/matrix';
import { nearestSquared, KnnStats, EngineOptions } from '../../src/linalg';
import { nearestSquaredRef } from '../../src/linalg/reference';
import { ortTopkBlock } from '../../src/linalg/ort-engine';
import { fp32LowerBound, productLowerBound } from '../../src/linalg/certified-nearest';
import { squaredDistanceRef as exactSquared } from '../../src/linalg/reference';
import { ortProductBlock } from '../../src/linalg/ort-engine';
import {
  quantizeQueries,
  quantizeBank,
  int8TopkBlock,
  int8LowerBound,
  int8Levels,
  SAFE_LEVELS,
} from '../../src/linalg/quantized-nearest';
import { makeMemoryBank, scorePatches, MemoryBank } from '../../src/scoring/memory-bank';
import { nativeStatus } from '../../src/linalg/native';

function randn(rng: Rng, rows: number, cols: number, offset = 0, scale = 1): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal() * scale + offset;
  return m;
}

function concat(ms: Matrix[]): Matrix {
  const d = ms[0].cols;
  const rows = ms.reduce((a, m) => a + m.rows, 0);
  const data = new Float32Array(rows * d);
  let o = 0;
  for (const m of ms) {
    data.set(m.data, o);
    o += m.data.length;
  }
  return { data, rows, cols: d };
}

function split(m: Matrix, cuts: number[]): Matrix[] {
  const d = m.cols;
  const bounds = [0, ...cuts, m.rows];
  return bounds.slice(1).map((b, i) => ({ data: m.data.slice(bounds[i] * d, b * d), rows: b - bounds[i], cols: d }));
}

/** Budgets of a few thousand floats: several query blocks and bank blocks even on small data. */
const budget = (floats: number) => (floats * 4) / 2 ** 20;

// The int8 modes run the default kernel (the native one where it loads); onnxruntime's is pinned once, and the
// native one once where it runs (coreset-native.test.ts fails CI on a machine with the instructions that lacks it).
const MODES: [string, EngineOptions][] = [
  ['fp32', { engine: 'ort', knnPrecision: 'fp32' }],
  ['int8', { engine: 'ort', knnPrecision: 'int8' }],
  ['int8 onnxruntime kernel', { engine: 'ort', knnPrecision: 'int8', knnInt8Kernel: 'ort' }],
  ...(nativeStatus().available
    ? [
        [
          'int8 native kernel, K=2',
          { engine: 'ort', knnPrecision: 'int8', knnInt8Kernel: 'native', knnCandidates: 2 },
        ] as [string, EngineOptions],
      ]
    : []),
  ['int8 7-bit', { engine: 'ort', knnPrecision: 'int8', knnSafeInt8: true }],
  ['int8 K=2', { engine: 'ort', knnPrecision: 'int8', knnCandidates: 2 }],
  ['fp32 K=2', { engine: 'ort', knnPrecision: 'fp32', knnCandidates: 2 }],
];

/** Every mode, whole and sharded, equals nearestSquaredRef on the whole bank bit for bit; returns the stats seen. */
async function checkAll(what: string, q: Matrix, bank: Matrix, cuts: number[], floats = 8192): Promise<KnnStats[]> {
  const ref = nearestSquaredRef(q, bank);
  const seen: KnnStats[] = [];
  for (const [name, mode] of MODES) {
    for (const b of [bank, split(bank, cuts)]) {
      const r = await nearestSquared(q, b, {
        ...mode,
        memoryBudgetMB: budget(floats),
        threads: 1,
        onKnnStats: (s) => seen.push(s),
      });
      const where = `${what}, ${name}, ${Array.isArray(b) ? 'sharded' : 'whole'}`;
      assert.deepEqual(Array.from(r.index), Array.from(ref.index), `${where}: indices`);
      assert.deepEqual(Array.from(r.dist), Array.from(ref.dist), `${where}: distances`);
    }
  }
  return seen;
}

test('certified 1-NN equals the reference on 192-d Gaussian data over many blocks and shards (with an empty one)', async () => {
  const rng = createRng(21);
  const seen = await checkAll('gaussian', randn(rng, 60, 192), randn(rng, 900, 192), [300, 300, 610]);
  // every stage is exercised somewhere: first pass, the float32 fallback after int8
  assert.ok(seen.some((s) => s.firstPass > 0));
  assert.ok(seen.some((s) => s.fp32Fallback > 0));
});

test('ties and duplicates: equal rows across blocks and shards, queries equal to bank rows, lowest index wins', async () => {
  const rng = createRng(22);
  const bank = randn(rng, 700, 64, 3);
  // rows 600..619 repeat rows 10..29; rows 650..654 are five copies of row 7 (exact ties at distance 0 and beyond)
  for (let i = 0; i < 20; i++) bank.data.copyWithin((600 + i) * 64, (10 + i) * 64, (11 + i) * 64);
  for (let i = 650; i < 655; i++) bank.data.copyWithin(i * 64, 7 * 64, 8 * 64);
  const q = randn(rng, 40, 64, 3);
  for (let i = 0; i < 10; i++) q.data.set(bank.data.subarray((600 + i) * 64, (601 + i) * 64), i * 64);
  q.data.set(bank.data.subarray(652 * 64, 653 * 64), 10 * 64);
  const seen = await checkAll('duplicates', q, bank, [250, 620]);
  assert.ok(
    seen.some((s) => s.fullScan > 0),
    'more tied rows than candidates go to the brute force',
  );
  const r = await nearestSquared(q, bank, { knnPrecision: 'int8', memoryBudgetMB: budget(4096) });
  assert.equal(r.index[0], 10);
  assert.equal(r.index[10], 7);
  assert.equal(r.dist[10], 0);
});

test('more tied rows than candidates settle in the full scan, which re-ranks only the rows its bound keeps', async () => {
  const rng = createRng(30);
  const d = 64;
  const bank = randn(rng, 2000, d);
  for (let c = 1; c <= 40; c++) bank.data.copyWithin((c * 45 + 3) * d, 5 * d, 6 * d); // 40 copies of row 5
  const q = randn(rng, 3, d);
  q.data.set(bank.data.subarray(5 * d, 6 * d), d); // query 1 is row 5
  const seen: KnnStats[] = [];
  const r = await nearestSquared(q, bank, { knnPrecision: 'fp32', knnCandidates: 4, onKnnStats: (s) => seen.push(s) });
  const ref = nearestSquaredRef(q, bank);
  assert.deepEqual(Array.from(r.index), Array.from(ref.index));
  assert.deepEqual(Array.from(r.dist), Array.from(ref.dist));
  assert.equal(r.index[1], 5);
  assert.equal(seen[0].fullScan, 1);
  assert.ok(seen[0].exactChecks < 100, `${seen[0].exactChecks} exact checks (the 41 copies and a few candidates)`);
});

test('after int8, the float32 stage visits every bank block whose own bound admits a win and finds the nearest there', async () => {
  const rng = createRng(31);
  const d = 64;
  // Two bank blocks (rows 0-1199 and 1200-2399), each with ten near-copies of a point near every query: int8 cannot order the
  // copies (differences far below its resolution), so its top 2 per block miss the nearest and the query stays open
  // in both blocks; the float32 stage must visit both to find it (a block wrongly left closed gives a wrong answer).
  const bank = randn(rng, 2400, d);
  const q = randn(rng, 6, d);
  for (let i = 0; i < q.rows; i++)
    for (const base of [20 + 10 * i, 1220 + 10 * i])
      for (let c = 0; c < 10; c++)
        for (let j = 0; j < d; j++)
          bank.data[(base + c) * d + j] = q.data[i * d + j] + 0.1 + (rng.next() - 0.5) * 4e-3 * (1 + (c % 3));
  const seen: KnnStats[] = [];
  const r = await nearestSquared(q, bank, {
    knnPrecision: 'int8',
    knnCandidates: 2,
    memoryBudgetMB: budget(6 * 1200), // bank blocks of 1,200 rows
    threads: 1,
    onKnnStats: (s) => seen.push(s),
  });
  const ref = nearestSquaredRef(q, bank);
  assert.deepEqual(Array.from(r.index), Array.from(ref.index));
  assert.deepEqual(Array.from(r.dist), Array.from(ref.dist));
  assert.ok(seen[0].fp32Fallback > 0, `the float32 stage settled some queries (${JSON.stringify(seen[0])})`);
});

test('constant rows, all-zero rows and all-zero queries', async () => {
  const rng = createRng(23);
  const d = 32;
  const constant = zeros(300, d).data.fill(0.25);
  await checkAll('constant bank', randn(rng, 12, d), { data: constant, rows: 300, cols: d }, [100]);
  const bank = randn(rng, 2400, d);
  bank.data.fill(0, 50 * d, 120 * d); // 70 all-zero rows
  const q = randn(rng, 20, d, 0, 0.01);
  q.data.fill(0, 0, 5 * d); // five all-zero queries: nearest is row 50 at distance 0
  await checkAll('zero rows', q, bank, [60, 200]);
  await checkAll('all zero', zeros(4, d), zeros(200, d), [80]);
});

test('adversarial scales: rows of 1e-3 and 1e3 norm mixed, large offsets', async () => {
  const rng = createRng(24);
  const d = 48;
  const small = randn(rng, 300, d, 0, 1e-3 / Math.sqrt(d));
  const large = randn(rng, 300, d, 0, 1e3 / Math.sqrt(d));
  const mixed = zeros(600, d);
  for (let i = 0; i < 300; i++) {
    mixed.data.set(small.data.subarray(i * d, (i + 1) * d), 2 * i * d);
    mixed.data.set(large.data.subarray(i * d, (i + 1) * d), (2 * i + 1) * d);
  }
  const q = concat([randn(rng, 15, d, 0, 1e-3 / Math.sqrt(d)), randn(rng, 15, d, 0, 1e3 / Math.sqrt(d))]);
  await checkAll('mixed scales', q, mixed, [301]);
  // far from the origin: ||q||² ~ 1e6·d while nearest distances are ~d
  await checkAll('offset 1e3', randn(rng, 30, d, 1e3), randn(rng, 800, d, 1e3), [400]);
  await checkAll('offset 50', randn(rng, 30, d, 50), randn(rng, 800, d, 50), [123]);
});

test('256-d and 1024-d', async () => {
  const rng = createRng(25);
  await checkAll('256-d', randn(rng, 20, 256, 1), randn(rng, 300, 256, 1), [150], 4096);
  await checkAll('1024-d', randn(rng, 10, 1024), randn(rng, 200, 1024), [90], 4096);
});

test('a query with a NaN gets what the reference gives (distance Infinity, index 0)', async () => {
  const rng = createRng(26);
  const q = randn(rng, 3, 16);
  q.data[20] = NaN;
  await checkAll('NaN query', q, randn(rng, 100, 16), [40]);
});

test('the bounds are valid for every bank row (int8 with full and 7-bit levels, both quantisers, and fp32), adversarial data included', async () => {
  const rng = createRng(27);
  const d = 96;
  const sets: [Matrix, Matrix][] = [
    [randn(rng, 20, d), randn(rng, 300, d)],
    [randn(rng, 20, d, 40), randn(rng, 300, d, 40)],
    [
      concat([randn(rng, 10, d, 0, 1e-4), randn(rng, 10, d, 0, 100)]),
      concat([randn(rng, 150, d, 0, 1e-4), randn(rng, 150, d, 0, 100)]),
    ],
  ];
  const full = await int8Levels({ threads: 1 });
  for (const [q, b] of sets) {
    const exact = (i: number, j: number) => exactSquared(q.data, i * d, b.data, j * d, d);
    const kernels = nativeStatus().available ? (['ort', 'native'] as const) : (['ort'] as const);
    for (const [levels, impl, kernel] of [
      ...kernels.map((k) => [full, 'wasm', k] as const),
      [SAFE_LEVELS, 'wasm', 'ort'],
      [full, 'js', 'ort'],
    ] as const) {
      const zq = quantizeQueries(
        q,
        Int32Array.from({ length: q.rows }, (_, i) => i),
        levels,
        null,
        impl,
      );
      const zb = quantizeBank(b, 0, b.rows, levels, impl, kernel);
      const top = await int8TopkBlock(zq, zb, d, b.rows, { threads: 1 });
      for (let i = 0; i < q.rows; i++)
        for (let t = 0; t < b.rows; t++) {
          const v = top.values[i * b.rows + t];
          const j = Number(top.indices[i * b.rows + t]);
          const e = exact(i, j);
          assert.ok(int8LowerBound(zq.norm2[i], zq.norm[i], zq.resid[i], v, zb.norm[j], zb.resid[j]) <= e);
          assert.ok(int8LowerBound(zq.norm2[i], zq.norm[i], zq.resid[i], v, zb.maxNorm, zb.maxResid) <= e);
        }
    }
    const bn = new Float64Array(b.rows);
    const bnorm = new Float32Array(b.rows);
    for (let j = 0; j < b.rows; j++) {
      bn[j] = Math.sqrt(exactSquared(b.data, j * d, new Float32Array(d), 0, d));
      bnorm[j] = bn[j] * bn[j];
    }
    const top = await ortTopkBlock(q.data, q.rows, b.data, b.rows, bnorm, d, b.rows, { threads: 1 });
    for (let i = 0; i < q.rows; i++) {
      const qn = Math.sqrt(exactSquared(q.data, i * d, new Float32Array(d), 0, d));
      for (let t = 0; t < b.rows; t++) {
        const j = Number(top.indices[i * b.rows + t]);
        assert.ok(fp32LowerBound(qn * qn, qn, top.values[i * b.rows + t], bn[j], d) <= exact(i, j));
      }
    }
    const prod = await ortProductBlock(q.data, q.rows, b.data, b.rows, d, { threads: 1 });
    for (let i = 0; i < q.rows; i++) {
      const qn = Math.sqrt(exactSquared(q.data, i * d, new Float32Array(d), 0, d));
      for (let j = 0; j < b.rows; j++) assert.ok(productLowerBound(qn, bn[j], prod[i * b.rows + j], d) <= exact(i, j));
    }
  }
});

test('weighted banks score through the certified path: score = distance x weight of the reference nearest row', async () => {
  const rng = createRng(28);
  const d = 64;
  const tail = randn(rng, 200, d, 1);
  const head = randn(rng, 500, d, 1);
  head.data.copyWithin(10 * d, 0, d); // head row 10 = head row 0: a tie the lower index must win
  const weights = new Float32Array(700);
  for (let i = 0; i < 700; i++) weights[i] = rng.uniform(0.5, 1.5);
  const patches = randn(rng, 50, d, 1);
  patches.data.set(head.data.subarray(0, d), 0);
  const ref = nearestSquaredRef(patches, concat([tail, head]));
  const whole = makeMemoryBank(tail, head, weights);
  const sharded: MemoryBank = { ...whole, features: zeros(0, d), shards: [tail, head] };
  for (const bank of [whole, sharded])
    for (const knnPrecision of ['int8', 'fp32'] as const) {
      const r = await scorePatches(bank, patches, {
        progress: false,
        chunkRows: 16,
        memoryBudgetMB: 1,
        engine: { engine: 'ort', knnPrecision },
      });
      assert.deepEqual(Array.from(r.nearest), Array.from(ref.index));
      assert.deepEqual(Array.from(r.distances), Array.from(ref.dist));
      for (let i = 0; i < patches.rows; i++)
        assert.equal(r.scores[i], Math.fround(ref.dist[i] * weights[ref.index[i]]));
    }
  assert.equal(ref.index[0], 200);
});

test('knnPrecision and knnCandidates are validated', async () => {
  const rng = createRng(29);
  const q = randn(rng, 3, 8);
  await assert.rejects(nearestSquared(q, q, { engine: 'ort', knnPrecision: 'bf16' as never }), /knnPrecision/);
  await assert.rejects(nearestSquared(q, q, { engine: 'ort', knnCandidates: 1 }), /knnCandidates/);
});

test('bad scorer options are OptionErrors naming the option', async () => {
  const q = zeros(3, 8),
    b = zeros(5, 8);
  await assert.rejects(
    nearestSquared(q, b, { engine: 'ort', knnPrecision: 'bf16' as never }),
    /knnPrecision must be 'auto', 'fp32' or 'int8', got 'bf16'/,
  );
  await assert.rejects(
    nearestSquared(q, b, { engine: 'ort', knnCandidates: 1 }),
    /knnCandidates must be an integer >= 2, got 1/,
  );
  await assert.rejects(
    nearestSquared(q, b, { engine: 'ort', knnPrecision: 'int8', knnInt8Kernel: 'avx' as never }),
    /knnInt8Kernel must be 'auto', 'native' or 'ort', got 'avx'/,
  );
});
