import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lof, lofPerPosition } from '../../src/sampling/lof';
import { quantileLinear } from '../../src/sampling/quantile';
import { fromRows, zeros, Matrix } from '../../src/linalg/matrix';
import { createRng } from '../../src/util/rng';
import { OptionError, InputError } from '../../src/util/errors';

const col = (v: number[]): Matrix => fromRows(v.map((x) => [x]));
const near = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('LOF of 1-D points 0,1,2,3,10 with k=2, by hand', async () => {
  // Neighbours (self excluded, ties to the lower index): 0:{1,2} 1:{0,2} 2:{1,3} 3:{2,1} 10:{3,2}
  // k-distance: 0:2  1:1  2:1  3:2  10:8
  // reach(a,b)=max(kdist(b), d(a,b)):
  //   0: max(1,1)=1, max(1,2)=2 -> mean 1.5 -> lrd 2/3      1: max(2,1)=2, max(1,1)=1 -> 1.5 -> 2/3
  //   2: max(1,1)=1, max(2,1)=2 -> 1.5 -> 2/3              3: max(1,1)=1, max(1,2)=2 -> 1.5 -> 2/3
  //   10: max(2,7)=7, max(1,8)=8 -> 7.5 -> lrd 2/15
  // LOF = mean lrd(neighbours) / lrd(self): 1,1,1,1 and (2/3)/(2/15) = 5
  const s = await lof(col([0, 1, 2, 3, 10]), { k: 2 });
  [1, 1, 1, 1, 5].forEach((w, i) => near(s[i], w));
});

test('LOF with k=1 on 0,1,3: asymmetric case by hand', async () => {
  // NN: 0->1 (1), 1->0 (1), 3->1 (2). kdist: 1, 1, 2.
  // reach: 0->1: max(1,1)=1 lrd0=1; 1->0: max(1,1)=1 lrd1=1; 3->1: max(1,2)=2 lrd3=1/2
  // LOF: 0: 1/1=1; 1: 1/1=1; 3: 1/(1/2)=2
  const s = await lof(col([0, 1, 3]), { k: 1 });
  [1, 1, 2].forEach((w, i) => near(s[i], w));
});

test('duplicates follow sklearn: the 1e-10 guard, no NaN', async () => {
  // Three identical points and one at 1, k=2: the duplicates have reach 0 -> lrd 1e10; LOF of the duplicates is 1.
  const s = await lof(col([0, 0, 0, 1]), { k: 2 });
  near(s[0], 1);
  near(s[1], 1);
  near(s[2], 1);
  // point 1: neighbours two zeros at d=1, kdist(0)=0 -> reach 1 -> lrd ~1; LOF = 1e10 / 1
  assert.ok(s[3] > 1e9 && Number.isFinite(s[3]));
});

test('k >= points is refused (sklearn would shrink k)', async () => {
  await assert.rejects(
    lof(col([0, 1, 2]), { k: 3 }),
    (e: Error) => e instanceof OptionError && /k \(3\).*3\)/.test(e.message),
  );
  await assert.rejects(lof(col([0, 1]), { kk: 1 } as never), OptionError);
  await assert.rejects(lof(col([0, NaN, 2, 3]), { k: 1 }), InputError);
  await assert.rejects(lof(zeros(0, 2), { k: 1 }), /empty/);
});

