import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import { Matrix, zeros } from '../../src/linalg/matrix';
import { knnSquaredGroups, GroupedKnnOptions, GroupedKnnStats } from '../../src/linalg';
import { knnSquaredRef, KnnResult } from '../../src/linalg/reference';
import { lofPerPosition, lofFromNeighbours } from '../../src/sampling/lof';

/** Member m of group g = row m * groups + g, as patch features are laid out (image-major, position inside). */
function member(pts: Matrix, groups: number, g: number): Matrix {
  const n = pts.rows / groups,
    d = pts.cols;
  const out = zeros(n, d);
  for (let m = 0; m < n; m++) out.data.set(pts.data.subarray((m * groups + g) * d, (m * groups + g + 1) * d), m * d);
  return out;
}

async function run(
  pts: Matrix,
  groups: number,
  k: number,
  excludeSelf: boolean,
  o: GroupedKnnOptions,
): Promise<{ res: KnnResult[]; stats: GroupedKnnStats; order: number[] }> {
  const res: KnnResult[] = [];
  const order: number[] = [];
  const stats = await knnSquaredGroups(
    pts,
    groups,
    k,
    excludeSelf,
    (g, r) => {
      order.push(g);
      res[g] = { k: r.k, dist: r.dist.slice(), index: r.index.slice() };
    },
    o,
  );
  return { res, stats, order };
}

/** Bit-for-bit equality with knnSquaredRef on every group. */
async function assertExact(pts: Matrix, groups: number, k: number, o: GroupedKnnOptions, what: string) {
  const out: GroupedKnnStats[] = [];
  for (const excludeSelf of [true, false]) {
    const { res, stats, order } = await run(pts, groups, k, excludeSelf, o);
    assert.deepEqual(
      order,
      Array.from({ length: groups }, (_, g) => g),
      `${what}: each group once, in order`,
    );
    for (let g = 0; g < groups; g++) {
      const ref = knnSquaredRef(member(pts, groups, g), k, excludeSelf);
      assert.deepEqual(Array.from(res[g].index), Array.from(ref.index), `${what}: indices of group ${g}`);
      assert.deepEqual(Array.from(res[g].dist), Array.from(ref.dist), `${what}: distances of group ${g}`);
    }
    out.push(stats);
  }
  return out;
}

function fill(pts: Matrix, f: (m: number, g: number, c: number) => number, groups: number): Matrix {
  const d = pts.cols;
  for (let r = 0; r < pts.rows; r++)
    for (let c = 0; c < d; c++) pts.data[r * d + c] = f(Math.floor(r / groups), r % groups, c);
  return pts;
}

const ORT: GroupedKnnOptions = { engine: 'ort', threads: 1 };

test('grouped k-NN equals knnSquaredRef on every group (clusters, odd dimension, several calls, row blocks)', async () => {
  const rng: Rng = createRng('grouped-knn');
  const groups = 7,
    n = 40,
    d = 13;
  const centres = Array.from({ length: 5 }, () => Array.from({ length: d }, () => rng.normal() * 4));
  const pts = fill(zeros(n * groups, d), (m, g, c) => centres[(m + g) % 5][c] + rng.normal() * 0.3, groups);
  const [st] = await assertExact(pts, groups, 5, { ...ORT, groupsPerCall: 3 }, 'clusters');
  assert.equal(st.calls, 4, 'blocks of 1, 3, 2 and 1 groups: the worker path makes the first and last small');
  const [here] = await assertExact(pts, groups, 5, { ...ORT, groupsPerCall: 3, worker: false }, 'clusters, one thread');
  assert.equal(here.calls, 3, 'blocks of 3, 3 and 1 groups on the calling thread');
  assert.equal(here.bruteRows, 0, 'the scores of the calling thread certify as well');
  assert.equal(st.bruteRows, 0, 'well separated points certify within the candidates');
  assert.ok(st.exact < groups * n * 5, `mutual neighbour pairs are measured once (${st.exact} exact distances)`);
  // A budget of 600 floats: one group per call and query blocks of 15 rows.
  const [rb] = await assertExact(pts, groups, 5, { ...ORT, memoryBudgetMB: (600 * 4) / 2 ** 20 }, 'row blocks');
  assert.equal(rb.calls, groups * 3);
  assert.equal(rb.bruteRows, 0, 'and so do those of row blocks');
  // The reference engine runs the same contract.
  const a = await run(pts, groups, 5, true, { engine: 'js' });
  const b = await run(pts, groups, 5, true, ORT);
  assert.deepEqual(a.res, b.res);
});

