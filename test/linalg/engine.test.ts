import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import { Matrix, zeros } from '../../src/linalg/matrix';
import { nearestSquared, knnSquared, matmulTransposed, resolveEngine } from '../../src/linalg';
import { nearestSquaredRef, knnSquaredRef, matmulTransposedRef } from '../../src/linalg/reference';
import { topkIndices } from '../../src/linalg/ort-engine';

function randn(rng: Rng, rows: number, cols: number, offset = 0): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal() + offset;
  return m;
}

/** A budget of 4096 floats: with 3000 bank rows this gives query blocks of 4 rows and three bank blocks. */
const TINY = { engine: 'ort' as const, memoryBudgetMB: (4096 * 4) / 2 ** 20, threads: 1 };

function closeRel(a: number, b: number, rel = 1e-5, abs = 1e-6): boolean {
  return Math.abs(a - b) <= abs + rel * Math.abs(b);
}

test('onnxruntime loads here, so auto resolves to the ort engine', () => {
  assert.equal(resolveEngine('auto'), 'ort');
  assert.equal(resolveEngine('js'), 'js');
});

test('blocked nearest neighbour matches the reference (far-from-origin data, many blocks)', async () => {
  const rng = createRng(7);
  // An offset of 50 makes ||q||² ~ 40000 while nearest distances are ~10: the float32 expansion alone would lose
  // ~3 digits; the exact float64 recompute of the chosen pair keeps the 1e-5 agreement.
  const q = randn(rng, 40, 16, 50);
  const bank = randn(rng, 3000, 16, 50);
  const fast = await nearestSquared(q, bank, TINY);
  const ref = nearestSquaredRef(q, bank);
  let checkedIdx = 0;
  for (let i = 0; i < q.rows; i++) {
    assert.ok(closeRel(fast.dist[i], ref.dist[i]), `query ${i}: ${fast.dist[i]} vs ${ref.dist[i]}`);
    assert.ok(fast.dist[i] >= 0);
    // second-best distance in float64, to only demand equal indices where the nearest is unique by a margin
    const all: number[] = [];
    for (let j = 0; j < bank.rows; j++) {
      let s = 0;
      for (let c = 0; c < 16; c++) {
        const t = q.data[i * 16 + c] - bank.data[j * 16 + c];
        s += t * t;
      }
      all.push(s);
    }
    all.sort((a, b) => a - b);
    if (all[1] - all[0] > 1e-3 * all[0]) {
      assert.equal(fast.index[i], ref.index[i], `query ${i}`);
      checkedIdx++;
    }
  }
  assert.ok(checkedIdx > 30, 'most nearest neighbours should be unique by a margin');
});

test('a sharded bank (with an empty shard) gives the same answers and global indices as the whole bank', async () => {
  const rng = createRng(8);
  const q = randn(rng, 25, 12);
  const bank = randn(rng, 2500, 12);
  const shard = (a: number, b: number): Matrix => ({ data: bank.data.slice(a * 12, b * 12), rows: b - a, cols: 12 });
  const shards = [shard(0, 1000), shard(1000, 1000), shard(1000, 2100), shard(2100, 2500)];
  const whole = await nearestSquared(q, bank, TINY);
  const split = await nearestSquared(q, shards, TINY);
  const splitJs = await nearestSquared(q, shards, { engine: 'js' });
  assert.deepEqual(Array.from(split.index), Array.from(whole.index));
  assert.deepEqual(Array.from(splitJs.index), Array.from(nearestSquaredRef(q, bank).index));
  for (let i = 0; i < q.rows; i++) assert.ok(closeRel(split.dist[i], whole.dist[i]));
});

test('an exact duplicate of a query in the bank gives distance exactly 0, never a tiny negative', async () => {
  const rng = createRng(9);
  const bank = randn(rng, 500, 64, 20);
  const q: Matrix = { data: bank.data.slice(64 * 123, 64 * 124), rows: 1, cols: 64 };
  const r = await nearestSquared(q, bank, { engine: 'ort' });
  assert.equal(r.index[0], 123);
  assert.equal(r.dist[0], 0);
});