test('lofPerPosition scores each position across images, never across positions', async () => {
  // 6 images x 2 positions x 2 dims. Position 0: image 5 is the outlier; position 1: image 0 is.
  // projDim 2 == input dim -> the projection is skipped (as in the official code), so the scores equal plain LOF.
  const n = 6;
  const p = zeros(n * 2, 2);
  const pos0 = [
    [0, 0],
    [0.1, 0],
    [0, 0.1],
    [0.1, 0.1],
    [0.05, 0.05],
    [5, 5],
  ];
  const pos1 = [
    [-9, 9],
    [100, 100],
    [100.1, 100],
    [100, 100.1],
    [100.1, 100.1],
    [100.05, 100.05],
  ];
  for (let i = 0; i < n; i++) {
    p.data.set(pos0[i], i * 2 * 2);
    p.data.set(pos1[i], (i * 2 + 1) * 2);
  }
  const s = await lofPerPosition(p, n, 2, createRng(1), { k: 2, projDim: 2 });
  const a = await lof(fromRows(pos0), { k: 2 });
  const b = await lof(fromRows(pos1), { k: 2 });
  for (let i = 0; i < n; i++) {
    near(s[i * 2], a[i], 1e-4);
    near(s[i * 2 + 1], b[i], 1e-4);
  }
  assert.ok(s[5 * 2] > 10 && s[0 * 2 + 1] > 10);
  // With a real projection (8 -> 4 dims) the outlier is still the top score at its position, and results are seeded.
  const q = zeros(n * 2, 8);
  for (let i = 0; i < n * 2; i++) for (let c = 0; c < 8; c++) q.data[i * 8 + c] = ((i * 7 + c * 3) % 5) * 0.01;
  for (let c = 0; c < 8; c++) q.data[5 * 2 * 8 + c] = 3;
  const s1 = await lofPerPosition(q, n, 2, createRng('x'), { k: 2, projDim: 4 });
  const s2 = await lofPerPosition(q, n, 2, createRng('x'), { k: 2, projDim: 4 });
  assert.deepEqual(Array.from(s1), Array.from(s2));
  const at0 = [0, 1, 2, 3, 4, 5].map((i) => s1[i * 2]);
  assert.equal(at0.indexOf(Math.max(...at0)), 5);
});

test('lofPerPosition refuses k >= images and bad shapes', async () => {
  await assert.rejects(lofPerPosition(zeros(12, 2), 6, 2, createRng(1), { k: 6 }), /k \(6\).*training images \(6\)/);
  await assert.rejects(lofPerPosition(zeros(12, 2), 5, 2, createRng(1)), /12 patch rows/);
});

test('lofPerPosition refuses NaN and Infinity on every engine, projected or not, naming the cell', async () => {
  const images = 30,
    ppi = 3,
    d = 4;
  const rng = createRng('nonfinite');
  for (const engine of [{ engine: 'ort' as const, threads: 1 }, { engine: 'ort' as const }, { engine: 'js' as const }])
    for (const projDim of [d, 3])
      for (const [row, col, v] of [
        [0, 0, NaN], // member 0 of group 0: the shift carries it to every row of the group
        [50, 3, Infinity],
        [89, 1, -Infinity], // the last row
      ]) {
        const p = zeros(images * ppi, d);
        for (let i = 0; i < p.data.length; i++) p.data[i] = rng.normal();
        p.data[row * d + col] = v;
        await assert.rejects(
          lofPerPosition(p, images, ppi, createRng(1), { k: 3, projDim, progress: false, engine }),
          (e: Error) =>
            e instanceof InputError && e.message.includes(`non-finite value (${v}) at row ${row}, column ${col}`),
          `${JSON.stringify(engine)} projDim ${projDim}: ${v} at ${row},${col}`,
        );
      }
  // Finite values whose float32 differences overflow still run (as before the deferred check): no error.
  const big = zeros(images * ppi, 2);
  for (let i = 0; i < big.data.length; i++) big.data[i] = (i % 3) - 1 === 0 ? 0 : ((i % 3) - 1) * 3e38;
  const s = await lofPerPosition(big, images, ppi, createRng(1), { k: 3, projDim: 2, progress: false });
  assert.equal(s.length, images * ppi);
});

test('quantileLinear = torch.quantile linear interpolation', () => {
  // sorted [1,2,3,4,10]; q=0.85 -> pos 3.4 -> 4 + 0.4*(10-4) = 6.4
  near(quantileLinear([10, 3, 1, 4, 2], 0.85), 6.4, 1e-12);
  near(quantileLinear([5], 0.3), 5);
  near(quantileLinear([1, 2], 0), 1);
  near(quantileLinear([1, 2], 1), 2);
  near(quantileLinear([0, 1], 0.5), 0.5);
  assert.throws(() => quantileLinear([], 0.5), /empty/);
  assert.throws(() => quantileLinear([1, NaN], 0.5), /not finite/);
  assert.throws(() => quantileLinear([1], 1.5), OptionError);
});