test('grouped k-NN is exact on ties, duplicate rows, constant features and constant groups', async () => {
  const groups = 4,
    n = 30,
    d = 6;
  // Small integer coordinates: many equal distances, and exact duplicates (distance 0).
  const grid = fill(zeros(n * groups, d), (m, g, c) => ((m * (c + 1) + g) % 3) - 1, groups);
  await assertExact(grid, groups, 4, ORT, 'integer grid');
  await assertExact(grid, groups, 4, { ...ORT, worker: false }, 'integer grid, one thread');
  // Duplicated rows within a group, constant columns, and one group where every member is the same point.
  const rng = createRng('dups');
  const base = Array.from({ length: n * groups * d }, () => rng.normal());
  const dup = fill(
    zeros(n * groups, d),
    (m, g, c) => (g === 3 ? 2.5 : c === 0 ? 7 : base[((m % 9) * groups + g) * d + c]),
    groups,
  );
  for (const o of [ORT, { ...ORT, worker: false }, { ...ORT, groupsPerCall: 1 }]) {
    const stats = await assertExact(dup, groups, 5, o, `duplicates ${JSON.stringify(o)}`);
    assert.ok(stats[0].bruteRows >= n, 'the constant group (all distances 0) cannot certify and is measured directly');
  }
});

test('grouped k-NN is exact at adversarial scales and offsets', async () => {
  const rng = createRng('scales');
  const groups = 5,
    n = 24,
    d = 9;
  const noise = Array.from({ length: n * groups * d }, () => rng.normal());
  // group 0: tiny (float32 squares underflow), 1: huge (float32 squares overflow), 2: a large common offset with a small
  // spread, 3: one coordinate a million times the others, 4: plain.
  const pts = fill(
    zeros(n * groups, d),
    (m, g, c) => {
      const z = noise[(m * groups + g) * d + c];
      return [z * 1e-22, z * 3e19, 1e5 + z * 1e-2, c === 0 ? z * 1e6 : z, z][g];
    },
    groups,
  );
  await assertExact(pts, groups, 3, ORT, 'scales');
  await assertExact(pts, groups, 3, { ...ORT, worker: false }, 'scales, one thread');
  // The worker's defaults (threads: one fewer than the cores, at least one) and its spinning thread pool.
  await assertExact(pts, groups, 3, { engine: 'ort' }, 'scales, default threads');
  await assertExact(pts, groups, 3, { engine: 'ort', threads: 2, spin: true, groupsPerCall: 2 }, 'scales, spinning');
});

test('per-position LOF on the grouped k-NN equals LOF on the reference neighbours, bit for bit', async () => {
  const rng = createRng('lof-grouped');
  const images = 50,
    ppi = 9,
    d = 12;
  const p = zeros(images * ppi, d);
  for (let i = 0; i < p.data.length; i++) p.data[i] = rng.normal() + (i % 17 === 0 ? 6 : 0);
  // projDim = d: no projection, so the reference sees the same points.
  const got = await lofPerPosition(p, images, ppi, createRng(1), {
    k: 6,
    projDim: d,
    progress: false,
    engine: { engine: 'ort', threads: 1 },
  });
  for (let q = 0; q < ppi; q++) {
    const pts = member(p, ppi, q);
    const ref = knnSquaredRef(pts, 6, true);
    const want = lofFromNeighbours(ref.dist, ref.index, images, 6);
    for (let i = 0; i < images; i++) assert.equal(got[i * ppi + q], want[i], `position ${q}, image ${i}`);
  }
});