test('blocked k-NN equals the reference exactly, duplicates and self-exclusion included', async () => {
  const rng = createRng(10);
  const pts = randn(rng, 300, 8);
  // rows 200..219 duplicate rows 0..19, and rows 220..222 are three copies of row 5: exact ties, broken by lower index
  for (let i = 0; i < 20; i++) pts.data.copyWithin((200 + i) * 8, i * 8, (i + 1) * 8);
  for (let i = 220; i < 223; i++) pts.data.copyWithin(i * 8, 5 * 8, 6 * 8);
  const budget = { ...TINY, memoryBudgetMB: (2000 * 4) / 2 ** 20 };
  for (const excludeSelf of [true, false]) {
    const fast = await knnSquared(pts, 6, excludeSelf, budget);
    const ref = knnSquaredRef(pts, 6, excludeSelf);
    assert.deepEqual(Array.from(fast.index), Array.from(ref.index), `excludeSelf=${excludeSelf}`);
    assert.deepEqual(Array.from(fast.dist), Array.from(ref.dist));
  }
  const fast = await knnSquared(pts, 6, true, budget);
  for (let i = 0; i < pts.rows; i++)
    assert.ok(!fast.index.subarray(i * 6, i * 6 + 6).includes(i), `row ${i} lists itself`);
  // row 5's nearest are its four copies (205, 220, 221, 222; row 5 itself excluded), all at distance 0, by index
  assert.deepEqual(Array.from(fast.index.subarray(5 * 6, 5 * 6 + 4)), [205, 220, 221, 222]);
  assert.deepEqual(Array.from(fast.dist.subarray(5 * 6, 5 * 6 + 4)), [0, 0, 0, 0]);
  // and row 220's are 5, 205, 221, 222
  assert.deepEqual(Array.from(fast.index.subarray(220 * 6, 220 * 6 + 4)), [5, 205, 221, 222]);
});

test('A·Bᵀ in blocks matches the reference', async () => {
  const rng = createRng(11);
  const a = randn(rng, 70, 33);
  const b = randn(rng, 1500, 33);
  const fast = await matmulTransposed(a, b, TINY);
  const ref = matmulTransposedRef(a, b);
  assert.equal(fast.rows, 70);
  assert.equal(fast.cols, 1500);
  for (let i = 0; i < ref.data.length; i++) assert.ok(closeRel(fast.data[i], ref.data[i], 1e-5, 1e-5), `entry ${i}`);
});

test('bad input is refused with a clear error on both engines', async () => {
  const rng = createRng(12);
  const q = randn(rng, 3, 4);
  for (const engine of ['ort', 'js'] as const) {
    await assert.rejects(nearestSquared(q, zeros(0, 4), { engine }), /memory bank is empty/);
    await assert.rejects(nearestSquared(q, [zeros(0, 4), zeros(0, 4)], { engine }), /memory bank is empty/);
    await assert.rejects(nearestSquared(q, randn(rng, 5, 3), { engine }), /dimension mismatch/);
    await assert.rejects(knnSquared(q, 3, true, { engine }), /only 2 other points/);
  }
  await assert.rejects(nearestSquared(q, q, { engine: 'ort', memoryBudgetMB: 0 }), /memoryBudgetMB/);
  await assert.rejects(nearestSquared(q, q, { engine: 'gpu' as never }), /engine must be/);
});

test("device: 'cuda' without onnxruntime's CUDA files fails with a clear OptionError, and auto stays on the CPU", async (t) => {
  const { ortCudaInstalled } = await import('../../src/linalg');
  if (ortCudaInstalled()) {
    t.skip('CUDA provider installed here');
    return;
  }
  await assert.rejects(
    nearestSquared(zeros(2, 3), zeros(4, 3), { engine: 'ort', device: 'cuda' }),
    /CUDA provider.*device: 'cpu'/,
  );
  const r = await nearestSquared(zeros(2, 3), zeros(4, 3), { engine: 'ort', device: 'auto' });
  assert.deepEqual(Array.from(r.dist), [0, 0]);
});

test('topkIndices reads int64 TopK positions as int32 without BigInts, and refuses one that is not a block position', () => {
  const big = BigInt64Array.from([0n, 1n, 7n, 2147483647n, 65536n]);
  assert.deepEqual(Array.from(topkIndices(big)), [0, 1, 7, 2147483647, 65536]);
  // a view with an offset reads its own elements
  assert.deepEqual(Array.from(topkIndices(big.subarray(2, 4))), [7, 2147483647]);
  assert.throws(() => topkIndices(BigInt64Array.from([2147483648n])), RangeError);
  assert.throws(() => topkIndices(BigInt64Array.from([-1n])), RangeError);
});