test('per-position LOF is bit for bit on many positions (small first and last blocks), duplicate images and ties', async () => {
  const rng = createRng('lof-many');
  const images = 20,
    ppi = 70,
    d = 5;
  const p = zeros(images * ppi, d);
  // Integer coordinates (many equal distances); image 7 repeats image 3 and position 11 is constant across images.
  for (let i = 0; i < images; i++)
    for (let q = 0; q < ppi; q++)
      for (let c = 0; c < d; c++)
        p.data[(i * ppi + q) * d + c] = q === 11 ? 1 : i === 7 ? p.data[(3 * ppi + q) * d + c] : rng.int(4);
  for (const engine of [
    { engine: 'ort' as const, threads: 1 },
    { engine: 'ort' as const, groupsPerCall: 16 },
  ]) {
    const got = await lofPerPosition(p, images, ppi, createRng(1), { k: 4, projDim: d, progress: false, engine });
    for (let q = 0; q < ppi; q++) {
      const ref = knnSquaredRef(member(p, ppi, q), 4, true);
      const want = lofFromNeighbours(ref.dist, ref.index, images, 4);
      for (let i = 0; i < images; i++) assert.ok(Object.is(got[i * ppi + q], want[i]), `position ${q}, image ${i}`);
    }
  }
});

test('grouped k-NN is exact on groups too large for the pair memo (over 1024 members) and on ties in larger groups', async () => {
  const rng = createRng('large-groups');
  // 1100 members a group: every first-k pair is measured from both sides, with no memo between them.
  const big = fill(zeros(1100 * 2, 3), () => rng.int(6) + (rng.uniform(0, 1) < 0.5 ? 0 : rng.normal() * 0.01), 2);
  await assertExact(big, 2, 3, ORT, 'over 1024 members');
  const spread = fill(zeros(1100 * 2, 3), () => rng.normal(), 2);
  const [st] = await assertExact(spread, 2, 3, ORT, 'over 1024 members, spread');
  assert.equal(st.bruteRows, 0, 'random points certify within the candidates (every distance found where it was put)');
  // 64 members and k = 4 on integer coordinates: many rows whose first-k pairs are shared, measured in one batch.
  const grid = fill(zeros(64 * 5, 4), (m, g, c) => ((m * (c + 2) + g * 3) % 5) - 2, 5);
  await assertExact(grid, 5, 4, ORT, 'ties, 64 members');
  await assertExact(grid, 5, 4, { ...ORT, worker: false }, 'ties, 64 members, one thread');
});

test('grouped k-NN refuses bad shapes and options', async () => {
  const pts = zeros(12, 2);
  await assert.rejects(
    knnSquaredGroups(pts, 5, 1, true, () => {}),
    /do not split into 5/,
  );
  await assert.rejects(
    knnSquaredGroups(pts, 4, 3, true, () => {}),
    /only 2 other points/,
  );
  await assert.rejects(
    knnSquaredGroups(pts, 4, 1, true, () => {}, { groupsPerCall: 0 }),
    /groupsPerCall/,
  );
  await assert.rejects(
    knnSquaredGroups(pts, 4, 1, true, () => {}, { memoryBudgetMB: -1 }),
    /memoryBudgetMB/,
  );
});

test('grouped k-NN is exact with either selection (WebAssembly or onnxruntime TopK): tiny groups, ties, duplicates, scales', async () => {
  const rng = createRng('selections');
  // 2 and 3 members (k = 1 and 2 take every other member), 5 and 9 (not multiples of 4), 30 on integer coordinates.
  const cases: [number, number, number, number][] = [
    [2, 6, 3, 1],
    [3, 5, 4, 2],
    [5, 7, 3, 4],
    [9, 4, 7, 3],
    [30, 3, 5, 6],
  ];
  for (const [n, groups, d, k] of cases) {
    const ints = fill(zeros(n * groups, d), () => rng.int(3) - 1, groups);
    const dups = fill(zeros(n * groups, d), (m, g, c) => (g === 0 ? 1.5 : ((m % 2) + c + g) * 0.25), groups);
    const scales = fill(zeros(n * groups, d), (m, g) => rng.normal() * [1e-20, 1, 2e18][g % 3], groups);
    for (const topk of ['wasm', 'ort'] as const)
      for (const worker of [true, false])
        for (const [what, pts] of [
          ['integers', ints],
          ['duplicates', dups],
          ['scales', scales],
        ] as const) {
          const [st] = await assertExact(pts, groups, k, { ...ORT, topk, worker }, `${what} n=${n} ${topk} ${worker}`);
          assert.equal(st.topk, topk, 'the selection asked for ran');
        }
  }
  // The default is the WebAssembly selection, and the reference engine uses none.
  const pts = fill(zeros(40 * 3, 4), () => rng.normal(), 3);
  assert.equal((await run(pts, 3, 5, true, ORT)).stats.topk, 'wasm');
  assert.equal((await run(pts, 3, 5, true, { engine: 'js' })).stats.topk, null);
  await assert.rejects(
    knnSquaredGroups(pts, 3, 5, true, () => {}, { topk: 'fast' as 'wasm' }),
    /topk must be 'wasm' or 'ort'/,
  );
});

test('grouped k-NN with a NaN or an infinite coordinate: flagged on both selections, the finite groups still exact', async () => {
  const rng = createRng('selections-nonfinite');
  const groups = 4,
    n = 24,
    d = 5;
  for (const bad of [NaN, Infinity, -Infinity]) {
    const pts = fill(zeros(n * groups, d), () => rng.normal(), groups);
    pts.data[(7 * groups + 2) * d + 3] = bad; // member 7 of group 2
    for (const topk of ['wasm', 'ort'] as const)
      for (const worker of [true, false]) {
        const { res, stats } = await run(pts, groups, 4, true, { ...ORT, topk, worker });
        assert.ok(stats.nonFinite, `${bad} ${topk}: reported`);
        for (const g of [0, 1, 3]) {
          const ref = knnSquaredRef(member(pts, groups, g), 4, true);
          assert.deepEqual(Array.from(res[g].index), Array.from(ref.index), `${bad} ${topk}: group ${g}`);
          assert.deepEqual(Array.from(res[g].dist), Array.from(ref.dist), `${bad} ${topk}: group ${g}`);
        }
      }
  }
});

test('per-position LOF scores are identical with either candidate selection (duplicate images, ties, a constant position)', async () => {
  const rng = createRng('lof-selections');
  const images = 30,
    ppi = 12,
    d = 6;
  const p = zeros(images * ppi, d);
  for (let i = 0; i < images; i++)
    for (let q = 0; q < ppi; q++)
      for (let c = 0; c < d; c++)
        p.data[(i * ppi + q) * d + c] = q === 5 ? 2 : i === 9 ? p.data[(4 * ppi + q) * d + c] : rng.int(5) * 0.5;
  const scores = [];
  for (const topk of ['wasm', 'ort'] as const)
    scores.push(
      await lofPerPosition(p, images, ppi, createRng(1), {
        k: 6,
        projDim: d,
        progress: false,
        engine: { engine: 'ort', threads: 1, topk },
      }),
    );
  for (let q = 0; q < ppi; q++) {
    const ref = knnSquaredRef(member(p, ppi, q), 6, true);
    const want = lofFromNeighbours(ref.dist, ref.index, images, 6);
    for (let i = 0; i < images; i++)
      for (const s of scores) assert.ok(Object.is(s[i * ppi + q], want[i]), `position ${q}, image ${i}`);
  }
});
